/**
 * RSA unwrapping of encrypt_random_key on worker threads. One RSA-2048
 * private-key operation costs 250–500 µs of CPU, more than everything else a
 * record needs together, so on one thread it caps ingestion near 2,000
 * records/s; the pool spreads it over the machine's cores while the event
 * loop decrypts, parses and archives.
 *
 * - One pool per gateway, shared by every pulled corp: each worker loads all
 *   corps' keys once at start (unwrap-worker.ts), never per request.
 * - Work goes out in chunks (one postMessage per chunk of records, not per
 *   record), at most MAX_IN_FLIGHT chunks per worker so an idle worker never
 *   waits for a round trip, the rest queued here in arrival order.
 * - Results come back per chunk in request order; a failed record is the same
 *   error class with the same code and text as in-thread (a missing version
 *   stays KeyVersionMissingError naming it), so the caller archives it raw
 *   exactly as before.
 * - A worker that dies (a crash, an OOM kill) is replaced. The chunks it held
 *   are run once more on another worker; a chunk whose second worker dies
 *   too rejects with UnwrapPoolError, which fails the caller's whole batch:
 *   nothing is committed and the puller pulls the same seq again.
 * - close() rejects whatever is left and terminates the workers; the gateway
 *   closes the pool after its pullers have stopped.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { KeyVersionMissingError, MsgauditKeyError, type KeyErrorCode } from '../../connectors/wecom/msgaudit/keys/errors';
import type { MsgauditPrivateKeys } from '../../connectors/wecom/msgaudit/keys/keyring';
import type { UnwrapReplyMessage, UnwrapTaskMessage, UnwrapWorkerInit, WorkerUnwrapError } from './unwrap-worker';

/** Chunks sent to one worker before it answers the first. */
const MAX_IN_FLIGHT = 2;
/** Workers a chunk may be tried on before it fails. */
const MAX_ATTEMPTS = 2;

// Loaded as plain JavaScript; registers the TypeScript loader first when this module runs from source (tsx, jest).
const BOOT = "const { workerData } = require('node:worker_threads'); if (workerData.tsxApi) require(workerData.tsxApi).register(); require(workerData.entry);";

/** One record's key to unwrap. */
export interface UnwrapRequest {
  publickeyVer: number;
  encryptRandomKey: string;
}

/** The unwrapped key, or why not (the error the keyring threw). */
export type UnwrapOutcome = { encryptKey: string } | { error: Error };

/** The pool could not answer a chunk: a worker died twice under it, or the pool is closed. The batch is pulled again. */
export class UnwrapPoolError extends Error {
  override readonly name = 'UnwrapPoolError';
  readonly code = 'msgaudit.unwrap-pool';

  constructor(message: string) {
    super(message);
  }
}

/** What a pool is built from. */
export interface UnwrapPoolOptions {
  /** PEM private keys by publickey_ver, by corp (any stable id; unwrap() names the same one). Already checked by MsgauditKeyring. */
  keys: Record<string, MsgauditPrivateKeys>;
  /** Worker threads (≥ 1). */
  size: number;
  logger?: Pick<Logger, 'warn'>;
  /** The worker's module (default unwrap-worker); tests put a misbehaving one here. */
  workerEntry?: string;
}

interface Task {
  id: number;
  corp: string;
  requests: readonly UnwrapRequest[];
  attempts: number;
  resolve: (outcomes: UnwrapOutcome[]) => void;
  reject: (err: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Task>;
  exiting: boolean;
}

/** Worker threads that unwrap encrypt_random_key (see the module comment). */
export class UnwrapPool {
  private readonly workers = new Set<PoolWorker>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly entry: string;
  private readonly tsxApi: string | null;

  constructor(private readonly options: UnwrapPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`unwrap pool size must be a positive integer, not ${options.size}`);
    this.entry = options.workerEntry ?? require.resolve('./unwrap-worker');
    this.tsxApi = this.entry.endsWith('.ts') ? require.resolve('tsx/cjs/api') : null;
  }

  /** Worker threads the pool runs at most. */
  get size(): number {
    return this.options.size;
  }

  /** Worker threads alive now (started, not yet exited). */
  get liveWorkers(): number {
    return this.workers.size;
  }

  /** Start every worker now rather than on first use, so the first batch does not wait for them to load. */
  start(): void {
    while (!this.closed && this.workers.size < this.options.size) this.spawn();
  }

  /**
   * Unwrap one chunk of records of `corp`; one outcome per request, in order.
   * @throws UnwrapPoolError when a worker died under the chunk twice, or the pool is closed
   */
  unwrap(corp: string, requests: readonly UnwrapRequest[]): Promise<UnwrapOutcome[]> {
    if (this.closed) return Promise.reject(new UnwrapPoolError('the RSA unwrap pool is closed'));
    if (requests.length === 0) return Promise.resolve([]);
    return new Promise<UnwrapOutcome[]>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, corp, requests, attempts: 0, resolve, reject });
      this.dispatch();
    });
  }

  /** Reject queued and running chunks, terminate the workers and wait for them to exit. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new UnwrapPoolError('the RSA unwrap pool closed');
    for (const task of this.queue.splice(0)) task.reject(closing);
    const exits: Promise<unknown>[] = [];
    for (const entry of this.workers) {
      entry.exiting = true;
      for (const task of entry.inFlight.values()) task.reject(closing);
      entry.inFlight.clear();
      exits.push(entry.worker.terminate());
    }
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const target = this.leastBusy();
      if (!target) return;
      const task = this.queue.shift()!;
      task.attempts += 1;
      target.inFlight.set(task.id, task);
      const message: UnwrapTaskMessage = { id: task.id, corp: task.corp, requests: task.requests.map((r) => [r.publickeyVer, r.encryptRandomKey]) };
      target.worker.postMessage(message);
    }
  }

  /** The worker with the fewest chunks in flight (a new one while the pool is below its size), or none when all are full. */
  private leastBusy(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const entry of this.workers) {
      if (!entry.exiting && (!best || entry.inFlight.size < best.inFlight.size)) best = entry;
    }
    if ((!best || best.inFlight.size > 0) && this.workers.size < this.options.size) return this.spawn();
    return best && best.inFlight.size < MAX_IN_FLIGHT ? best : undefined;
  }

  private spawn(): PoolWorker {
    const init: UnwrapWorkerInit & { entry: string; tsxApi: string | null } = { cgwUnwrapWorker: true, keys: this.options.keys, entry: this.entry, tsxApi: this.tsxApi };
    const worker = new Worker(BOOT, { eval: true, workerData: init, execArgv: [] });
    // A pool someone forgot to close must not keep the process alive.
    worker.unref();
    const entry: PoolWorker = { worker, inFlight: new Map(), exiting: false };
    this.workers.add(entry);
    worker.on('message', (reply: UnwrapReplyMessage) => this.answered(entry, reply));
    // The uncaught error is followed by 'exit'; only its type is logged (a worker's error text is not vetted).
    worker.on('error', (err: unknown) => this.options.logger?.warn({ error: err instanceof Error ? err.name : typeof err }, 'msgaudit RSA unwrap worker failed'));
    worker.on('exit', (code) => this.exited(entry, code));
    return entry;
  }

  private answered(entry: PoolWorker, reply: UnwrapReplyMessage): void {
    const task = entry.inFlight.get(reply.id);
    if (!task) return;
    entry.inFlight.delete(reply.id);
    if ('failed' in reply) task.reject(new UnwrapPoolError(`the RSA unwrap worker refused the chunk: ${reply.failed}`));
    else task.resolve(reply.results.map((result) => (typeof result === 'string' ? { encryptKey: result } : { error: fromWire(result) })));
    this.dispatch();
  }

  private exited(entry: PoolWorker, code: number): void {
    this.workers.delete(entry);
    if (entry.exiting || this.closed) return;
    const orphans = [...entry.inFlight.values()];
    entry.inFlight.clear();
    this.options.logger?.warn({ code, chunks: orphans.length }, 'msgaudit RSA unwrap worker exited unexpectedly; replacing it');
    // Retried first, in their original order, ahead of later chunks.
    const retry = orphans.filter((task) => task.attempts < MAX_ATTEMPTS).sort((a, b) => a.id - b.id);
    for (const task of orphans) {
      if (task.attempts >= MAX_ATTEMPTS) task.reject(new UnwrapPoolError(`an RSA unwrap worker exited (code ${code}) while holding this chunk, twice`));
    }
    this.queue.unshift(...retry);
    this.dispatch();
  }
}

/** The error the keyring threw in the worker, rebuilt: the same class, code and text as the in-thread path. */
function fromWire(wire: WorkerUnwrapError): Error {
  if (wire.key) {
    if (wire.key.code === 'key-version-missing') return new KeyVersionMissingError(wire.key.publickeyVer);
    return new MsgauditKeyError(wire.key.code as KeyErrorCode, wire.key.publickeyVer, wire.key.message);
  }
  // Not a key error (none is expected): recordFailure names it by type only, as it would in-thread.
  return Object.assign(new Error('unexpected failure in the RSA unwrap worker'), { name: wire.name });
}
