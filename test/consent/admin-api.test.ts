/**
 * Issue 5, items 1, 4a and 6 through the admin API, on a real gateway with
 * real SSO tokens (a real oidc-provider; roles mapped from SSO groups), on
 * SQLite and PostgreSQL: an officer's consent records, bindings from the CRM
 * (its machine client) with evidence, everything with customer X, the PIPL
 * access file, restricting processing (the next send is denied) and alert
 * reviews. Every action and refusal is audited with blind indexes only;
 * bad input is a problem+json with nothing recorded; no person id, customer
 * id, basis or note reaches the log.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ARCHIVE_RECORD_ENTITY, COMPLIANCE_ALERT_ENTITY, CONSENT_ENTRY_ENTITY, PII_BINDING_ENTITY, reasonCodesOf } from '../../gateway/db/entities';
import { createLogger } from '../../gateway/observability/logger';
import { createSimulatedAccount } from '../../gateway/simulator/accounts';
import { verifyAuditLog } from '../../gateway/audit/verify-audit-log';
import type { AuditEventType } from '../../gateway/audit/event-types';
import { problemType, type ProblemCode } from '../../gateway/admin-api/problems';
import { DATABASE_KINDS } from '../db';
import { call, type Answer } from '../admin/admin-server';
import { startOidcProvider, type TestIdentity, type TestOidcProvider } from '../admin/oidc-provider';
import { ACCOUNT_ID, CORP_ID, startOutboundHarness, type OutboundHarness } from '../outbound/outbound-harness';

jest.setTimeout(180_000);

const AUDIENCE = 'urn:cgw:admin';
const member = (groups: string[]): TestIdentity => ({ claims: { groups }, ttlSeconds: 3600 });
const IDENTITIES: Record<string, TestIdentity> = {
  officer: member(['compliance']),
  supervisor: member(['compliance-leads']),
  auditor: member(['internal-audit']),
  crm: member(['crm-machine']),
  'it-admin': member(['cgw-it']),
  nobody: member(['Everyone']),
};
/** SSO groups → gateway roles, as a bank configures admin.oidc.roleMap. */
const ROLE_MAP = { compliance: 'compliance-officer', 'compliance-leads': ['compliance-officer', 'compliance-supervisor'], 'internal-audit': 'auditor', 'crm-machine': 'crm-service', 'cgw-it': 'it-admin' };
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const openidLike = () => `o${randomBytes(20).toString('base64url').slice(0, 27)}`;

let provider: TestOidcProvider;
const jwt = new Map<string, string>();
beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, [AUDIENCE]);
  for (const id of Object.keys(IDENTITIES)) jwt.set(id, await provider.token(id));
});
afterAll(async () => provider?.stop());

describe.each(DATABASE_KINDS)('consent, bindings, rights and alerts through the admin API (%s)', (kind) => {
  let h: OutboundHarness;
  let logText = '';
  /** Everything that must never reach the log. */
  const planted: string[] = [];
  const wealth = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:9/unused', mode: 'safe' });

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((logText += chunk.toString('utf8')), done()) });
    h = await startOutboundHarness({
      kind,
      extraAccounts: [{ id: 'wealth-oa', appId: wealth.appId, appSecret: wealth.appSecret, originalId: wealth.originalId, token: wealth.token, encodingAESKey: wealth.encodingAESKey, mode: 'safe' }],
      overlay: {
        admin: {
          localToken: { enabled: true },
          oidc: { issuer: provider.issuer, audience: AUDIENCE, jwksUri: provider.jwksUri, algorithms: ['RS256'], roleMap: ROLE_MAP },
          accessFileMaxBytes: 1_048_576,
        },
      },
      gatewayOptions: { logger: createLogger('debug', sink) },
    });
  });
  afterAll(async () => h?.close({ drop: true }));

  const admin = (path: string, as: string, json?: unknown, method?: string): Promise<Answer> =>
    call(`${h.url}/admin/v1`, path, { token: jwt.get(as)!, ...(json === undefined ? {} : { json }), ...(method ? { method } : {}) });
  const person = (id: string, account = ACCOUNT_ID) => ({ kind: 'openid' as const, id, account });
  const lastEvent = async (type: AuditEventType) => (await h.gateway.audit.list({ type, order: 'desc', limit: 1 })).items[0]!;
  const count = (entity: string, where: Record<string, unknown> = {}) => h.gateway.dataSource.getRepository(entity).countBy(where);
  const recorded = async () => ({ entries: await count(CONSENT_ENTRY_ENTITY), bindings: await count(PII_BINDING_ENTITY), records: await count(ARCHIVE_RECORD_ENTITY), closed: await count(COMPLIANCE_ALERT_ENTITY, { status: 'closed' }) });
  const expectProblem = (answer: Answer, status: number, code: ProblemCode) => {
    expect({ status: answer.status, contentType: answer.contentType, type: answer.body?.type }).toEqual({ status, contentType: 'application/problem+json', type: problemType(code) });
  };
  /** A follower who wrote `text` (archived, window open), with no consent or binding yet. Their openid is planted. */
  const follower = async (text: string) => {
    const openid = await h.strangerWhoWrote(text);
    planted.push(openid);
    return openid;
  };
  const appToken = async () => ((await (await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${h.app.appSecret}`)).json()) as { access_token: string }).access_token;
  const sendText = async (openid: string, content: string) =>
    (await (await fetch(`${h.oaBase}/cgi-bin/message/custom/send?access_token=${await appToken()}`, { method: 'POST', body: JSON.stringify({ touser: openid, msgtype: 'text', text: { content } }) })).json()) as Record<string, unknown>;

  it('records an officer\'s consent changes with the basis as evidence, shows the derived state and history, and answers a retried request id with nothing new', async () => {
    const openid = await follower(`你好 consent-${kind}`);
    const basis = `signed paper form, branch 12 (${kind})`;
    planted.push(basis);
    const version = h.gateway.consent.notices.get('marketing', 'zh-CN')!.version;
    const request = {
      account: ACCOUNT_ID, basis, evidence: { scan: 'DMS-4411' }, requestId: `paper-form-${kind}-1`,
      changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: version, language: 'zh-CN' }, { purpose: 'cross_border', action: 'withdraw' }],
    };
    const answer = await admin(`/persons/openid/${openid}/consent`, 'officer', request);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ duplicate: false, evidenceRecordId: expect.any(String) });
    expect(answer.body.entries).toEqual([
      expect.objectContaining({ purpose: 'marketing', action: 'grant', noticeVersion: version, language: 'zh-CN', source: 'admin', channel: 'admin_api', actor: 'officer' }),
      expect.objectContaining({ purpose: 'cross_border', action: 'withdraw', noticeVersion: null, language: null, source: 'admin', channel: 'admin_api', actor: 'officer' }),
    ]);
    const stateOf = (body: { purposes: { purpose: string; state: string }[] }) => Object.fromEntries(body.purposes.map((p) => [p.purpose, p.state]));
    expect(stateOf(answer.body.current)).toEqual({ archiving: 'missing', marketing: 'granted', cross_border: 'withdrawn', sensitive: 'missing', processing: 'missing' });

    // The request is the evidence, archived as consent.evidence.
    const evidence = await h.gateway.outbound.reader.open(answer.body.evidenceRecordId);
    expect(evidence).toMatchObject({ recordType: 'consent.evidence', subject: openid, payload: { request: { basis, evidence: { scan: 'DMS-4411' } }, source: 'admin', channel: 'admin_api', actor: 'officer', recordedBy: { subject: 'officer', via: 'oidc' } } });

    const before = await recorded();
    const again = await admin(`/persons/openid/${openid}/consent`, 'officer', request);
    expect(again.body).toMatchObject({ duplicate: true, evidenceRecordId: answer.body.evidenceRecordId, entries: [] });
    expect(await recorded()).toEqual(before);

    const shown = await admin(`/persons/openid/${openid}/consent?account=${ACCOUNT_ID}`, 'auditor');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ person: person(openid), current: { retainedForLegalObligationOnly: false } });
    expect(stateOf(shown.body.current)).toEqual(stateOf(answer.body.current));
    expect(shown.body.history.map((e: { purpose: string; action: string; evidenceRecordId: string }) => [e.purpose, e.action, e.evidenceRecordId])).toEqual([
      ['marketing', 'grant', answer.body.evidenceRecordId],
      ['cross_border', 'withdraw', answer.body.evidenceRecordId],
    ]);

    const subjectIndex = h.gateway.consent.index({ id: openid });
    const recordEvent = (await h.gateway.audit.list({ type: 'admin.consent.record', actor: 'officer', outcome: 'success', order: 'asc', limit: 10 })).items[0]!;
    expect(recordEvent).toMatchObject({ actor: { subject: 'officer', via: 'oidc' }, target: ACCOUNT_ID, details: { subjectIndex, kind: 'openid', evidenceRecordId: answer.body.evidenceRecordId, granted: ['marketing'], withdrawn: ['cross_border'], basisHash: sha(basis), basisLength: basis.length } });
    expect(await lastEvent('admin.consent.view')).toMatchObject({ actor: { subject: 'auditor' }, outcome: 'success', target: ACCOUNT_ID, details: { subjectIndex, entries: 2 } });
    const events = JSON.stringify((await h.gateway.audit.list({ order: 'desc', limit: 20 })).items);
    expect(events).not.toContain(openid);
    expect(events).not.toContain('DMS-4411');
    expect(events).not.toContain(basis);
  });

  describe('refuses bad input with a problem naming the field, recording nothing', () => {
    const someone = openidLike();
    const corpPerson = `wm${randomBytes(15).toString('hex')}`;
    const uuid = randomUUID();
    const consentBody = { account: ACCOUNT_ID, changes: [{ purpose: 'marketing', action: 'grant' }], basis: 'form' };
    const bindBody = { persons: [person(someone)], customerId: 'CIF-BAD-1', evidence: { kyc: 'x' } };
    const cases: { name: string; path: string; json?: unknown; raw?: { body: string; contentType: string }; problem: ProblemCode; pointer?: string }[] = [
      { name: 'a person id that is too short', path: `/persons/openid/short/consent?account=${ACCOUNT_ID}`, problem: 'validation_failed', pointer: '/path/personId' },
      { name: 'a person id with quotes and spaces', path: `/persons/openid/${encodeURIComponent("o'; DROP TABLE x")}/consent?account=${ACCOUNT_ID}`, problem: 'validation_failed', pointer: '/path/personId' },
      { name: 'an unknown kind of id', path: `/persons/email/${someone}/bindings?account=${ACCOUNT_ID}`, problem: 'validation_failed', pointer: '/path/kind' },
      { name: 'a consent read without the account', path: `/persons/openid/${someone}/consent`, problem: 'validation_failed', pointer: '/query/account' },
      { name: 'an account that is not configured', path: `/persons/openid/${someone}/consent?account=nope-oa`, problem: 'invalid', pointer: '/query/account' },
      { name: 'an external_userid on an Official Account', path: `/persons/external_userid/${corpPerson}/consent?account=${ACCOUNT_ID}`, problem: 'invalid', pointer: '/query/account' },
      { name: 'an unknown purpose', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, changes: [{ purpose: 'lottery', action: 'grant' }] }, problem: 'validation_failed', pointer: '/body/changes/0/purpose' },
      { name: 'consent without a basis', path: `/persons/openid/${someone}/consent`, json: { account: ACCOUNT_ID, changes: consentBody.changes }, problem: 'validation_failed', pointer: '/body/basis' },
      { name: 'consent with a blank basis', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, basis: '   ' }, problem: 'validation_failed', pointer: '/body/basis' },
      { name: 'consent without changes', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, changes: [] }, problem: 'validation_failed', pointer: '/body/changes' },
      { name: 'a notice version that is not a sha256', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: 'abc' }] }, problem: 'validation_failed', pointer: '/body/changes/0/noticeVersion' },
      { name: 'the same purpose twice', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, changes: [{ purpose: 'marketing', action: 'grant' }, { purpose: 'marketing', action: 'withdraw' }] }, problem: 'invalid' },
      { name: 'a choice dated in the future', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, occurredAt: '2999-01-01T00:00:00Z' }, problem: 'invalid', pointer: '/body/occurredAt' },
      { name: 'an oversized body', path: `/persons/openid/${someone}/consent`, json: { ...consentBody, evidence: { scan: 'x'.repeat(70 * 1024) } }, problem: 'payload_too_large' },
      { name: 'a body that is not JSON', path: `/persons/openid/${someone}/consent`, raw: { body: '{"account": ', contentType: 'application/json' }, problem: 'invalid_json' },
      { name: 'a body that is not application/json', path: '/bindings', raw: { body: JSON.stringify(bindBody), contentType: 'text/plain' }, problem: 'unsupported_media_type' },
      { name: 'a binding without evidence', path: '/bindings', json: { persons: bindBody.persons, customerId: 'CIF-BAD-1' }, problem: 'validation_failed', pointer: '/body/evidence' },
      { name: 'a binding with empty evidence', path: '/bindings', json: { ...bindBody, evidence: {} }, problem: 'validation_failed', pointer: '/body/evidence' },
      { name: 'a malformed customer id', path: '/bindings', json: { ...bindBody, customerId: 'CIF 1; drop' }, problem: 'validation_failed', pointer: '/body/customerId' },
      { name: 'five ids in one binding', path: '/bindings', json: { ...bindBody, persons: Array.from({ length: 5 }, () => person(openidLike())) }, problem: 'validation_failed', pointer: '/body/persons' },
      { name: 'a binding with an unknown field', path: '/bindings', json: { ...bindBody, force: true }, problem: 'validation_failed', pointer: '/body/force' },
      { name: 'a binding on an unconfigured account', path: '/bindings', json: { ...bindBody, persons: [person(someone, 'nope-oa')] }, problem: 'invalid', pointer: '/body/persons/0/account' },
      { name: 'an unbinding without ids', path: '/bindings/unbind', json: { persons: [], evidence: { reason: 'x' } }, problem: 'validation_failed', pointer: '/body/persons' },
      { name: 'a restriction without a basis', path: '/rights/restrict', json: { person: person(someone) }, problem: 'validation_failed', pointer: '/body/basis' },
      { name: 'an access request for a malformed id', path: '/rights/access', json: { person: { kind: 'openid', id: 'bad id', account: ACCOUNT_ID } }, problem: 'validation_failed', pointer: '/body/person/id' },
      { name: 'a customer id with a space', path: `/customers/${encodeURIComponent('CIF 1')}/records`, problem: 'validation_failed', pointer: '/path/customerId' },
      { name: 'a cursor this API did not issue', path: `/customers/CIF-1/records?cursor=${Buffer.from('seq:1').toString('base64url')}`, problem: 'validation_failed', pointer: '/query/cursor' },
      { name: 'an unknown alert status', path: '/alerts?status=maybe', problem: 'validation_failed', pointer: '/query/status' },
      { name: 'an alert id that is not a uuid', path: '/alerts/alert-1/close', json: { action: 'no_action', note: 'x' }, problem: 'validation_failed', pointer: '/path/alertId' },
      { name: 'an unknown review action', path: `/alerts/${uuid}/close`, json: { action: 'ignore', note: 'x' }, problem: 'validation_failed', pointer: '/body/action' },
      { name: 'a review without a note', path: `/alerts/${uuid}/close`, json: { action: 'no_action' }, problem: 'validation_failed', pointer: '/body/note' },
    ];
    for (const c of cases) {
      it(`refuses ${c.name} with ${c.problem}`, async () => {
        const before = await recorded();
        const answer = c.raw
          ? await call(`${h.url}/admin/v1`, c.path, { token: jwt.get('supervisor')!, body: c.raw.body, headers: { 'content-type': c.raw.contentType } })
          : await admin(c.path, 'supervisor', c.json);
        expectProblem(answer, answer.body?.status ?? 0, c.problem);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        if (c.pointer) expect(answer.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(c.pointer);
        // Problems say where and what, never the value sent.
        expect(JSON.stringify(answer.body)).not.toContain(someone);
        expect(await recorded()).toEqual(before);
      });
    }

    it('audits a refused request as a failure of its operation, naming the problem', async () => {
      await admin(`/persons/openid/${someone}/consent`, 'supervisor', { account: ACCOUNT_ID, changes: consentBody.changes });
      expect(await lastEvent('admin.consent.record')).toMatchObject({ actor: { subject: 'supervisor' }, outcome: 'failure', target: null, details: { problem: 'validation_failed' } });
      await admin(`/persons/openid/${someone}/consent`, 'supervisor', { ...consentBody, occurredAt: '2999-01-01T00:00:00Z' });
      expect(await lastEvent('admin.consent.record')).toMatchObject({ outcome: 'failure', details: { problem: 'invalid' } });
      await admin('/bindings', 'supervisor', { ...bindBody, evidence: {} });
      expect(await lastEvent('admin.binding.bind')).toMatchObject({ outcome: 'failure', details: { problem: 'validation_failed' } });
    });
  });

  it('binds ids to a customer for the CRM with evidence, shows customer ids only to bindings:read, refuses an openid of another account with 409, and keeps unbind and re-bind history', async () => {
    const openid = await follower(`bind-${kind}`);
    const unionid = `u${randomBytes(21).toString('base64url').slice(0, 28)}`;
    const customerId = `CIF-${kind}-0012345`;
    const second = `CIF-${kind}-0099999`;
    planted.push(unionid, customerId, second);
    const bind = { persons: [person(openid), { kind: 'unionid', id: unionid, account: ACCOUNT_ID }], customerId, evidence: { kyc: 'branch 12', crmRecord: 'C-77' }, requestId: `crm-bind-${kind}-1` };
    const bound = await admin('/bindings', 'crm', bind);
    expect(bound.status).toBe(200);
    expect(bound.body).toEqual({ action: 'bind', persons: 2, evidenceRecordId: expect.any(String) });
    const before = await recorded();
    expect((await admin('/bindings', 'crm', bind)).body).toEqual(bound.body);
    expect(await recorded()).toEqual(before);
    expect(await h.gateway.consent.bindings.customerOf({ kind: 'unionid', id: unionid, accountId: ACCOUNT_ID })).toBe(customerId);

    const evidence = await h.gateway.outbound.reader.open(bound.body.evidenceRecordId);
    expect(evidence).toMatchObject({ recordType: 'binding.evidence', payload: { action: 'bind', customerId, source: 'crm_api', actor: 'crm', request: { evidence: { kyc: 'branch 12', crmRecord: 'C-77' } } } });
    const event = await lastEvent('admin.binding.bind');
    expect(event).toMatchObject({
      actor: { subject: 'crm', via: 'oidc' }, outcome: 'success', target: ACCOUNT_ID,
      details: { customerIndex: h.gateway.consent.customerIndex(customerId), subjectIndexes: [h.gateway.consent.index({ id: openid }), h.gateway.consent.index({ id: unionid })], kinds: ['openid', 'unionid'], source: 'crm_api', evidenceRecordId: bound.body.evidenceRecordId },
    });
    expect(JSON.stringify(event)).not.toMatch(new RegExp(`${customerId}|${openid}|${unionid}`));

    const asOfficer = await admin(`/persons/openid/${openid}/bindings?account=${ACCOUNT_ID}`, 'officer');
    expect(asOfficer.body).toMatchObject({ bound: true, customerId, customerIdsShown: true, history: [{ action: 'bind', kind: 'openid', customerId, source: 'crm_api', actor: 'crm', evidenceRecordId: bound.body.evidenceRecordId }] });
    const asAuditor = await admin(`/persons/openid/${openid}/bindings?account=${ACCOUNT_ID}`, 'auditor');
    expect(asAuditor.body).toMatchObject({ bound: true, customerId: null, customerIdsShown: false, history: [{ action: 'bind', customerId: null }] });
    expect(JSON.stringify(asAuditor.body)).not.toContain(customerId);
    expect(await lastEvent('admin.binding.view')).toMatchObject({ actor: { subject: 'auditor' }, details: { customerIdsShown: false, bound: true, entries: 1 } });
    expectProblem(await admin(`/persons/openid/${openid}/bindings?account=${ACCOUNT_ID}`, 'crm'), 403, 'forbidden');

    // An openid the gateway has seen on test-oa cannot be bound on wealth-oa: 409, nothing recorded, audited.
    const conflict = await follower(`conflict-${kind}`);
    const untouched = await recorded();
    const refused = await admin('/bindings', 'crm', { persons: [person(conflict, 'wealth-oa')], customerId, evidence: { kyc: 'x' } });
    expectProblem(refused, 409, 'binding_conflict');
    expect(refused.body.detail).not.toContain(conflict);
    expect(await recorded()).toEqual(untouched);
    expect(await lastEvent('admin.binding.bind')).toMatchObject({ actor: { subject: 'crm' }, outcome: 'failure', target: 'wealth-oa', details: { problem: 'binding_conflict', subjectIndexes: [h.gateway.consent.index({ id: conflict })] } });

    const unbound = await admin('/bindings/unbind', 'supervisor', { persons: [person(openid)], evidence: { reason: 'account closed' }, source: 'cli' });
    expect(unbound.body).toMatchObject({ action: 'unbind', persons: 1 });
    expect((await admin('/bindings', 'supervisor', { persons: [person(openid)], customerId: second, evidence: { kyc: 'branch 3' } })).status).toBe(200);
    const history = await admin(`/persons/openid/${openid}/bindings?account=${ACCOUNT_ID}`, 'supervisor');
    expect(history.body).toMatchObject({ bound: true, customerId: second });
    expect(history.body.history.map((b: { action: string; customerId: string | null; source: string }) => `${b.action}:${b.customerId ?? '-'}:${b.source}`)).toEqual([`bind:${customerId}:crm_api`, 'unbind:-:cli', `bind:${second}:crm_api`]);
    expect(await lastEvent('admin.binding.unbind')).toMatchObject({ actor: { subject: 'supervisor' }, outcome: 'success', details: { source: 'cli', evidenceRecordId: unbound.body.evidenceRecordId } });
  });

  it("lists everything with customer X in pages (ids, types, times) for the CRM, and decrypted for an officer only, audited with a hash of what was read", async () => {
    const marker = `everything-with-x-${kind}`;
    const openid = await follower(`理财咨询 ${marker}`);
    const customerId = `CIF-${kind}-RECORDS`;
    planted.push(customerId);
    await admin('/bindings', 'crm', { persons: [person(openid)], customerId, evidence: { kyc: 'branch 8' } });
    const expected = (await h.gateway.consent.bindings.recordIdsOf(customerId)).sort();
    expect(expected.length).toBeGreaterThanOrEqual(3);

    const listed = await admin(`/customers/${customerId}/records`, 'crm');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ decrypted: false, nextCursor: null });
    expect(listed.body.items.map((r: { recordId: string }) => r.recordId).sort()).toEqual(expected);
    for (const r of listed.body.items) expect(Object.keys(r).sort()).toEqual(['accountId', 'occurredAt', 'recordId', 'recordType']);
    expect(listed.body.items.map((r: { recordType: string }) => r.recordType)).toEqual(expect.arrayContaining(['oa.inbound', 'binding.evidence']));
    expect(JSON.stringify(listed.body)).not.toContain(marker);

    const decryptAsCrm = await admin(`/customers/${customerId}/records?decrypt=true`, 'crm');
    expectProblem(decryptAsCrm, 403, 'forbidden');
    expect(await lastEvent('admin.customer.records')).toMatchObject({ actor: { subject: 'crm' }, outcome: 'failure', details: { problem: 'forbidden', decrypt: true, customerIndex: h.gateway.consent.customerIndex(customerId) } });
    expectProblem(await admin(`/customers/${customerId}/records`, 'auditor'), 403, 'forbidden');

    // One record per page, following cursors: every record once, decrypted.
    const seen: { recordId: string; payload: unknown }[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await admin(`/customers/${customerId}/records?decrypt=true&limit=1${cursor ? `&cursor=${cursor}` : ''}`, 'officer');
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((r) => r.recordId).sort()).toEqual(expected);
    expect(JSON.stringify(seen.map((r) => r.payload))).toContain(marker);
    const last = await lastEvent('admin.customer.records');
    expect(last).toMatchObject({ actor: { subject: 'officer' }, outcome: 'success', target: null, details: { decrypt: true, count: 1, recordIdsHash: sha(seen.at(-1)!.recordId) } });
    expect(JSON.stringify(last)).not.toContain(customerId);
  });

  it('answers a PIPL access request with a file of everything held about the person, decrypted and oldest first, archiving and auditing its sha256 and size', async () => {
    const marker = `access-file-${kind}`;
    const openid = await follower(`请问我的账户 ${marker}`);
    const unionid = `u${randomBytes(21).toString('base64url').slice(0, 28)}`;
    const customerId = `CIF-${kind}-ACCESS`;
    planted.push(unionid, customerId);
    const basis = `paper form for the access test (${kind})`;
    planted.push(basis);
    await admin(`/persons/openid/${openid}/consent`, 'officer', { account: ACCOUNT_ID, changes: [{ purpose: 'sensitive', action: 'grant' }], basis });
    await admin('/bindings', 'crm', { persons: [person(openid), { kind: 'unionid', id: unionid, account: ACCOUNT_ID }], customerId, evidence: { kyc: 'branch 5' } });

    expectProblem(await admin('/rights/access', 'officer', { person: person(openid) }), 403, 'forbidden');
    const customerRecords = await h.gateway.consent.bindings.recordIdsOf(customerId);
    const response = await fetch(`${h.url}/admin/v1/rights/access`, { method: 'POST', headers: { authorization: `Bearer ${jwt.get('supervisor')}`, 'content-type': 'application/json' }, body: JSON.stringify({ person: person(openid) }) });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const recordId = response.headers.get('x-cgw-record-id')!;
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="pipl-access-${recordId}.json"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);

    const file = JSON.parse(bytes.toString('utf8'));
    expect(file).toMatchObject({ format: 'cgw-pipl-access/v1', requestedBy: 'supervisor', person: person(openid), bindings: { customerId } });
    expect(file.ids).toEqual([person(openid), { kind: 'unionid', id: unionid, account: ACCOUNT_ID }]);
    expect(file.consent.history).toEqual([expect.objectContaining({ purpose: 'sensitive', action: 'grant', source: 'admin', actor: 'officer' })]);
    expect(file.consent.current.purposes).toContainEqual(expect.objectContaining({ purpose: 'sensitive', state: 'granted' }));
    expect(file.bindings.history).toEqual([expect.objectContaining({ action: 'bind', customerId })]);
    const types = file.records.map((r: { recordType: string }) => r.recordType);
    expect(types).toEqual(expect.arrayContaining(['oa.inbound', 'consent.evidence', 'binding.evidence']));
    const times = file.records.map((r: { occurredAt: string }) => Date.parse(r.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Decrypted: the person's own message, and the officer's basis, in clear in the file.
    expect(JSON.stringify(file.records)).toContain(marker);
    expect(JSON.stringify(file.records)).toContain(basis);
    expect(file.records.map((r: { recordId: string }) => r.recordId)).toEqual(expect.arrayContaining(customerRecords));

    // The rights.access record holds who asked, for whom, the sha256 and size — not the file.
    const archived = await h.gateway.outbound.reader.open(recordId);
    expect(archived).toMatchObject({ recordType: 'rights.access', subject: openid, payload: { requestedBy: { subject: 'supervisor', via: 'oidc' }, person: { kind: 'openid', id: openid, accountId: ACCOUNT_ID }, file: { sha256: sha256(bytes), size: bytes.length, records: file.records.length } } });
    expect(JSON.stringify(archived.payload)).not.toContain(marker);
    const event = await lastEvent('admin.rights.access');
    expect(event).toMatchObject({ actor: { subject: 'supervisor' }, outcome: 'success', target: ACCOUNT_ID, details: { subjectIndex: h.gateway.consent.index({ id: openid }), recordId, sha256: sha256(bytes), size: bytes.length, records: file.records.length } });
    expect(JSON.stringify(event)).not.toContain(openid);

    // A file above admin.accessFileMaxBytes (1 MiB here) is refused, nothing archived; without media bytes it fits.
    await h.gateway.outbound.archive.append({
      recordType: 'wecom.msgaudit.media', accountId: ACCOUNT_ID, subject: openid, occurredAtMs: Date.now(), dedupeKey: `big-media-${kind}`, outbox: [],
      payload: { msgid: 'm-big', size: 900_000, md5: 'x', bytesBase64: 'A'.repeat(1_200_000) },
    });
    const accessRecords = await count(ARCHIVE_RECORD_ENTITY, { recordType: 'rights.access' });
    const tooLarge = await admin('/rights/access', 'supervisor', { person: person(openid) });
    expectProblem(tooLarge, 422, 'result_too_large');
    expect(tooLarge.body.detail).toContain('omitMediaBytes');
    expect(await count(ARCHIVE_RECORD_ENTITY, { recordType: 'rights.access' })).toBe(accessRecords);
    expect(await lastEvent('admin.rights.access')).toMatchObject({ outcome: 'failure', details: { problem: 'result_too_large', subjectIndex: h.gateway.consent.index({ id: openid }) } });
    const small = await admin('/rights/access', 'supervisor', { person: person(openid), omitMediaBytes: true });
    expect(small.status).toBe(200);
    expect(small.body.records.find((r: { recordType: string }) => r.recordType === 'wecom.msgaudit.media').payload).toMatchObject({ bytesBase64: null, bytesOmitted: true, size: 900_000 });
    expect(await count(ARCHIVE_RECORD_ENTITY, { recordType: 'rights.access' })).toBe(accessRecords + 1);
  });

  it('restricts processing on request: the next send to the person is denied, archiving still allowed; lifting it lets sends through again', async () => {
    const openid = await follower(`restrict-${kind}`);
    expect(await sendText(openid, `before-restriction ${kind}`)).toMatchObject({ errcode: 0 });
    expectProblem(await admin('/rights/restrict', 'officer', { person: person(openid), basis: 'x' }), 403, 'forbidden');

    const basis = `written request of 2031-05-02, ticket PIPL-118 (${kind})`;
    planted.push(basis);
    const restricted = await admin('/rights/restrict', 'supervisor', { person: person(openid), basis });
    expect(restricted.status).toBe(200);
    expect(restricted.body).toMatchObject({ duplicate: false, current: { retainedForLegalObligationOnly: true } });
    const effective = Object.fromEntries(restricted.body.current.purposes.map((p: { purpose: string; state: string; effectiveState: string }) => [p.purpose, `${p.state}/${p.effectiveState}`]));
    expect(effective).toMatchObject({ processing: 'withdrawn/withdrawn', marketing: 'missing/withdrawn', archiving: 'missing/missing' });

    const denied = await sendText(openid, `after-restriction ${kind}`);
    expect(denied).toMatchObject({ errcode: 43101, cgw_status: 'denied' });
    expect(reasonCodesOf((await h.gateway.outbound.messages.get(Number(denied.cgw_msgid)))!)).toContain('consent.withdrawn');
    expect(h.sim.received({ path: '/cgi-bin/message/custom/send' }).filter((m) => JSON.stringify(m.body).includes(`after-restriction ${kind}`))).toHaveLength(0);
    const shown = await admin(`/persons/openid/${openid}/consent?account=${ACCOUNT_ID}`, 'auditor');
    expect(shown.body.history).toEqual([expect.objectContaining({ purpose: 'processing', action: 'withdraw', source: 'admin', channel: 'admin_api', actor: 'supervisor', evidenceRecordId: restricted.body.evidenceRecordId })]);
    expect((await h.gateway.outbound.reader.open(restricted.body.evidenceRecordId)).payload).toMatchObject({ rightsRequest: 'restrict', request: { basis } });
    expect(await lastEvent('admin.rights.restrict')).toMatchObject({ actor: { subject: 'supervisor' }, outcome: 'success', details: { subjectIndex: h.gateway.consent.index({ id: openid }), evidenceRecordId: restricted.body.evidenceRecordId, retainedForLegalObligationOnly: true, basisHash: sha(basis) } });

    const lifted = await admin('/rights/lift', 'supervisor', { person: person(openid), basis: `restriction withdrawn by the customer (${kind})` });
    expect(lifted.body).toMatchObject({ current: { retainedForLegalObligationOnly: false } });
    expect(await sendText(openid, `after-lift ${kind}`)).toMatchObject({ errcode: 0 });
    expect(await lastEvent('admin.rights.lift')).toMatchObject({ actor: { subject: 'supervisor' }, outcome: 'success', details: { retainedForLegalObligationOnly: false } });
  });

  it('lists alerts and closes one with a review archived in the same transaction; a second close is 409 and two racing reviewers leave one review', async () => {
    const open = (n: number, alertKind: string, recordId: string | null = null) => h.gateway.consent.alerts.open({
      kind: alertKind, severity: 'warning', accountId: CORP_ID, subjectBidx: h.gateway.consent.index({ id: `wmAlertPerson${kind}${n}` }), recordId, summary: `archiving withdrawn 1 (${n})`, dedupeKey: `alert-test-${kind}-${n}`,
    });
    // The record that raised the first alert: a Disagree in the chat archive.
    const disagree = await h.gateway.outbound.archive.append({
      recordType: 'wecom.msgaudit', accountId: CORP_ID, subject: `wmAlertPerson${kind}1`, occurredAtMs: Date.now(), dedupeKey: `alert-source-${kind}`, outbox: [], payload: { event: { type: 'agree', consent: 'disagree' } },
    });
    const a1 = await open(1, 'wecom.archiving_disagreed', disagree.recordId);
    const a2 = await open(2, 'wecom.archiving_disagreed');
    const a3 = await open(3, 'supervision.lexicon');
    const listed = await admin('/alerts?status=open', 'auditor');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([a1.id, a2.id, a3.id]));
    const lexicon = await admin('/alerts?kind=supervision.lexicon', 'officer');
    expect(lexicon.body.items).toEqual([expect.objectContaining({ id: a3.id, kind: 'supervision.lexicon', status: 'open', accountId: CORP_ID, subjectIndex: h.gateway.consent.index({ id: `wmAlertPerson${kind}3` }), closedAt: null })]);
    expect(await lastEvent('admin.alert.list')).toMatchObject({ actor: { subject: 'officer' }, details: { filter: { kind: 'supervision.lexicon' }, count: 1 } });
    expectProblem(await admin('/alerts', 'crm'), 403, 'forbidden');
    expectProblem(await admin(`/alerts/${a1.id}/close`, 'auditor', { action: 'no_action', note: 'x' }), 403, 'forbidden');

    const note = `customer re-agreed by phone, call log 5521 (${kind})`;
    planted.push(note);
    const closed = await admin(`/alerts/${a1.id}/close`, 'officer', { action: 'resolved', note });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ alert: { id: a1.id, status: 'closed', closedBy: 'officer', closeAction: 'resolved', closeRecordId: closed.body.reviewRecordId } });
    const review = await h.gateway.outbound.reader.open(closed.body.reviewRecordId);
    expect(review).toMatchObject({ recordType: 'alert.review', accountId: CORP_ID, subject: `wmAlertPerson${kind}1`, payload: { alertId: a1.id, alertRecordId: disagree.recordId, action: 'resolved', note, reviewer: { subject: 'officer', via: 'oidc', groups: ['compliance'] } } });
    const event = await lastEvent('admin.alert.close');
    expect(event).toMatchObject({ actor: { subject: 'officer' }, target: a1.id, outcome: 'success', details: { action: 'resolved', noteHash: sha(note), reviewRecordId: closed.body.reviewRecordId } });
    expect(JSON.stringify(event)).not.toContain('5521');

    const reviews = await count(ARCHIVE_RECORD_ENTITY, { recordType: 'alert.review' });
    const again = await admin(`/alerts/${a1.id}/close`, 'supervisor', { action: 'no_action', note: 'second look' });
    expectProblem(again, 409, 'alert_not_open');
    expect(await lastEvent('admin.alert.close')).toMatchObject({ actor: { subject: 'supervisor' }, target: a1.id, outcome: 'failure', details: { problem: 'alert_not_open' } });
    expect(await count(ARCHIVE_RECORD_ENTITY, { recordType: 'alert.review' })).toBe(reviews);

    const race = await Promise.all([admin(`/alerts/${a2.id}/close`, 'officer', { action: 'escalated', note: 'to legal' }), admin(`/alerts/${a2.id}/close`, 'supervisor', { action: 'no_action', note: 'nothing to do' })]);
    expect(race.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await count(ARCHIVE_RECORD_ENTITY, { recordType: 'alert.review' })).toBe(reviews + 1);
    const winner = race.find((a) => a.status === 200)!;
    expect((await h.gateway.consent.alerts.get(a2.id))).toMatchObject({ status: 'closed', closeRecordId: winner.body.reviewRecordId });

    expectProblem(await admin(`/alerts/${randomUUID()}/close`, 'officer', { action: 'no_action', note: 'x' }), 404, 'not_found');
    expect((await admin('/alerts?status=closed', 'auditor')).body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([a1.id, a2.id]));
  });

  describe('role matrix', () => {
    const someone = openidLike();
    const body = {
      consent: { account: ACCOUNT_ID, changes: [{ purpose: 'marketing', action: 'grant' }], basis: 'matrix' },
      bind: { persons: [person(someone)], customerId: 'CIF-MATRIX', evidence: { kyc: 'matrix' } },
      unbind: { persons: [person(someone)], evidence: { reason: 'matrix' } },
      rights: { person: person(someone), basis: 'matrix' },
    };
    const OPERATIONS: { name: string; path: string; json?: unknown; roles: string[] }[] = [
      { name: 'getPersonConsent', path: `/persons/openid/${someone}/consent?account=${ACCOUNT_ID}`, roles: ['officer', 'supervisor', 'auditor'] },
      { name: 'recordPersonConsent', path: `/persons/openid/${someone}/consent`, json: body.consent, roles: ['officer', 'supervisor'] },
      { name: 'getPersonBindings', path: `/persons/openid/${someone}/bindings?account=${ACCOUNT_ID}`, roles: ['officer', 'supervisor', 'auditor'] },
      { name: 'bindPersons', path: '/bindings', json: body.bind, roles: ['supervisor', 'crm'] },
      { name: 'unbindPersons', path: '/bindings/unbind', json: body.unbind, roles: ['supervisor', 'crm'] },
      { name: 'listCustomerRecords', path: '/customers/CIF-MATRIX/records', roles: ['officer', 'supervisor', 'crm'] },
      { name: 'answerAccessRequest', path: '/rights/access', json: { person: person(someone) }, roles: ['supervisor'] },
      { name: 'restrictProcessing', path: '/rights/restrict', json: body.rights, roles: ['supervisor'] },
      { name: 'liftRestriction', path: '/rights/lift', json: body.rights, roles: ['supervisor'] },
      { name: 'listAlerts', path: '/alerts', roles: ['officer', 'supervisor', 'auditor'] },
      { name: 'closeAlert', path: `/alerts/${randomUUID()}/close`, json: { action: 'no_action', note: 'matrix' }, roles: ['officer', 'supervisor'] },
    ];
    for (const op of OPERATIONS) {
      for (const caller of Object.keys(IDENTITIES)) {
        const allowed = op.roles.includes(caller);
        it(`${allowed ? 'lets' : 'refuses'} ${caller} ${allowed ? 'call' : 'with 403 on'} ${op.name}`, async () => {
          const answer = await admin(op.path, caller, op.json);
          if (allowed) {
            expect(answer.status).not.toBe(401);
            expect(answer.body?.type).not.toBe(problemType('forbidden'));
            expect(answer.status === 200 || (op.name === 'closeAlert' && answer.status === 404)).toBe(true);
          } else {
            expectProblem(answer, 403, 'forbidden');
            expect(await lastEvent('admin.access.denied')).toMatchObject({ actor: { subject: caller, via: 'oidc' }, target: op.name, outcome: 'denied' });
          }
        });
      }
    }

    it('tells the CRM machine client its role and permissions', async () => {
      expect((await admin('/whoami', 'crm')).body).toMatchObject({ subject: 'crm', roles: ['crm-service'], permissions: ['whoami', 'bindings:read', 'bindings:write'] });
    });
  });

  it('keeps person ids, customer ids, bases and notes out of the log, and the audit chain verifies', async () => {
    expect(planted.length).toBeGreaterThan(10);
    expect(logText.length).toBeGreaterThan(0);
    for (const value of planted) expect(logText).not.toContain(value);
    expect(logText).toContain('admin request refused');
    expect((await verifyAuditLog(h.gateway.dataSource)).ok).toBe(true);
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
