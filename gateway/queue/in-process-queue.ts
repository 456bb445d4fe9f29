/**
 * The embedded default scheduler: everything in memory, nothing survives a
 * restart — which is fine, because the outbox sweeper re-enqueues every row
 * that is not done. FIFO per job name, per-name concurrency, delays on
 * unref'd timers so a closed queue never keeps the process alive.
 */
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  type JobQueue,
  type QueueJob,
  type QueueLogger,
  QueueUnavailableError,
  assertConcurrency,
  failureDetails,
  silentQueueLogger,
  unrefDelay,
} from './job-queue';

type Handler = (job: QueueJob) => Promise<void>;
type JobState = 'waiting' | 'delayed' | 'active';

interface Lane {
  waiting: QueueJob[];
  worker?: { concurrency: number; handler: Handler };
  active: number;
}

/** In-memory JobQueue for the embedded default (`npm start`) and single-process deployments. */
export class InProcessQueue implements JobQueue {
  private readonly states = new Map<string, JobState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Set<Promise<void>>();
  private closing?: Promise<void>;

  constructor(private readonly logger: QueueLogger = silentQueueLogger) {}

  /** @throws QueueUnavailableError once close() has been called */
  async enqueue(job: QueueJob, opts: { delayMs?: number } = {}): Promise<void> {
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    if (this.states.has(job.id)) return;
    const scheduled = { id: job.id, name: job.name, payload: { ...job.payload } };
    const delayMs = opts.delayMs ?? 0;
    if (delayMs > 0) {
      this.states.set(job.id, 'delayed');
      this.armDelay(scheduled, Date.now() + delayMs);
    } else {
      this.makeWaiting(scheduled);
    }
  }

  /** @throws Error if a handler is already registered for `name` or the queue is closed; RangeError on a bad concurrency */
  process(name: string, concurrency: number, handler: Handler): void {
    assertConcurrency(name, concurrency);
    const lane = this.lane(name);
    if (lane.worker) throw new Error(`a handler for job "${name}" is already registered`);
    if (this.closing) throw new Error('queue is closed');
    lane.worker = { concurrency, handler };
    this.dispatch(lane);
  }

  /** Healthy until closed: there is no back end to lose. */
  async health(): Promise<{ ok: boolean; detail?: string }> {
    return this.closing ? { ok: false, detail: 'queue is closed' } : { ok: true };
  }

  /** Jobs per state across all names. */
  async counts(): Promise<{ waiting: number; delayed: number; active: number }> {
    const counts = { waiting: 0, delayed: 0, active: 0 };
    for (const state of this.states.values()) counts[state] += 1;
    return counts;
  }

  /** Drop what has not started (the outbox still has it), wait for active handlers up to drainTimeoutMs. */
  close(opts: { drainTimeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.drain(opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.closing;
  }

  private async drain(drainTimeoutMs: number): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const lane of this.lanes.values()) lane.waiting.length = 0;
    for (const [id, state] of this.states) if (state !== 'active') this.states.delete(id);
    const drained = Promise.all(this.running).then(() => true);
    const finished = await Promise.race([drained, unrefDelay(drainTimeoutMs).then(() => false)]);
    if (!finished) {
      this.logger.warn({ stillActive: this.running.size, drainTimeoutMs }, 'queue closed with handlers still running');
    }
  }

  private armDelay(job: QueueJob, dueAt: number): void {
    // Re-check on fire: timers may fire a millisecond early by the wall clock, and a job must never run early.
    const timer = setTimeout(() => {
      if (Date.now() < dueAt) return this.armDelay(job, dueAt);
      this.timers.delete(job.id);
      this.makeWaiting(job);
    }, dueAt - Date.now());
    timer.unref();
    this.timers.set(job.id, timer);
  }

  private makeWaiting(job: QueueJob): void {
    this.states.set(job.id, 'waiting');
    const lane = this.lane(job.name);
    lane.waiting.push(job);
    this.dispatch(lane);
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { waiting: [], active: 0 };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private dispatch(lane: Lane): void {
    const worker = lane.worker;
    if (!worker || this.closing) return;
    while (lane.active < worker.concurrency) {
      const job = lane.waiting.shift();
      if (!job) return;
      this.run(lane, worker.handler, job);
    }
  }

  private run(lane: Lane, handler: Handler, job: QueueJob): void {
    lane.active += 1;
    this.states.set(job.id, 'active');
    const attempt = Promise.resolve()
      .then(() => handler(job))
      .catch((err: unknown) => this.logger.warn(failureDetails(job, err), 'queue job attempt failed'))
      .finally(() => {
        // Forget the id so the outbox can schedule the same row again (retry, backoff).
        this.states.delete(job.id);
        this.running.delete(attempt);
        lane.active -= 1;
        this.dispatch(lane);
      });
    this.running.add(attempt);
  }
}
