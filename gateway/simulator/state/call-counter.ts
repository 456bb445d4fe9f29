/**
 * Fixed-period call counters, the way Tencent counts quotas: a counter keeps
 * usage for its current period only (a Beijing day, a minute, a month), so a
 * new period starts from zero without any sweeping.
 */

/** Counts calls per scope and period against a limit. */
export class CallCounter {
  private readonly counters = new Map<string, { period: string; used: number }>();

  /** Count one call against `scope` in `period`; false (and not counted) once `limit` calls were made. */
  take(scope: string, period: string | number, limit: number): boolean {
    const key = String(period);
    const entry = this.counters.get(scope);
    const used = entry && entry.period === key ? entry.used : 0;
    if (used >= limit) return false;
    this.counters.set(scope, { period: key, used: used + 1 });
    return true;
  }

  /** Calls counted so far in `period`. */
  used(scope: string, period: string | number): number {
    const entry = this.counters.get(scope);
    return entry && entry.period === String(period) ? entry.used : 0;
  }
}
