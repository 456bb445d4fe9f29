/**
 * Completeness monitoring from the cursor rows, the same on every replica
 * (so a wedged holder is noticed by the others): lag and time left before
 * Tencent's retention horizon as gauges, and an error log — repeated every
 * `repeatAlertMs` while it lasts — once less than alertHoursBeforeLoss is
 * left, long before data would be lost.
 */
import type { Logger } from 'pino';
import type { MsgauditCursorRow } from '../db/entities';
import { completenessOf } from './completeness';
import type { MsgauditMetrics } from './metrics';

/** What the monitor reads and how it judges. */
export interface MonitorDeps {
  /** The cursor rows of the corps this gateway pulls. */
  rows: () => Promise<MsgauditCursorRow[]>;
  /** CorpID → configuration id, for labels. */
  accountOf: (corpId: string) => string | undefined;
  policy: { retentionDays: number; alertHoursBeforeLoss: number; statusIntervalMs: number };
  metrics?: MsgauditMetrics;
  logger: Logger;
  now: () => number;
  /** Spacing of repeated at-risk logs per corp (default 1 hour). */
  repeatAlertMs?: number;
}

/** Periodic completeness check over the cursor rows (see the module comment). */
export class MsgauditMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly alertedAt = new Map<string, number>();

  constructor(private readonly deps: MonitorDeps) {}

  /** Check now, then every statusIntervalMs. */
  start(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.deps.policy.statusIntervalMs);
    this.timer.unref();
  }

  /** Stop the periodic check. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Refresh the gauges and alert on corps at risk; resolves with the corps at risk (by configuration id). A database error is logged, not thrown. */
  async check(): Promise<string[]> {
    const { metrics, logger, policy } = this.deps;
    let rows: MsgauditCursorRow[];
    try {
      rows = await this.deps.rows();
    } catch (err) {
      logger.warn({ err }, 'msgaudit completeness check could not read the cursors; retried next interval');
      return [];
    }
    const nowMs = this.deps.now();
    const atRisk: string[] = [];
    for (const row of rows) {
      const corp = this.deps.accountOf(row.corpId);
      if (!corp) continue;
      const c = completenessOf(row, nowMs, policy);
      metrics?.lagSeconds.set({ corp }, c.lagMs / 1000);
      metrics?.retentionLeftSeconds.set({ corp }, c.retentionLeftMs / 1000);
      metrics?.undecryptableTotal.set({ corp }, row.undecryptableCount);
      metrics?.atRisk.set({ corp }, c.atRisk ? 1 : 0);
      if (!c.atRisk) {
        this.alertedAt.delete(corp);
        continue;
      }
      atRisk.push(corp);
      const last = this.alertedAt.get(corp);
      if (last !== undefined && nowMs - last < (this.deps.repeatAlertMs ?? 3_600_000)) continue;
      this.alertedAt.set(corp, nowMs);
      logger.error(
        { corp, lagHours: round(c.lagMs / 3_600_000), hoursLeft: round(c.retentionLeftMs / 3_600_000), lastErrorCode: row.lastErrorCode, stopped: row.stoppedAt !== null },
        'msgaudit ALERT: chat-archive data not yet pulled will pass Tencent\'s retention horizon soon and be lost; fix the puller (cgw msgaudit status)',
      );
    }
    return atRisk;
  }
}

function round(hours: number): number {
  return Math.round(hours * 10) / 10;
}
