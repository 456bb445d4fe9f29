/**
 * A hand-over survives restarts without transferring anyone twice, on
 * SQLite and PostgreSQL: a transfer call WeCom took but whose answer was lost
 * (the connection dropped) is settled from transfer_result by the next
 * gateway, not sent again; one WeCom never got (a hang until the timeout) is
 * sent again; one WeCom refused for the moment (-1) goes again after the
 * backoff; the takeovers are polled by whichever gateway runs then; a poll
 * never fails a hand-over; settling a lost answer gives up after
 * maxAttempts with the customers marked in doubt; of two replicas only the
 * lease holder works a hand-over (PostgreSQL).
 */
import { createGateway } from '../../gateway/create-gateway';
import { DATABASE_KINDS } from '../db';
import { CORP_ID, DAY, startHandoverHarness, type HandoverHarness } from './handover-harness';

jest.setTimeout(180_000);

const TRANSFER = '/cgi-bin/externalcontact/transfer_customer';
const RESULT = '/cgi-bin/externalcontact/transfer_result';
const BACKOFF = 60_000;

describe.each(DATABASE_KINDS)('hand-over across restarts (%s)', (kind) => {
  let h: HandoverHarness;
  let corpId: string;
  beforeAll(async () => {
    h = await startHandoverHarness({ kind });
    corpId = h.corp.corpId;
  });
  afterAll(async () => h?.close());

  const start = async (from: string, to: string, externalUserIds?: string[]) => {
    const answer = await h.admin('/handovers', { json: { corp: CORP_ID, mode: 'in-service', handoverUserid: from, takeoverUserid: to, includeGroups: false, ...(externalUserIds ? { externalUserIds } : {}) } });
    expect(answer.status).toBe(200);
    return answer.body.id as string;
  };
  const status = async (id: string) => (await h.admin(`/handovers/${id}`)).body;
  const steps = async (id: string) => (await h.handoverRecords(id)).map((r) => r.payload.step);
  /** Every customer WeCom has a transfer for, once each. */
  const transferredOnce = (customers: readonly string[]) => {
    const transfers = h.sim.customerTransfers(corpId).filter((t) => customers.includes(t.externalUserId));
    expect(transfers.map((t) => t.externalUserId).sort()).toEqual([...customers].sort());
  };

  it('settles a call whose answer was lost from transfer_result after a restart, and never sends those customers again', async () => {
    const customers = Array.from({ length: 250 }, () => h.sim.followCustomer(corpId, 'rm-zhang'));
    const id = await start('rm-zhang', 'rm-li');
    const calls = h.sim.calls({ path: TRANSFER }).length;
    // WeCom takes the first call (100 customers) and the answer is lost on the wire.
    h.sim.faults.next(TRANSFER, { kind: 'accept-then-fail', response: 'drop' }, 1, 'wecom');
    await h.gateway.handover.runDue();
    expect(h.sim.calls({ path: TRANSFER }).length).toBe(calls + 1);
    expect(h.sim.customerTransfers(corpId)).toHaveLength(100);
    let view = await status(id);
    expect(view).toMatchObject({ status: 'transferring', customers: { calling: 100, pending: 150 }, note: expect.stringContaining('retrying after') });
    expect(Date.parse(view.nextRunAt)).toBe(h.clock.now() + BACKOFF);

    await h.restart();
    // Before the backoff has passed, nothing happens.
    expect(await h.gateway.handover.runDue()).toBe(0);
    h.clock.advance(BACKOFF);
    await h.gateway.handover.runDue();
    expect(h.sim.calls({ path: TRANSFER }).length).toBe(calls + 3);
    transferredOnce(customers);
    view = await status(id);
    expect(view).toMatchObject({ status: 'waiting', customers: { waiting: 250 }, note: null });
    // (The manual clock stands still, so records of one instant are compared as a set.)
    expect((await steps(id)).sort()).toEqual(['started', 'transfer.answer', 'transfer.answer', 'transfer.answer', 'transfer.request', 'transfer.request', 'transfer.request', 'transfer.resolved']);
    const resolved = (await h.handoverRecords(id)).find((r) => r.payload.step === 'transfer.resolved')!;
    expect((resolved.payload.acceptedByWecom as unknown[]).length).toBe(100);
    expect(resolved.payload.sentAgain).toEqual([]);
    const audit = (await h.gateway.audit.list({ target: id, type: 'handover.resolved', order: 'asc', limit: 5 })).items;
    expect(audit.map((e) => e.details)).toEqual([expect.objectContaining({ items: 'customers', acceptedByWecom: 100, sentAgain: 0 })]);

    // Another restart while WeCom waits: the next gateway polls and ends the hand-over.
    await h.restart();
    h.clock.advance(DAY);
    await h.gateway.handover.runDue();
    expect(await status(id)).toMatchObject({ status: 'completed', customers: { succeeded: 250 } });
    transferredOnce(customers);
  });

  it('sends again a call WeCom never took (no answer until the timeout), once, after a restart', async () => {
    const customers = Array.from({ length: 3 }, () => h.sim.followCustomer(corpId, 'rm-wang'));
    const id = await start('rm-wang', 'rm-zhao');
    h.sim.faults.next(TRANSFER, { kind: 'hang' }, 1, 'wecom');
    await h.gateway.handover.runDue();
    expect(await status(id)).toMatchObject({ customers: { calling: 3 } });
    expect(h.sim.customerTransfers(corpId).filter((t) => customers.includes(t.externalUserId))).toEqual([]);

    await h.restart();
    h.clock.advance(BACKOFF);
    await h.gateway.handover.runDue();
    transferredOnce(customers);
    expect(await status(id)).toMatchObject({ status: 'waiting', customers: { waiting: 3 } });
    const resolved = (await h.handoverRecords(id)).find((r) => r.payload.step === 'transfer.resolved')!;
    expect([...(resolved.payload.sentAgain as string[])].sort()).toEqual([...customers].sort());
  });

  it('sends again after the backoff a call WeCom answered "system busy" (-1), with nothing in doubt', async () => {
    const customers = Array.from({ length: 2 }, () => h.sim.followCustomer(corpId, 'rm-li'));
    // Only these two (rm-li also has the customers taken over above).
    const id = await start('rm-li', 'rm-wang', customers);
    const results = h.sim.calls({ path: RESULT }).length;
    h.sim.faults.next(TRANSFER, { kind: 'errcode', errcode: -1 }, 1, 'wecom');
    await h.gateway.handover.runDue();
    expect(await status(id)).toMatchObject({ status: 'transferring', customers: { pending: 2 } });
    await h.restart();
    h.clock.advance(BACKOFF - 1);
    expect(await h.gateway.handover.runDue()).toBe(0);
    h.clock.advance(1);
    await h.gateway.handover.runDue();
    transferredOnce(customers);
    // Nothing was in doubt: transfer_result was not needed to settle it.
    expect(h.sim.calls({ path: RESULT }).length).toBe(results);
    expect((await h.handoverRecords(id)).filter((r) => r.payload.step === 'transfer.answer').map((r) => (r.payload.failure as { errcode?: number } | undefined)?.errcode ?? 0).sort()).toEqual([-1, 0]);
  });

  it('keeps asking transfer_result through a WeCom outage: a poll never fails the hand-over', async () => {
    const customers = [h.sim.followCustomer(corpId, 'rm-zhao')];
    const id = await start('rm-zhao', 'rm-wang', customers);
    // This job only (earlier tests' hand-overs are waiting too and would take the faults).
    await h.gateway.handover.runJob(id);
    h.sim.faults.next(RESULT, { kind: 'errcode', errcode: -1 }, 5, 'wecom');
    for (let i = 0; i < 5; i++) {
      h.clock.advance(DAY);
      await h.gateway.handover.runJob(id);
      const view = await status(id);
      expect(view).toMatchObject({ status: 'waiting', failure: null, customers: { waiting: 1 }, note: expect.stringContaining('transfer_result: wecom.-1') });
      expect(Date.parse(view.nextRunAt)).toBe(h.clock.now() + Math.min(BACKOFF * 2 ** i, 600_000));
    }
    h.clock.advance(DAY);
    await h.gateway.handover.runJob(id);
    expect(await status(id)).toMatchObject({ status: 'completed', customers: { succeeded: 1 }, note: null, failure: null });
  });

  it('gives up settling a lost answer after maxAttempts, failing those customers as in doubt (check them in WeCom)', async () => {
    // Let the earlier tests' hand-overs end first (rm-wang's is still waiting).
    h.clock.advance(DAY);
    await h.gateway.handover.runDue();
    const customers = [h.sim.followCustomer(corpId, 'rm-wang'), h.sim.followCustomer(corpId, 'rm-wang')];
    const id = await start('rm-wang', 'rm-zhang', customers);
    h.sim.faults.next(TRANSFER, { kind: 'accept-then-fail', response: 502 }, 1, 'wecom');
    h.sim.faults.next(RESULT, { kind: 'errcode', errcode: -1 }, 3, 'wecom');
    await h.gateway.handover.runDue();
    for (const wait of [BACKOFF, 2 * BACKOFF, 4 * BACKOFF]) {
      h.clock.advance(wait);
      await h.gateway.handover.runDue();
    }
    const view = await status(id);
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'wecom.-1', detail: expect.stringContaining("transfer call's answer was lost") }, customers: { failed: 2 } });
    expect(view.customerItems.map((c: { reason: string }) => c.reason)).toEqual(['in_doubt', 'in_doubt']);
    // WeCom did take the call: the operator is told to look, the gateway did not guess.
    expect(h.sim.customerTransfers(corpId).filter((t) => customers.includes(t.externalUserId))).toHaveLength(2);
    expect((await h.handoverRecords(id)).find((r) => r.payload.step === 'failed')!.payload).toMatchObject({ customersInDoubt: expect.arrayContaining(customers), customersNotSent: [] });
  });

  // Two whole gateways on PostgreSQL only: SQLite allows one writer process, and two in one process block each other in its synchronous driver.
  if (kind === 'postgres') it('lets one of two replicas work a hand-over at a time (two gateways on one database)', async () => {
    h.clock.advance(DAY);
    await h.gateway.handover.runDue();
    const customers = Array.from({ length: 150 }, () => h.sim.followCustomer(corpId, 'rm-zhao'));
    const id = await start('rm-zhao', 'rm-li', customers);
    const calls = h.sim.calls({ path: TRANSFER }).length;
    const second = await createGateway({ ...h.config, server: { ...h.config.server, port: 0 } }, { now: () => h.clock.now() });
    try {
      await Promise.all([h.gateway.handover.runDue(), second.handover.runDue(), h.gateway.handover.runJob(id), second.handover.runJob(id)]);
      // Whichever replica held the lease sent both calls; the next pass (either replica) has nothing to send.
      await second.handover.runJob(id);
    } finally {
      await second.close();
    }
    expect(h.sim.calls({ path: TRANSFER }).length).toBe(calls + 2);
    transferredOnce(customers);
    expect((await h.handoverRecords(id)).filter((r) => r.payload.step === 'transfer.request')).toHaveLength(2);
    expect(await status(id)).toMatchObject({ status: 'waiting', customers: { waiting: 150 } });
  });
});
