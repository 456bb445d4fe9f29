/**
 * RM departure, in service (issue 6 item 7), end to end against the Tencent
 * simulator on SQLite and PostgreSQL, through the admin API: an RM's 205
 * customers go over in calls of at most 100 and their 2 groups at once; the
 * takeover happens 24 hours later on the simulator clock, a refusing
 * customer stays; every step is a wecom.handover archive record and an audit
 * event; the 2-in-90-days rule is applied before calling (and Tencent's
 * 40128 for transfers the gateway did not make); and the history is found
 * under both RMs.
 */
import { createHash } from 'node:crypto';
import type { AuditEventType } from '../../gateway/audit/event-types';
import { addExternalContactEvent } from '../../gateway/simulator/wecom-events';
import { DATABASE_KINDS } from '../db';
import { CORP_ID, DAY, HOUR, startHandoverHarness, type HandoverHarness } from './handover-harness';

jest.setTimeout(180_000);

const TRANSFER = '/cgi-bin/externalcontact/transfer_customer';
const RESULT = '/cgi-bin/externalcontact/transfer_result';
const ONJOB_GROUPS = '/cgi-bin/externalcontact/groupchat/onjob_transfer';

const countBy = (values: readonly string[]): Record<string, number> => values.reduce<Record<string, number>>((acc, v) => ((acc[v] = (acc[v] ?? 0) + 1), acc), {});

describe.each(DATABASE_KINDS)('in-service hand-over (%s)', (kind) => {
  let h: HandoverHarness;
  let corpId: string;
  beforeAll(async () => {
    h = await startHandoverHarness({ kind, wecomLimits: { transferResultPageSize: 40 } });
    corpId = h.corp.corpId;
  });
  afterAll(async () => h?.close());

  const auditOf = async (jobId: string, types: AuditEventType[]) =>
    (await h.gateway.audit.list({ target: jobId, order: 'asc', limit: 200 })).items.filter((e) => types.includes(e.type));
  const start = (body: Record<string, unknown>) => h.admin('/handovers', { json: { corp: CORP_ID, mode: 'in-service', ...body } });
  const status = async (id: string) => (await h.admin(`/handovers/${id}`)).body;

  let jobId: string;
  let customers: string[];
  const refusing = () => customers[7]!;

  it('sends 205 customers in calls of 100, 100 and 5 and both groups, waits for the 24-hour takeover, and records a refusal', async () => {
    customers = Array.from({ length: 205 }, () => h.sim.followCustomer(corpId, 'rm-zhang'));
    const groups = [h.sim.defineCustomerGroup(corpId, { owner: 'rm-zhang', name: '理财一群', members: [customers[0]!] }), h.sim.defineCustomerGroup(corpId, { owner: 'rm-zhang', members: [customers[1]!] })];
    const message = '您好，您的客户经理已变更为李经理';
    const started = await start({ handoverUserid: 'rm-zhang', takeoverUserid: 'rm-li', transferSuccessMsg: message });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ mode: 'in-service', handoverUserid: 'rm-zhang', takeoverUserid: 'rm-li', status: 'transferring', duplicate: false, customers: { total: 205, pending: 205 }, groups: { total: 2, pending: 2 }, failure: null });
    jobId = started.body.id;
    // Listing is all the start did at WeCom.
    expect(h.sim.calls({ path: TRANSFER })).toEqual([]);

    expect(await h.gateway.handover.runDue()).toBe(1);
    expect(h.sim.calls({ path: TRANSFER }).map((c) => c.errcode)).toEqual([0, 0, 0]);
    expect(h.sim.calls({ path: ONJOB_GROUPS }).map((c) => c.errcode)).toEqual([0]);
    const transfers = h.sim.customerTransfers(corpId);
    expect(transfers).toHaveLength(205);
    expect(new Set(transfers.map((t) => t.externalUserId)).size).toBe(205);
    expect(transfers.every((t) => t.handoverUserid === 'rm-zhang' && t.takeoverUserid === 'rm-li' && t.successMsg === message)).toBe(true);
    expect(groups.map((g) => h.sim.customerGroup(corpId, g)?.owner)).toEqual(['rm-li', 'rm-li']);
    let view = await status(jobId);
    expect(view).toMatchObject({ status: 'waiting', customers: { waiting: 205 }, groups: { succeeded: 2 } });
    expect(Date.parse(view.nextRunAt)).toBe(h.clock.now() + HOUR);

    // Not yet due: the runner does not ask.
    h.clock.advance(HOUR - 1000);
    expect(await h.gateway.handover.runDue()).toBe(0);
    h.sim.refuseTransfer(corpId, refusing());
    h.clock.advance(1000);
    await h.gateway.handover.runDue();
    view = await status(jobId);
    expect(view).toMatchObject({ status: 'waiting', customers: { waiting: 204, refused: 1 } });
    expect(view.customerItems.find((c: { externalUserId: string }) => c.externalUserId === refusing())).toMatchObject({ status: 'refused', reason: 'customer_refused', takeoverAt: null });

    // 24 hours after the transfers started: taken over.
    h.clock.advance(DAY - HOUR);
    await h.gateway.handover.runDue();
    view = await status(jobId);
    expect(view).toMatchObject({ status: 'completed', customers: { total: 205, succeeded: 204, refused: 1, waiting: 0 }, groups: { succeeded: 2 }, nextRunAt: null, failure: null });
    expect(view.finishedAt).not.toBeNull();
    expect(h.sim.followUsers(corpId, customers[0]!)).toEqual(['rm-li']);
    expect(h.sim.followUsers(corpId, refusing())).toEqual(['rm-zhang']);
    // transfer_result was read page by page (40 per page) at every poll.
    expect(h.sim.calls({ path: RESULT }).length).toBe(2 * Math.ceil(205 / 40));
    expect(await h.gateway.handover.runDue()).toBe(0);
  });

  it('archives every step as a wecom.handover record carrying both RMs and the customers, linked to the job', async () => {
    const records = await h.handoverRecords(jobId);
    expect(records.every((r) => r.recordType === 'wecom.handover' && r.accountId === CORP_ID && r.payload.jobId === jobId && r.payload.handoverUserid === 'rm-zhang' && r.payload.takeoverUserid === 'rm-li')).toBe(true);
    expect(countBy(records.map((r) => String(r.payload.step)))).toEqual({ started: 1, 'transfer.request': 3, 'transfer.answer': 3, 'groups.request': 1, 'groups.answer': 1, 'customer.final': 205, completed: 1 });
    const requests = records.filter((r) => r.payload.step === 'transfer.request');
    expect(requests.map((r) => (r.payload.externalUserIds as string[]).length).sort()).toEqual([100, 100, 5]);
    expect(requests.flatMap((r) => r.payload.externalUserIds as string[]).sort()).toEqual([...customers].sort());
    expect((requests[0]!.payload.request as Record<string, unknown>).transfer_success_msg).toBe('您好，您的客户经理已变更为李经理');
    const answers = records.filter((r) => r.payload.step === 'transfer.answer');
    expect(answers.every((r) => (r.payload.answer as { errcode: number }).errcode === 0)).toBe(true);
    // Each customer's final state is a record about that customer.
    const finals = records.filter((r) => r.payload.step === 'customer.final');
    expect(finals.map((r) => r.subject).sort()).toEqual([...customers].sort());
    expect(countBy(finals.map((r) => String(r.payload.status)))).toEqual({ succeeded: 204, refused: 1 });
    expect(records.find((r) => r.payload.step === 'started')!.payload).toMatchObject({ customers: expect.arrayContaining([customers[0]]), listedWith: 'externalcontact/list', startedBy: { subject: 'local-admin', via: 'local-token' } });
    expect(records.find((r) => r.payload.step === 'completed')!.payload).toMatchObject({ status: 'completed' });
    const view = await status(jobId);
    expect([...view.recordIds].sort()).toEqual(records.map((r) => r.stored.id).sort());
  });

  it('audits every step (the start, each transfer call, each poll that settled customers, the end) without an RM or customer id', async () => {
    const events = await auditOf(jobId, ['admin.handover.start', 'handover.transfer', 'handover.result', 'handover.completed', 'handover.failed']);
    expect(events.map((e) => [e.type, e.outcome, e.actor.via])).toEqual([
      ['admin.handover.start', 'success', 'local-token'],
      ['handover.transfer', 'success', 'system'],
      ['handover.transfer', 'success', 'system'],
      ['handover.transfer', 'success', 'system'],
      ['handover.transfer', 'success', 'system'],
      ['handover.result', 'success', 'system'],
      ['handover.result', 'success', 'system'],
      ['handover.completed', 'success', 'system'],
    ]);
    expect(events[0]!.details).toMatchObject({ jobId, corp: CORP_ID, mode: 'in-service', customers: 205, groups: 2, skippedBeforeCalling: 0, fromIndex: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(events.slice(1, 5).map((e) => [e.details.items, e.details.sent, e.details.accepted])).toEqual([['customers', 100, 100], ['customers', 100, 100], ['customers', 5, 5], ['groups', 2, 2]]);
    expect(events[5]!.details).toMatchObject({ settled: { refused: 1 }, stillWaiting: 204 });
    expect(events[6]!.details).toMatchObject({ settled: { succeeded: 204 }, stillWaiting: 0 });
    const text = JSON.stringify(events);
    for (const secret of ['rm-zhang', 'rm-li', customers[0]!, refusing()]) expect(text).not.toContain(secret);
  });

  it("finds the history under both RMs: each one's own records, the handed-over customers' whole history, the hand-over records", async () => {
    // What came before the hand-over: the customer added rm-zhang (a callback about the customer), and one of rm-li's own records.
    const added = h.sim.followCustomer(corpId, 'rm-wang');
    const earlier = await h.sim.pushWecomEvent(corpId, addExternalContactEvent({ corpId, userid: 'rm-zhang', externalUserId: customers[0]!, welcomeCode: 'W1', createTime: Math.floor((h.clock.now() - 30 * DAY) / 1000) }));
    expect(earlier.outcome).toBe('acked');
    const unrelated = await h.sim.pushWecomEvent(corpId, addExternalContactEvent({ corpId, userid: 'rm-wang', externalUserId: added, welcomeCode: 'W2', createTime: Math.floor(h.clock.now() / 1000) }));
    expect(unrelated.outcome).toBe('acked');
    const own = await h.gateway.deps.archive.append({
      recordType: 'wecom.msgaudit', accountId: CORP_ID, subject: 'rm-li', occurredAtMs: h.clock.now(), dedupeKey: `test-rm-li-${kind}`, outbox: [],
      payload: { event: { from: 'rm-li', tolist: [customers[0]], msgtype: 'text', fields: { content: '您好' } } },
    });
    await h.settleCallbacks();

    const all = async (userid: string, decrypt = false) => {
      const items: { recordId: string; recordType: string; involvement: string[]; payload?: Record<string, any> }[] = [];
      let cursor: string | null = null;
      let handovers: unknown[] = [];
      for (let page = 0; page < 100; page++) {
        const answer = await h.admin(`/rms/${CORP_ID}/${userid}/records?limit=50&decrypt=${decrypt}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(answer.status).toBe(200);
        items.push(...answer.body.items);
        handovers = answer.body.handovers;
        cursor = answer.body.nextCursor;
        if (!cursor) break;
      }
      return { items, handovers };
    };
    const takeover = await all('rm-li', true);
    const handoverRecordIds = (await h.handoverRecords(jobId)).map((r) => r.stored.id);
    const ids = takeover.items.map((i) => i.recordId);
    expect(ids).toEqual(expect.arrayContaining([own.recordId, ...handoverRecordIds]));
    expect(takeover.handovers).toEqual([{ id: jobId, role: 'takeover', mode: 'in-service', status: 'completed', createdAt: expect.any(String) }]);
    const before = takeover.items.find((i) => i.recordType === 'wecom.callback' && i.payload?.event?.changeType === 'add_external_contact');
    expect(before).toMatchObject({ involvement: ['customer'], payload: { event: { userId: 'rm-zhang', externalUserId: customers[0] } } });
    // The refusing customer's transfer_fail callback is part of its history, under both RMs.
    expect(takeover.items.some((i) => i.recordType === 'wecom.callback' && i.payload?.event?.changeType === 'transfer_fail' && i.payload.event.externalUserId === refusing())).toBe(true);
    expect(takeover.items.find((i) => i.recordId === own.recordId)!.involvement).toEqual(['rm']);
    expect(takeover.items.find((i) => i.payload?.step === 'customer.final')!.involvement).toEqual(['customer', 'handover']);
    expect(takeover.items.filter((i) => i.payload?.event?.externalUserId === added)).toEqual([]);

    const handover = await all('rm-zhang');
    expect(handover.handovers).toEqual([expect.objectContaining({ id: jobId, role: 'handover' })]);
    expect(handover.items.map((i) => i.recordId)).toEqual(expect.arrayContaining([before!.recordId, ...handoverRecordIds]));
    expect(handover.items.map((i) => i.recordId)).not.toContain(own.recordId);
    expect(handover.items.every((i) => i.payload === undefined)).toBe(true);
    const bystander = await all('rm-zhao');
    expect(bystander).toEqual({ items: [], handovers: [] });

    const read = (await h.gateway.audit.list({ type: 'admin.rm.records', order: 'desc', limit: 1 })).items[0]!;
    expect(read.details).toMatchObject({ corp: CORP_ID, rmIndex: expect.stringMatching(/^[0-9a-f]{64}$/), decrypt: false, count: 0, handovers: 0, recordIdsHash: createHash('sha256').update('').digest('hex') });
    expect(JSON.stringify(read)).not.toContain('rm-zhao');
  });

  it('refuses before calling a customer handed over twice in 90 days, says from when it may move again, and passes on Tencent\'s 40128 for transfers made elsewhere', async () => {
    const x = h.sim.followCustomer(corpId, 'rm-wang');
    const y = h.sim.followCustomer(corpId, 'rm-wang');
    const hop = async (from: string, to: string) => {
      const started = await start({ handoverUserid: from, takeoverUserid: to, externalUserIds: [x], includeGroups: false });
      expect(started.status).toBe(200);
      await h.gateway.handover.runDue();
      h.clock.advance(DAY + HOUR);
      await h.gateway.handover.runDue();
      expect(await status(started.body.id)).toMatchObject({ status: 'completed', customers: { succeeded: 1 } });
      return started.body.id as string;
    };
    const firstAccepted = h.clock.now();
    await hop('rm-wang', 'rm-zhao');
    await hop('rm-zhao', 'rm-wang');
    // y moved twice through WeCom's admin console (the gateway never saw it): WeCom's rule still holds.
    const contactToken = async () => ((await (await fetch(`${h.config.tencent.wecomBaseUrl}/cgi-bin/gettoken?corpid=${corpId}&corpsecret=${h.corp.contactSecret}`)).json()) as { access_token: string }).access_token;
    for (let i = 0; i < 2; i++) {
      const answer = await (await fetch(`${h.config.tencent.wecomBaseUrl}${TRANSFER}?access_token=${await contactToken()}`, { method: 'POST', body: JSON.stringify({ handover_userid: 'rm-wang', takeover_userid: 'rm-zhao', external_userid: [y] }) })).json() as { customer: { errcode: number }[] };
      expect(answer.customer[0]!.errcode).toBe(0);
      h.sim.refuseTransfer(corpId, y);
    }

    const calls = h.sim.calls({ path: TRANSFER }).length;
    const third = await start({ handoverUserid: 'rm-wang', takeoverUserid: 'rm-li', externalUserIds: [x, y], includeGroups: false });
    expect(third.status).toBe(200);
    expect(third.body.customers).toMatchObject({ total: 2, skipped: 1, pending: 1 });
    await h.gateway.handover.runDue();
    const view = await status(third.body.id);
    const [skipped, rejected] = [x, y].map((id) => view.customerItems.find((c: { externalUserId: string }) => c.externalUserId === id));
    const nextAllowed = new Date(firstAccepted + 90 * DAY).toISOString();
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'cap.90_days', errcode: null, detail: expect.stringContaining(`possible again from ${nextAllowed}`) });
    expect(rejected).toMatchObject({ status: 'rejected', errcode: 40128, reason: 'wecom.40128', detail: expect.stringContaining('2 in-service transfers per customer in 90 days') });
    expect(view.status).toBe('completed');
    // One call, for y only: x was never sent.
    expect(h.sim.calls({ path: TRANSFER }).length).toBe(calls + 1);
    expect(h.sim.customerTransfers(corpId).filter((t) => t.externalUserId === x)).toHaveLength(2);
    const start3 = (await auditOf(third.body.id, ['admin.handover.start']))[0]!;
    expect(start3.details).toMatchObject({ skippedBeforeCalling: 1, customers: 2 });
    const skippedFinal = (await h.handoverRecords(third.body.id)).find((r) => r.payload.step === 'customer.final' && r.subject === x);
    expect(skippedFinal!.payload).toMatchObject({ status: 'skipped', reason: 'cap.90_days', nextAllowedAt: firstAccepted + 90 * DAY });

    // Once the first transfer is 90 days old, x may move again, and WeCom agrees.
    h.clock.set(firstAccepted + 90 * DAY + 1000);
    const fourth = await start({ handoverUserid: 'rm-wang', takeoverUserid: 'rm-li', externalUserIds: [x], includeGroups: false });
    expect(fourth.body.customers).toMatchObject({ total: 1, pending: 1, skipped: 0 });
    await h.gateway.handover.runDue();
    expect((await status(fourth.body.id)).customers).toMatchObject({ waiting: 1 });
  });
});
