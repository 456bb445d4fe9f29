/** Rules of completeness: Tencent's seq skips, lag and time left before the retention horizon, and the monitor that alerts on them. */
import { Registry } from 'prom-client';
import type { MsgauditCursorRow } from '../../gateway/db/entities';
import { completenessOf } from '../../gateway/msgaudit/completeness';
import { createMsgauditMetrics } from '../../gateway/msgaudit/metrics';
import { MsgauditMonitor } from '../../gateway/msgaudit/monitor';
import { seqSkips } from '../../gateway/msgaudit/seq-continuity';
import { createLogger } from '../../gateway/observability/logger';
import { captureStream } from '../log-capture';

const HOUR = 3_600_000;
const policy = { retentionDays: 5, alertHoursBeforeLoss: 96 };

describe('seq continuity', () => {
  it('counts skipped seqs between the cursor and the batch and inside it', () => {
    expect(seqSkips('2', ['3', '4', '7', '8', '20'])).toEqual({ gaps: 2, missing: 2 + 11, largest: 11 });
  });

  it('counts no skip before the first record of a corp pulled from 0', () => {
    expect(seqSkips('0', ['1000', '1001'])).toEqual({ gaps: 0, missing: 0, largest: 0 });
  });

  it('compares seqs beyond 2^53 exactly', () => {
    expect(seqSkips('18446744073709551612', ['18446744073709551613', '18446744073709551615'])).toEqual({ gaps: 1, missing: 1, largest: 1 });
  });
});

describe('completeness', () => {
  const now = 1_800_000_000_000;

  it('measures lag from the last pull that drained the corp when it is caught up', () => {
    const c = completenessOf({ caughtUpAt: now - 10 * 60_000, lastMessageAt: now - 3 * HOUR, createdAt: now - 100 * HOUR }, now, policy);
    expect(c.lagMs).toBe(10 * 60_000);
    expect(c.retentionLeftMs).toBe(120 * HOUR - 10 * 60_000);
    expect(c.atRisk).toBe(false);
  });

  it('measures lag from the newest archived message while a backlog is drained', () => {
    const c = completenessOf({ caughtUpAt: now - 30 * HOUR, lastMessageAt: now - 20 * HOUR, createdAt: now - 100 * HOUR }, now, policy);
    expect(c.lagMs).toBe(20 * HOUR);
    expect(c.atRisk).toBe(false);
  });

  it('is at risk once less than alertHoursBeforeLoss is left, long before the horizon', () => {
    const c = completenessOf({ caughtUpAt: now - 25 * HOUR, lastMessageAt: null, createdAt: now - 100 * HOUR }, now, policy);
    expect(c.retentionLeftMs).toBe(95 * HOUR);
    expect(c.atRisk).toBe(true);
  });

  it('counts from the cursor row creation when a corp was never pulled', () => {
    const c = completenessOf({ caughtUpAt: null, lastMessageAt: null, createdAt: now - 2 * HOUR }, now, policy);
    expect(c.lagMs).toBe(2 * HOUR);
  });
});

describe('completeness monitor', () => {
  const HOUR_MS = 3_600_000;
  const row = (corpId: string, caughtUpAgoHours: number): MsgauditCursorRow => ({
    corpId, accountId: corpId, lastSeq: '10', version: 1, lastPullAt: null, caughtUpAt: clock.now - caughtUpAgoHours * HOUR_MS, lastMessageAt: null,
    undecryptableCount: 3, skippedSeqs: 0, lastErrorCode: 'finance-sdk.10001', lastError: 'network', lastErrorAt: null, stoppedAt: null, createdAt: 0, updatedAt: 0,
  });
  const clock = { now: 1_800_000_000_000 };

  it('sets lag and retention gauges, and logs an alert for a corp at risk once per repeat interval', async () => {
    const capture = captureStream();
    const registry = new Registry();
    const metrics = createMsgauditMetrics(registry);
    const rows = [row('wwfine', 1), row('wwlate', 30)];
    const monitor = new MsgauditMonitor({
      rows: async () => rows,
      accountOf: (corpId) => ({ wwfine: 'fine-corp', wwlate: 'late-corp' })[corpId],
      policy: { ...policy, statusIntervalMs: 60_000 },
      metrics, logger: createLogger('info', capture), now: () => clock.now, repeatAlertMs: HOUR_MS,
    });
    expect(await monitor.check()).toEqual(['late-corp']);
    clock.now += 10 * 60_000;
    expect(await monitor.check()).toEqual(['late-corp']);
    const alerts = capture.lines.filter((line) => line.includes('ALERT'));
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(alerts[0]!)).toMatchObject({ level: 50, corp: 'late-corp', hoursLeft: 90, lastErrorCode: 'finance-sdk.10001' });
    const text = await registry.metrics();
    expect(text).toContain('cgw_msgaudit_at_risk{corp="late-corp"} 1');
    expect(text).toContain('cgw_msgaudit_at_risk{corp="fine-corp"} 0');
    expect(text).toContain('cgw_msgaudit_lag_seconds{corp="fine-corp"} 4200');
    expect(text).toContain('cgw_msgaudit_undecryptable_records{corp="late-corp"} 3');
  });
});
