/**
 * RM departure, resigned (离职继承), end to end against the Tencent
 * simulator on SQLite and PostgreSQL: WeCom's 40097 for an RM who has not
 * left stops the hand-over with a reason that says what to do (nothing
 * transferred, every step archived and audited); a departed RM's
 * unassigned customers and groups go over with the resigned APIs.
 */
import { DATABASE_KINDS } from '../db';
import { CORP_ID, DAY, HOUR, startHandoverHarness, type HandoverHarness } from './handover-harness';

jest.setTimeout(180_000);

const RESIGNED = '/cgi-bin/externalcontact/resigned/transfer_customer';
const RESIGNED_RESULT = '/cgi-bin/externalcontact/resigned/transfer_result';
const IN_SERVICE = '/cgi-bin/externalcontact/transfer_customer';
const RESIGNED_GROUPS = '/cgi-bin/externalcontact/groupchat/transfer';
const ONJOB_GROUPS = '/cgi-bin/externalcontact/groupchat/onjob_transfer';
const UNASSIGNED = '/cgi-bin/externalcontact/get_unassigned_list';

describe.each(DATABASE_KINDS)('resigned hand-over (%s)', (kind) => {
  let h: HandoverHarness;
  let corpId: string;
  beforeAll(async () => {
    h = await startHandoverHarness({ kind });
    corpId = h.corp.corpId;
  });
  afterAll(async () => h?.close());

  const start = (body: Record<string, unknown>) => h.admin('/handovers', { json: { corp: CORP_ID, mode: 'resigned', ...body } });
  const status = async (id: string) => (await h.admin(`/handovers/${id}`)).body;

  it("stops with WeCom's 40097 when the RM has not left: nothing transferred, every customer and group failed with the reason, archived and audited", async () => {
    const customers = [h.sim.followCustomer(corpId, 'rm-wang'), h.sim.followCustomer(corpId, 'rm-wang')];
    const group = h.sim.defineCustomerGroup(corpId, { owner: 'rm-wang', members: [customers[0]!] });
    const started = await start({ handoverUserid: 'rm-wang', takeoverUserid: 'rm-li' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'transferring', customers: { total: 2, pending: 2 }, groups: { total: 1, pending: 1 } });
    const id = started.body.id as string;
    // Nothing unassigned: the member's customers come from externalcontact/list, and WeCom decides.
    expect(h.sim.calls({ path: UNASSIGNED }).length).toBeGreaterThan(0);

    await h.gateway.handover.runDue();
    expect(h.sim.calls({ path: RESIGNED }).map((c) => c.errcode)).toEqual([40097]);
    expect(h.sim.calls({ path: RESIGNED_GROUPS })).toEqual([]);
    expect(h.sim.customerTransfers(corpId)).toEqual([]);
    const view = await status(id);
    expect(view).toMatchObject({
      status: 'failed', nextRunAt: null,
      failure: { code: 'wecom.40097', detail: expect.stringContaining('has not left (40097)') },
      customers: { total: 2, failed: 2 }, groups: { total: 1, failed: 1 },
    });
    expect(view.customerItems.map((c: Record<string, unknown>) => [c.status, c.errcode, c.reason])).toEqual([['failed', 40097, 'wecom.40097'], ['failed', 40097, 'wecom.40097']]);
    expect(view.groupItems).toEqual([expect.objectContaining({ chatId: group, status: 'failed', reason: 'wecom.40097' })]);
    expect(h.sim.customerGroup(corpId, group)?.owner).toBe('rm-wang');

    const steps = (await h.handoverRecords(id)).map((r) => [r.payload.step, (r.payload.failure as { errcode?: number } | undefined)?.errcode ?? (r.payload.status as string | undefined) ?? null]);
    expect(steps).toEqual([['started', null], ['transfer.request', null], ['transfer.answer', 40097], ['failed', null], ['completed', 'failed']]);
    const events = (await h.gateway.audit.list({ target: id, order: 'asc', limit: 20 })).items.map((e) => [e.type, e.outcome, e.details.code ?? e.details.status ?? null]);
    expect(events).toEqual([
      ['admin.handover.start', 'success', null],
      ['handover.transfer', 'failure', 'wecom.40097'],
      ['handover.failed', 'failure', 'wecom.40097'],
      ['handover.completed', 'failure', 'failed'],
      // Reading its status is audited too.
      ['admin.handover.view', 'success', 'failed'],
    ]);
    // The RM may be handed over again (in service, or once they have left).
    const again = await h.admin('/handovers', { json: { corp: CORP_ID, mode: 'in-service', handoverUserid: 'rm-wang', takeoverUserid: 'rm-li', includeGroups: false } });
    expect(again.status).toBe(200);
    await h.gateway.handover.runDue();
    expect(h.sim.calls({ path: IN_SERVICE }).map((c) => c.errcode)).toEqual([0]);
  });

  it("hands a departed RM's unassigned customers and groups to the takeover RM with the resigned APIs, 24 hours later", async () => {
    const customers = [0, 1, 2].map(() => h.sim.followCustomer(corpId, 'rm-zhao'));
    const group = h.sim.defineCustomerGroup(corpId, { owner: 'rm-zhao', name: '赵经理的客户群', members: customers });
    h.sim.departMember(corpId, 'rm-zhao', h.clock.now() - DAY);
    const started = await start({ handoverUserid: 'rm-zhao', takeoverUserid: 'rm-li' });
    expect(started.status).toBe(200);
    const id = started.body.id as string;
    expect((await h.handoverRecords(id))[0]!.payload).toMatchObject({ step: 'started', listedWith: 'get_unassigned_list', customers: expect.arrayContaining(customers), groups: [group] });

    const inService = h.sim.calls({ path: IN_SERVICE }).length;
    await h.gateway.handover.runDue();
    expect(h.sim.calls({ path: RESIGNED }).at(-1)?.errcode).toBe(0);
    expect(h.sim.calls({ path: IN_SERVICE }).length).toBe(inService);
    expect(h.sim.calls({ path: ONJOB_GROUPS }).length).toBe(0);
    expect(h.sim.customerGroup(corpId, group)).toMatchObject({ owner: 'rm-li', status: 3 });
    expect(await status(id)).toMatchObject({ status: 'waiting', customers: { waiting: 3 }, groups: { succeeded: 1 } });

    h.clock.advance(DAY + HOUR);
    await h.gateway.handover.runDue();
    expect(h.sim.calls({ path: RESIGNED_RESULT }).length).toBeGreaterThan(0);
    expect(await status(id)).toMatchObject({ status: 'completed', customers: { succeeded: 3 } });
    expect(customers.map((c) => h.sim.followUsers(corpId, c))).toEqual([['rm-li'], ['rm-li'], ['rm-li']]);

    // Nothing is left unassigned: a second hand-over has nothing to do.
    const nothing = await start({ handoverUserid: 'rm-zhao', takeoverUserid: 'rm-li' });
    expect(nothing.status).toBe(400);
    expect(nothing.body.detail).toMatch(/nothing to hand over: WeCom lists no unassigned customers/);
  });
});
