/**
 * The sweeper: the reason "the queue only schedules" is safe. Every interval it
 * re-enqueues outbox rows that are due and were not picked up (a crash between
 * commit and enqueue, a Redis outage, a lost job). Enqueue is idempotent per
 * (row, attempt), so a row already queued is not run twice at once.
 */
import type { Logger } from 'pino';
import type { OutboxStore } from './outbox-store';

export interface SweeperOptions {
  outbox: OutboxStore;
  schedule(outboxId: string, attempts: number): Promise<void>;
  intervalMs: number;
  /** Rows younger than this past their due time are left to the path that queued them. */
  graceMs: number;
  now(): number;
  logger: Logger;
  onCounts?: (counts: { pending: number; failed: number }) => void;
  /** Housekeeping on the same beat: delete replay-protection nonces past their window; returns how many. */
  purgeExpiredNonces?: (nowMs: number) => Promise<number>;
}

export class OutboxSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: SweeperOptions) {}

  /** Start sweeping every interval (and once now). */
  start(): void {
    const tick = (): void => {
      this.running = this.sweepOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.opts.logger.warn({ err }, 'outbox sweep failed; will retry'))
        .finally(() => {
          this.running = undefined;
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.opts.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Enqueue every due row; returns how many were handed to the queue. */
  async sweepOnce(): Promise<number> {
    const due = await this.opts.outbox.due(this.opts.now() - this.opts.graceMs, 1000);
    let handed = 0;
    for (const row of due) {
      try {
        await this.opts.schedule(row.id, row.attempts);
        handed++;
      } catch {
        break; // queue unavailable: everything stays in the outbox for the next sweep
      }
    }
    this.opts.onCounts?.(await this.opts.outbox.counts());
    await this.opts.purgeExpiredNonces?.(this.opts.now());
    return handed;
  }

  /** Stop; waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
