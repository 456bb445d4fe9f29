/**
 * The worker side of UnwrapPool (unwrap-pool.ts): loads every pulled corp's
 * RSA keys once, at start (MsgauditKeyring, the same class and checks as the
 * in-thread path), then answers chunks of unwrap requests. A failed record is
 * answered with its error's name, code, publickey_ver and message, which the
 * pool turns back into the same error class, so a record fails with the same
 * code and text whichever thread unwrapped it. The worker runs niced
 * (thread-priority.ts). This module is also the worker's entry point; it
 * imports nothing beyond the keyring and that.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { MsgauditKeyError } from '../../connectors/wecom/msgaudit/keys/errors';
import { MsgauditKeyring, type MsgauditPrivateKeys } from '../../connectors/wecom/msgaudit/keys/keyring';
import { lowerThreadPriority, UNWRAP_WORKER_NICE } from './thread-priority';

/** What a worker starts with. */
export interface UnwrapWorkerInit {
  cgwUnwrapWorker: true;
  /** PEM private keys by publickey_ver, by corp (the pool's corp key). */
  keys: Record<string, MsgauditPrivateKeys>;
}

/** One chunk: the records' [publickey_ver, encrypt_random_key] of one corp. */
export interface UnwrapTaskMessage {
  id: number;
  corp: string;
  requests: [number, string][];
}

/** A record's failure as it crosses the thread boundary (safe text only: MsgauditKeyError messages never carry key material). */
export interface WorkerUnwrapError {
  name: string;
  /** MsgauditKeyError's code, version and message (its text names versions and problems, never key material). */
  key?: { code: string; publickeyVer: number; message: string };
}

/** The answer to a chunk: a key (string) or a failure per request, in order; `failed` when the chunk could not be served at all. */
export type UnwrapReplyMessage = { id: number; results: (string | WorkerUnwrapError)[] } | { id: number; failed: string };

/** Serve unwrap chunks on `port` with keyrings built from `init` (throws, ending the worker, when a key does not load). */
export function serveUnwraps(port: MessagePort, init: UnwrapWorkerInit): void {
  const keyrings = new Map(Object.entries(init.keys).map(([corp, pems]) => [corp, new MsgauditKeyring(pems)]));
  port.on('message', (task: UnwrapTaskMessage) => {
    const keyring = keyrings.get(task.corp);
    if (!keyring) {
      port.postMessage({ id: task.id, failed: 'no keys for this corp in the unwrap worker' } satisfies UnwrapReplyMessage);
      return;
    }
    const results = task.requests.map(([version, sealed]): string | WorkerUnwrapError => {
      try {
        return keyring.unwrapRandomKey(version, sealed);
      } catch (err) {
        return toWire(err);
      }
    });
    port.postMessage({ id: task.id, results } satisfies UnwrapReplyMessage);
  });
}

/** A MsgauditKeyError in full; anything else by its type name only, as recordFailure would report it. */
function toWire(err: unknown): WorkerUnwrapError {
  if (err instanceof MsgauditKeyError) return { name: err.name, key: { code: err.code, publickeyVer: err.publickeyVer, message: err.message } };
  return { name: err instanceof Error ? err.name : typeof err };
}

// Only as the worker's entry: a test worker that wraps serveUnwraps imports this module too.
if (!isMainThread && (workerData as UnwrapWorkerInit | undefined)?.cgwUnwrapWorker && (workerData as { entry?: string }).entry === __filename) {
  lowerThreadPriority(UNWRAP_WORKER_NICE);
  serveUnwraps(parentPort!, workerData as UnwrapWorkerInit);
}
