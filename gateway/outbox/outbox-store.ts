/** The outbox as the worker and sweeper see it. The database is the truth; the queue only schedules. */

export interface OutboxRow {
  id: string;
  recordId: string;
  kind: string;
  target: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  nextAttemptAt: number;
}

export interface OutboxStore {
  get(id: string): Promise<OutboxRow | null>;
  /** Mark delivered; a no-op when already done (at-least-once delivery can finish twice). */
  markDone(id: string, nowMs: number): Promise<void>;
  /** Record a failed attempt: pending again at `nextAttemptAt`, or failed for good when `exhausted`. */
  markAttemptFailed(id: string, attempts: number, nextAttemptAt: number, error: string, exhausted: boolean, nowMs: number): Promise<void>;
  /**
   * Take a due pending row for `claimMs` (compare-and-set on next_attempt_at):
   * true for exactly one caller; others, and the sweeper, leave it alone until
   * the claim lapses, so a worker killed mid-delivery is retried and a live one
   * is not raced.
   */
  claim(id: string, nowMs: number, claimMs: number): Promise<boolean>;
  /** Pending rows due at `nowMs`, oldest first. */
  due(nowMs: number, limit: number): Promise<OutboxRow[]>;
  counts(): Promise<{ pending: number; failed: number }>;
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(baseMs, Math.floor(ceiling * random()));
}
