/**
 * The work scheduler behind the outbox. The database outbox is the truth: a
 * job here only says "look at outbox row <id> now (or after delayMs)". Losing
 * a job is harmless because the sweeper re-enqueues every row that is not done;
 * running a job twice is possible (at-least-once), so handlers re-read the
 * outbox row and skip work that is already recorded.
 */

/** A scheduled unit of work; `id` is the outbox row id, `payload` holds identifiers only (never bodies or PII). */
export interface QueueJob {
  id: string;
  name: string;
  payload: Record<string, string | number>;
}

export interface JobQueue {
  /** Schedule a job; idempotent per job id while that job is waiting/delayed/active. Throws QueueUnavailableError if the back end is down (the caller keeps the outbox row; the sweeper retries). */
  enqueue(job: QueueJob, opts?: { delayMs?: number }): Promise<void>;
  /** Register the handler for a job name with a concurrency. A handler that throws has failed this attempt; the queue itself does NOT retry (the outbox decides retries and backoff) — it just reports. */
  process(name: string, concurrency: number, handler: (job: QueueJob) => Promise<void>): void;
  /** For /readyz: is the back end reachable. */
  health(): Promise<{ ok: boolean; detail?: string }>;
  /** Counts for metrics: waiting, delayed, active. */
  counts(): Promise<{ waiting: number; delayed: number; active: number }>;
  /** Stop taking new jobs, wait for active handlers to finish (up to timeoutMs), then close connections. */
  close(opts?: { drainTimeoutMs?: number }): Promise<void>;
}

/** Raised by enqueue/counts when the back end cannot take work; retryable, the outbox row stays pending. */
export class QueueUnavailableError extends Error {
  readonly code = 'queue.unavailable';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

/** The slice of a pino logger the queue uses; failures are reported here, never retried here. */
export interface QueueLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Logger used when none is given (tests, tools). */
export const silentQueueLogger: QueueLogger = { info: () => {}, warn: () => {} };

/** Default wait for active handlers in close(). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** Log fields for a failed attempt: ids and the error only, never the payload (it may identify a client). */
export function failureDetails(job: Pick<QueueJob, 'id' | 'name'>, err: unknown): Record<string, unknown> {
  const error = err instanceof Error ? { type: err.name, message: err.message } : { type: typeof err };
  return { jobId: job.id, jobName: job.name, error };
}

/** Validate process() arguments the same way for every back end. @throws RangeError */
export function assertConcurrency(name: string, concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency for job "${name}" must be a positive integer, got ${concurrency}`);
  }
}

/** Resolve after `ms` without keeping the process alive. */
export function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
