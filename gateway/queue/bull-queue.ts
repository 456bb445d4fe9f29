/**
 * JobQueue on bull 4 + Redis, for production and scale-out.
 *
 * One bull Queue per job name (keys `<prefix>:<name>:…`): bull's named
 * processors on a single queue add their concurrencies together and any
 * worker loop may take any name, so per-name concurrency would not hold.
 *
 * Connections: one shared `client` for commands (adds, counts, worker
 * scripts) with the offline queue off, so an enqueue while Redis is down fails
 * at once instead of queueing in memory; one shared `subscriber`; one blocking
 * `bclient` per queue (bull requires both without ready check and with
 * maxRetriesPerRequest null, so they wait out an outage and resume).
 *
 * Jobs are at-least-once: attempts 1, removeOnComplete/removeOnFail so the same
 * outbox row can be scheduled again; a job that was waiting when Redis lost
 * its data is simply gone and the outbox sweeper re-enqueues it.
 */
import Bull from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
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

export interface BullQueueConfig {
  /** redis://[user:password@]host:port[/db] */
  redisUrl: string;
  /** Key prefix, one per deployment (and per test file) so queues never collide. */
  prefix: string;
}

/** Upper bound on an enqueue (and on health/counts), Redis up or down. */
const COMMAND_BUDGET_MS = 1_000;

const SHARED_OPTIONS: RedisOptions = {
  // bull 4 was built and tested on ioredis 5 (RESP2); ioredis 6 defaults to RESP3, so pin what bull knows.
  protocol: 2,
  // Keep trying forever, but never more than 2 s apart, so the worker resumes soon after Redis returns.
  retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
  // disconnect() arms this timer even when Redis already dropped the socket; the 2 s default delays process exit.
  disconnectTimeout: 100,
};
const COMMAND_CLIENT_OPTIONS: RedisOptions = {
  ...SHARED_OPTIONS,
  enableOfflineQueue: false,
  enableReadyCheck: true,
  maxRetriesPerRequest: 1,
};
// bull refuses bclient/subscriber connections with a ready check or a retry limit (bull#1873).
const BLOCKING_CLIENT_OPTIONS: RedisOptions = { ...SHARED_OPTIONS, enableReadyCheck: false, maxRetriesPerRequest: null };

const JOB_OPTIONS: Bull.JobOptions = { attempts: 1, removeOnComplete: true, removeOnFail: true };

/** JobQueue backed by bull on Redis. */
export class BullQueue implements JobQueue {
  private readonly client: Redis;
  private subscriber?: Redis;
  private readonly connections: Redis[] = [];
  private readonly queues = new Map<string, Bull.Queue>();
  private readonly handled = new Set<string>();
  private readonly firstConnection: Promise<void>;
  private everReady = false;
  private connected = false;
  private closing?: Promise<void>;

  /** @throws Error on an empty prefix */
  constructor(
    private readonly config: BullQueueConfig,
    private readonly logger: QueueLogger = silentQueueLogger,
  ) {
    if (!config.prefix) throw new Error('bull queue prefix must not be empty');
    this.client = this.connect(COMMAND_CLIENT_OPTIONS);
    this.firstConnection = new Promise((resolve) => this.client.once('ready', () => resolve()));
    this.client.on('ready', () => {
      if (this.everReady && !this.connected) this.logger.info({ prefix: config.prefix }, 'queue redis connection restored');
      this.everReady = this.connected = true;
    });
    this.client.on('close', () => {
      if (this.connected && !this.closing) this.logger.warn({ prefix: config.prefix }, 'queue redis connection lost');
      this.connected = false;
    });
  }

  /** @throws QueueUnavailableError when Redis is down, slow (> 1 s) or the queue is closed */
  async enqueue(job: QueueJob, opts: { delayMs?: number } = {}): Promise<void> {
    if (this.closing) throw new QueueUnavailableError('queue is closed');
    const deadline = Date.now() + COMMAND_BUDGET_MS;
    // Only the very first connection is waited for; once Redis has been seen, "not ready" fails fast.
    if (!this.everReady) await bounded(this.firstConnection, COMMAND_BUDGET_MS, 'first connection');
    const add = this.queue(job.name).add(job.name, job.payload, {
      ...JOB_OPTIONS,
      jobId: job.id,
      ...(opts.delayMs && opts.delayMs > 0 ? { delay: opts.delayMs } : {}),
    });
    // On a timeout the add may still land later; harmless, the id is the outbox row's.
    await bounded(add, deadline - Date.now(), 'enqueue');
  }

  /** @throws Error if a handler is already registered for `name` or the queue is closed; RangeError on a bad concurrency */
  process(name: string, concurrency: number, handler: (job: QueueJob) => Promise<void>): void {
    assertConcurrency(name, concurrency);
    if (this.handled.has(name)) throw new Error(`a handler for job "${name}" is already registered`);
    if (this.closing) throw new Error('queue is closed');
    this.handled.add(name);
    const queue = this.queue(name);
    queue.on('failed', (job, err) => this.logger.warn(failureDetails({ id: String(job.id), name }, err), 'queue job attempt failed'));
    // bull's promise settles only when the queue closes; startup errors surface as 'error' events.
    queue
      .process(name, concurrency, (job) => handler({ id: String(job.id), name, payload: job.data }))
      .catch(() => {});
  }

  /** Reachable means the command connection is ready and answers PING within the budget. */
  async health(): Promise<{ ok: boolean; detail?: string }> {
    if (this.closing) return { ok: false, detail: 'queue is closed' };
    if (this.client.status !== 'ready') return { ok: false, detail: `redis ${this.client.status}` };
    try {
      await bounded(this.client.ping(), COMMAND_BUDGET_MS, 'ping');
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : 'ping failed' };
    }
  }

  /** Counts over the job names this instance has enqueued or processes. @throws QueueUnavailableError */
  async counts(): Promise<{ waiting: number; delayed: number; active: number }> {
    const all = Promise.all([...this.queues.values()].map((queue) => queue.getJobCounts()));
    const perQueue = await bounded(all, COMMAND_BUDGET_MS, 'counts');
    const counts = { waiting: 0, delayed: 0, active: 0 };
    for (const c of perQueue) {
      counts.waiting += c.waiting;
      counts.delayed += c.delayed;
      counts.active += c.active;
    }
    return counts;
  }

  /** Stop fetching, wait for active handlers up to drainTimeoutMs, then drop every connection. */
  close(opts: { drainTimeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.closing;
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    // bull's close() pauses locally (no new fetches) and waits for the jobs in hand.
    const closed = Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => {}))).then(() => true);
    const drained = await Promise.race([closed, unrefDelay(drainTimeoutMs).then(() => false)]);
    if (!drained) this.logger.warn({ prefix: this.config.prefix, drainTimeoutMs }, 'queue closed with handlers still running');
    // bull does not close connections it got from createClient; they are ours to end.
    for (const connection of this.connections) connection.disconnect();
  }

  private queue(name: string): Bull.Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Bull(name, {
        prefix: this.config.prefix,
        // bull's typings name its own nested ioredis 5; the instance is ioredis 6, compatible at run time on RESP2.
        createClient: (type) => this.clientFor(type) as never,
        // Retry the fetch loop every second after an error (Redis down) instead of bull's 5 s.
        settings: { retryProcessDelay: 1_000 },
      });
      // bull's setHandler fires setWorkerName() without a catch; closing before Redis is ready then
      // rejects unhandled and Node exits (bull#2222, wontfix). The name is cosmetic (CLIENT LIST).
      const internals = queue as unknown as { setWorkerName(): Promise<void> };
      const setWorkerName = internals.setWorkerName.bind(queue);
      internals.setWorkerName = () => setWorkerName().catch(() => {});
      queue.on('error', (err) => {
        // Connection errors repeat every retry while Redis is down; the lost/restored pair above reports those.
        if (this.client.status === 'ready') this.logger.warn({ queue: name, error: err.message }, 'queue error');
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private clientFor(type: 'client' | 'subscriber' | 'bclient'): Redis {
    if (type === 'client') return this.client;
    if (type === 'subscriber') return (this.subscriber ??= this.connect(BLOCKING_CLIENT_OPTIONS));
    return this.connect(BLOCKING_CLIENT_OPTIONS);
  }

  private connect(options: RedisOptions): Redis {
    const connection = new Redis(this.config.redisUrl, options);
    // Errors also reach bull's 'error' events; this keeps ioredis from printing unhandled-error warnings.
    connection.on('error', () => {});
    // bull's close() chains bclient.connect() into a promise it handles only after the active jobs
    // finish; with Redis down the connect fails first and Node exits on the unhandled rejection.
    // Failures still arrive as 'error' events, and ioredis keeps retrying on its own.
    const connectOnce = connection.connect.bind(connection);
    connection.connect = (callback) => connectOnce(callback).catch(() => {});
    this.connections.push(connection);
    return connection;
  }
}

/** Race `work` against a budget; every failure becomes QueueUnavailableError. */
async function bounded<T>(work: Promise<T>, budgetMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${COMMAND_BUDGET_MS} ms`)), Math.max(budgetMs, 0));
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    if (err instanceof QueueUnavailableError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new QueueUnavailableError(`queue back end unavailable: ${what}: ${reason}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
