/**
 * The hand-over operations of the admin API on a real gateway with real SSO
 * tokens (a real oidc-provider; roles from claims), on SQLite and
 * PostgreSQL: only a compliance supervisor starts a hand-over, officers and
 * auditors read, IT admins do neither — every refusal audited; bad input is
 * a problem+json naming the field with nothing started; one hand-over of an
 * RM at a time; a retried request id answers the hand-over it started.
 */
import { randomUUID } from 'node:crypto';
import { problemType, type ProblemCode } from '../../gateway/admin-api/problems';
import { HANDOVER_ITEM_ENTITY, HANDOVER_JOB_ENTITY } from '../../gateway/db/entities';
import { DATABASE_KINDS } from '../db';
import { ADMIN_AUDIENCE, adminConfigFor, IDENTITIES } from '../admin/identities';
import { startOidcProvider, type TestOidcProvider } from '../admin/oidc-provider';
import { CORP_ID, startHandoverHarness, type HandoverHarness } from './handover-harness';

jest.setTimeout(180_000);

const TRANSFER = '/cgi-bin/externalcontact/transfer_customer';

let provider: TestOidcProvider;
const jwt = new Map<string, string>();
beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, [ADMIN_AUDIENCE]);
  for (const id of ['it-admin', 'officer', 'supervisor', 'auditor', 'nobody']) jwt.set(id, await provider.token(id));
});
afterAll(async () => provider?.stop());

describe.each(DATABASE_KINDS)('hand-over operations of the admin API (%s)', (kind) => {
  let h: HandoverHarness;
  let corpId: string;
  beforeAll(async () => {
    h = await startHandoverHarness({ kind, overlay: { admin: adminConfigFor(provider) } });
    corpId = h.corp.corpId;
  });
  afterAll(async () => h?.close());

  const as = (who: string, path: string, json?: unknown) => h.admin(path, { token: jwt.get(who)!, ...(json === undefined ? {} : { json }) });
  const expectProblem = (answer: { status: number; contentType: string; body: any }, status: number, code: ProblemCode) => {
    expect({ status: answer.status, contentType: answer.contentType, type: answer.body?.type }).toEqual({ status, contentType: 'application/problem+json', type: problemType(code) });
  };
  const jobs = () => h.gateway.dataSource.getRepository(HANDOVER_JOB_ENTITY).count();
  const items = () => h.gateway.dataSource.getRepository(HANDOVER_ITEM_ENTITY).count();
  const request = (over: Record<string, unknown> = {}) => ({ corp: CORP_ID, mode: 'in-service', handoverUserid: 'rm-zhang', takeoverUserid: 'rm-li', ...over });

  it('lets only a compliance supervisor start a hand-over; officers and auditors read; IT admins neither — each refusal audited, nothing started', async () => {
    h.sim.followCustomer(corpId, 'rm-zhang');
    for (const who of ['officer', 'auditor', 'it-admin', 'nobody']) {
      const refused = await as(who, '/handovers', request());
      expectProblem(refused, 403, 'forbidden');
      expect(refused.body.detail).toBe('startHandover needs the handover:run permission, which your roles do not hold');
      const denied = (await h.gateway.audit.list({ type: 'admin.access.denied', actor: who, order: 'desc', limit: 1 })).items[0]!;
      expect(denied).toMatchObject({ target: 'startHandover', outcome: 'denied', details: { permission: 'handover:run' } });
    }
    expect(await jobs()).toBe(0);
    expect(h.sim.calls({ path: '/cgi-bin/externalcontact/list' })).toEqual([]);

    const started = await as('supervisor', '/handovers', request({ requestId: `roles-${kind}-1` }));
    expect(started.status).toBe(200);
    const id = started.body.id as string;
    expect((await h.gateway.audit.list({ type: 'admin.handover.start', order: 'desc', limit: 1 })).items[0]).toMatchObject({ actor: { subject: 'supervisor', via: 'oidc' }, target: id, outcome: 'success' });

    for (const who of ['officer', 'auditor', 'supervisor']) {
      expect((await as(who, '/handovers')).status).toBe(200);
      expect((await as(who, `/handovers/${id}`)).status).toBe(200);
      expect((await as(who, `/rms/${CORP_ID}/rm-zhang/records`)).status).toBe(200);
    }
    for (const who of ['it-admin', 'nobody']) {
      expectProblem(await as(who, '/handovers'), 403, 'forbidden');
      expectProblem(await as(who, `/handovers/${id}`), 403, 'forbidden');
      expectProblem(await as(who, `/rms/${CORP_ID}/rm-zhang/records?decrypt=true`), 403, 'forbidden');
    }
    const list = await as('auditor', '/handovers?corp=bank-corp&status=transferring');
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await h.gateway.audit.list({ type: 'admin.handover.view', actor: 'officer', order: 'desc', limit: 1 })).items[0]).toMatchObject({ target: id, outcome: 'success' });
    const records = (await h.gateway.audit.list({ type: 'admin.rm.records', actor: 'auditor', order: 'desc', limit: 1 })).items[0]!;
    expect(records.details).toMatchObject({ corp: CORP_ID, rmIndex: expect.stringMatching(/^[0-9a-f]{64}$/), handovers: 1 });
    expect(JSON.stringify(records)).not.toContain('rm-zhang');
  });

  it('answers one hand-over of an RM at a time (409), a retried request id with the hand-over it started, and an id used for another with 400', async () => {
    const before = await jobs();
    const again = await as('supervisor', '/handovers', request({ requestId: `roles-${kind}-1` }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, customers: { total: 1 } });
    const running = again.body.id as string;
    const busy = await as('supervisor', '/handovers', request({ takeoverUserid: 'rm-wang' }));
    expectProblem(busy, 409, 'handover_in_progress');
    expect(busy.body.detail).toContain(running);
    const reused = await as('supervisor', '/handovers', request({ takeoverUserid: 'rm-wang', requestId: `roles-${kind}-1` }));
    expectProblem(reused, 400, 'invalid');
    expect(reused.body.errors).toEqual([{ pointer: '/body/requestId', message: expect.stringContaining('another hand-over') }]);
    expect(await jobs()).toBe(before);
    const failed = (await h.gateway.audit.list({ type: 'admin.handover.start', outcome: 'failure', order: 'desc', limit: 2 })).items.map((e) => e.details.problem);
    expect(failed).toEqual(['invalid', 'handover_in_progress']);
    // It ends; then the RM may be handed over again.
    await h.gateway.handover.runDue();
    h.clock.advance(25 * 3_600_000);
    await h.gateway.handover.runDue();
    expect((await as('officer', `/handovers/${running}`)).body.status).toBe('completed');
  });

  it.each([
    ['no takeover RM', () => request({ takeoverUserid: undefined }), 400, 'validation_failed', '/body/takeoverUserid'],
    ['an unknown mode', () => request({ mode: 'sideways' }), 400, 'validation_failed', '/body/mode'],
    ['a userid WeCom cannot have', () => request({ handoverUserid: 'rm zhang' }), 400, 'validation_failed', '/body/handoverUserid'],
    ['a customer id that is not one', () => request({ externalUserIds: ['not-an-external-id'] }), 400, 'validation_failed', '/body/externalUserIds/0'],
    ['a message over 200 characters', () => request({ transferSuccessMsg: '好'.repeat(201) }), 400, 'validation_failed', '/body/transferSuccessMsg'],
    ['a field the API does not know', () => request({ priority: 'high' }), 400, 'validation_failed', '/body/priority'],
    ['the same RM twice', () => request({ takeoverUserid: 'RM-ZHANG' }), 400, 'invalid', '/body/takeoverUserid'],
    ['an unknown corp', () => request({ corp: 'other-corp' }), 400, 'invalid', '/body/corp'],
    ['a message in a resigned hand-over', () => request({ mode: 'resigned', transferSuccessMsg: 'hi' }), 400, 'invalid', '/body/transferSuccessMsg'],
    ['an RM WeCom does not know (60111)', () => request({ handoverUserid: 'rm-ghost' }), 400, 'invalid', '/body/handoverUserid'],
    ['an RM with nothing to hand over', () => request({ handoverUserid: 'rm-zhao' }), 400, 'invalid', '/body/handoverUserid'],
  ] as const)('refuses %s with a problem naming the field, starting nothing', async (_name, body, status, code, pointer) => {
    const [before, itemsBefore, transfers] = [await jobs(), await items(), h.sim.calls({ path: TRANSFER }).length];
    const answer = await as('supervisor', '/handovers', body());
    expectProblem(answer, status, code);
    expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer })]));
    expect(answer.body.instance).toMatch(/^urn:uuid:/);
    expect([await jobs(), await items(), h.sim.calls({ path: TRANSFER }).length]).toEqual([before, itemsBefore, transfers]);
    const event = (await h.gateway.audit.list({ type: 'admin.handover.start', order: 'desc', limit: 1 })).items[0]!;
    expect(event).toMatchObject({ outcome: 'failure', details: { problem: code } });
  });

  it('refuses a body that is not JSON, an unknown or malformed hand-over id, a foreign cursor and an unknown corp', async () => {
    const notJson = await h.admin('/handovers', { token: jwt.get('supervisor')!, method: 'POST' });
    expect(notJson.status).toBe(400);
    const raw = await fetch(`${h.url}/admin/v1/handovers`, { method: 'POST', headers: { authorization: `Bearer ${jwt.get('supervisor')}`, 'content-type': 'application/json' }, body: '{"corp":' });
    expect({ status: raw.status, type: ((await raw.json()) as { type: string }).type }).toEqual({ status: 400, type: problemType('invalid_json') });
    expectProblem(await as('officer', '/handovers/not-a-uuid'), 400, 'validation_failed');
    expectProblem(await as('officer', `/handovers/${randomUUID()}`), 404, 'not_found');
    expectProblem(await as('officer', '/handovers?status=done'), 400, 'validation_failed');
    const cursor = await as('officer', `/rms/${CORP_ID}/rm-li/records?cursor=Zm9yZ2Vk`);
    expectProblem(cursor, 400, 'validation_failed');
    expect(cursor.body.errors).toEqual([{ pointer: '/query/cursor', message: 'is not a cursor this API issued' }]);
    const corp = await as('officer', '/rms/other-corp/rm-li/records');
    expectProblem(corp, 400, 'invalid');
    expect(corp.body.errors).toEqual([{ pointer: '/path/corp', message: 'is not a configured WeCom corp' }]);
    expectProblem(await as('officer', `/rms/${CORP_ID}/rm%20li/records`), 400, 'validation_failed');
  });

  it('answers 503 when WeCom cannot be asked which customers the RM has, starting nothing', async () => {
    h.sim.followCustomer(corpId, 'rm-wang');
    h.sim.faults.next('/cgi-bin/externalcontact/list', { kind: 'errcode', errcode: -1 }, 1, 'wecom');
    const before = await jobs();
    const answer = await as('supervisor', '/handovers', request({ handoverUserid: 'rm-wang' }));
    expectProblem(answer, 503, 'unavailable');
    expect(await jobs()).toBe(before);
    // Tried again, it starts.
    expect((await as('supervisor', '/handovers', request({ handoverUserid: 'rm-wang' }))).status).toBe(200);
  });
});
