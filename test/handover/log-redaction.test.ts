/**
 * Hand-over logs carry no RM userid, customer id, contact secret or access
 * token (invariant 3), at trace level, on SQLite and PostgreSQL: through a
 * start, a transient failure, a lost answer settled after a restart, a
 * refusal, the takeover, a failed resigned hand-over and a refused request.
 */
import { createLogger } from '../../gateway/observability/logger';
import { captureStream, findLeaks, type Planted } from '../log-capture';
import { DATABASE_KINDS } from '../db';
import { CORP_ID, DAY, startHandoverHarness, type HandoverHarness } from './handover-harness';

jest.setTimeout(180_000);

const TRANSFER = '/cgi-bin/externalcontact/transfer_customer';

describe.each(DATABASE_KINDS)('hand-over logs carry no identifiers or secrets (%s)', (kind) => {
  let h: HandoverHarness;
  const capture = captureStream();
  beforeAll(async () => {
    h = await startHandoverHarness({ kind, overlay: { logging: { level: 'trace' } }, logger: createLogger('trace', capture) });
  });
  afterAll(async () => h?.close());

  it('logs the hand-over by its id and codes only', async () => {
    const corpId = h.corp.corpId;
    const customers = [0, 1, 2].map(() => h.sim.followCustomer(corpId, 'rm-zhang'));
    const start = (body: Record<string, unknown>) => h.admin('/handovers', { json: { corp: CORP_ID, handoverUserid: 'rm-zhang', takeoverUserid: 'rm-li', ...body } });
    expect((await start({ mode: 'in-service', handoverUserid: 'rm-nobody-knows' })).status).toBe(400);
    expect((await start({ mode: 'in-service', transferSuccessMsg: '李经理 13800138000' })).status).toBe(200);
    h.sim.faults.next(TRANSFER, { kind: 'errcode', errcode: -1 }, 1, 'wecom');
    await h.gateway.handover.runDue();
    h.clock.advance(60_000);
    h.sim.faults.next(TRANSFER, { kind: 'accept-then-fail', response: 'drop' }, 1, 'wecom');
    await h.gateway.handover.runDue();
    await h.restart();
    h.clock.advance(120_000);
    await h.gateway.handover.runDue();
    h.sim.refuseTransfer(corpId, customers[1]!);
    h.clock.advance(DAY);
    await h.gateway.handover.runDue();
    h.sim.followCustomer(corpId, 'rm-wang');
    expect((await h.admin('/handovers', { json: { corp: CORP_ID, mode: 'resigned', handoverUserid: 'rm-wang', takeoverUserid: 'rm-zhao' } })).status).toBe(200);
    await h.gateway.handover.runDue();
    await h.settleCallbacks();
    // The flow really went through the failures the log could have leaked from.
    expect(h.sim.calls({ path: TRANSFER }).map((c) => c.errcode ?? c.fault)).toEqual(expect.arrayContaining([-1]));
    expect(capture.lines.some((l) => l.includes('hand-over transfer call failed'))).toBe(true);

    const planted: Planted[] = [
      ...['rm-zhang', 'rm-li', 'rm-wang', 'rm-zhao', 'rm-nobody-knows'].map((value) => ({ name: `userid ${value}`, value })),
      ...customers.map((value, i) => ({ name: `customer ${i}`, value, window: 16 })),
      { name: 'contact secret', value: h.corp.contactSecret, window: 12 },
      { name: 'message phone', value: '13800138000' },
    ];
    expect(findLeaks(capture.lines, planted)).toEqual([]);
  });
});
