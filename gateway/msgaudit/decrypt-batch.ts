/**
 * One GetChatData batch → one outcome per record, in seq order: the parsed
 * MsgauditEvent, or the record to archive raw with why (missing key version,
 * RSA failure, DecryptData failure, unparseable plaintext, malformed record).
 * Nothing is dropped: every record of the batch has exactly one outcome.
 *
 * RSA unwrapping (250–500 µs of CPU per record) runs `chunkSize` records at
 * a time: on the UnwrapPool's worker threads when the gateway has one (every
 * chunk of the batch is handed out at once and the workers run in parallel,
 * ahead of this thread), otherwise on this thread. DecryptData (synchronous,
 * a few µs: see finance-sdk.ts) and parsing then run here, chunk by chunk in
 * seq order. The event loop turns after every chunk of RSA unwraps and after
 * every chunk of DecryptData + parse, and within one of those as soon as it
 * has run for DECRYPT_TURN_MS (a slow SDK or a multi-megabyte message), so
 * HTTP, timers and other corps are never held up for a whole batch. Either
 * unwrap path gives a record the same outcome: the pool hands back the
 * keyring's own error classes.
 *
 * DecryptData is a local, deterministic computation, so its "retryable"
 * returns (10001-10003) are retried a few times and then the record is
 * archived raw: retrying the whole batch forever would block every later
 * record until Tencent's retention horizon passed. Only a handle that is gone
 * (shutdown) or out of memory aborts the batch.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import { FinanceSdkError } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk-error';
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import type { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';
import { parseDecryptedMessage } from '../../connectors/wecom/msgaudit/parse/decrypted-message';
import type { ChatDataItem, RawChatRecord } from '../../connectors/wecom/msgaudit/parse/envelope';
import { recordFailure, type RecordFailure } from './failures';
import type { UnwrapOutcome, UnwrapPool } from './unwrap-pool';

/** A record decrypted and parsed. */
export interface ParsedOutcome {
  kind: 'event';
  seq: string;
  event: MsgauditEvent;
}

/** A record to archive as received, with why it could not be read. */
export interface RawOutcome {
  kind: 'raw';
  seq: string;
  item: ChatDataItem;
  failure: RecordFailure;
}

/** What became of one record. */
export type RecordOutcome = ParsedOutcome | RawOutcome;

/** What decryptBatch needs. */
export interface DecryptBatchDeps {
  /** The WeCom CorpID (it is part of every dedupe key). */
  corpId: string;
  /** Unwraps in-thread when there is no pool. */
  keyring: Pick<MsgauditKeyring, 'unwrapRandomKey'>;
  /** Worker threads holding the same keys under `corpId`; when given, keys are unwrapped there. */
  unwrapPool?: Pick<UnwrapPool, 'unwrap'>;
  sdk: Pick<FinanceSdk, 'decryptData'>;
  /** Records unwrapped, or decrypted and parsed, per event-loop turn; records per message to a pool worker. */
  chunkSize: number;
  /** DecryptData attempts on a retryable return before the record is archived raw (default 3). */
  decryptAttempts?: number;
  /** Pause between those attempts (default 20 ms). */
  decryptRetryDelayMs?: number;
}

/**
 * Decrypt and parse every record of a batch; one outcome per item, in order.
 * @throws FinanceSdkError of kind not-ready or out-of-memory (the handle is closing or the host is out of memory): the batch must be pulled again
 * @throws UnwrapPoolError (an unwrap worker died twice under a chunk, or the pool closed): the batch must be pulled again
 */
export async function decryptBatch(items: readonly ChatDataItem[], deps: DecryptBatchDeps): Promise<RecordOutcome[]> {
  const size = Math.max(1, deps.chunkSize);
  const chunks: ChatDataItem[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  const { unwrapPool } = deps;
  // With a pool every chunk is queued at once: the workers keep unwrapping while the chunks before are decrypted here.
  const pooled = unwrapPool ? chunks.map((chunk) => unwrapInPool(chunk, unwrapPool, deps.corpId)) : undefined;
  pooled?.forEach((chunk) => chunk.catch(() => undefined)); // a failure is rethrown where the chunk is awaited
  const outcomes: RecordOutcome[] = [];
  for (const [i, chunk] of chunks.entries()) {
    let unwrapped: Unwrapped[];
    if (pooled) {
      unwrapped = await pooled[i]!;
    } else {
      unwrapped = chunk.map((item) => unwrap(item, deps));
      await nextTurn();
    }
    await decryptChunk(unwrapped, deps, outcomes);
  }
  return outcomes;
}

/** Most time DecryptData + parse may hold the event loop in one run, ms (they usually take ~40 µs a record). */
export const DECRYPT_TURN_MS = 5;

/** DecryptData + parse for one chunk, appended to `outcomes` in order, then a turn of the event loop (sooner after DECRYPT_TURN_MS). */
async function decryptChunk(unwrapped: readonly Unwrapped[], deps: DecryptBatchDeps, outcomes: RecordOutcome[]): Promise<void> {
  let runStarted = performance.now();
  for (const step of unwrapped) {
    // Awaiting an async function that never awaited costs a microtask, not a turn: only nextTurn lets I/O in.
    outcomes.push(step.kind === 'key' ? await decryptAndParse(step.record, step.encryptKey, deps) : step);
    if (performance.now() - runStarted >= DECRYPT_TURN_MS) {
      await nextTurn();
      runStarted = performance.now();
    }
  }
  await nextTurn();
}

type Unwrapped = { kind: 'key'; record: RawChatRecord; encryptKey: string } | RawOutcome;

function unwrap(item: ChatDataItem, deps: DecryptBatchDeps): Unwrapped {
  if (item.kind === 'unreadable') return raw(item, recordFailure('envelope', item.error));
  try {
    return { kind: 'key', record: item, encryptKey: deps.keyring.unwrapRandomKey(item.publickey_ver, item.encrypt_random_key) };
  } catch (err) {
    return raw(item, recordFailure('unwrap', err));
  }
}

/** The chunk's readable records unwrapped by the pool, merged back with its unreadable ones, in order. */
async function unwrapInPool(chunk: readonly ChatDataItem[], pool: Pick<UnwrapPool, 'unwrap'>, corpId: string): Promise<Unwrapped[]> {
  const records = chunk.filter((item): item is RawChatRecord => item.kind === 'record');
  const answers = await pool.unwrap(corpId, records.map((r) => ({ publickeyVer: r.publickey_ver, encryptRandomKey: r.encrypt_random_key })));
  let next = 0;
  return chunk.map((item): Unwrapped => {
    if (item.kind === 'unreadable') return raw(item, recordFailure('envelope', item.error));
    const answer: UnwrapOutcome = answers[next++]!;
    return 'encryptKey' in answer ? { kind: 'key', record: item, encryptKey: answer.encryptKey } : raw(item, recordFailure('unwrap', answer.error));
  });
}

async function decryptAndParse(record: RawChatRecord, encryptKey: string, deps: DecryptBatchDeps): Promise<RecordOutcome> {
  let plaintext: string;
  try {
    plaintext = await decryptWithRetry(record, encryptKey, deps);
  } catch (err) {
    if (abortsBatch(err)) throw err;
    return raw(record, recordFailure('decrypt', err));
  }
  try {
    const event = parseDecryptedMessage(plaintext, { corpId: deps.corpId, record: { seq: record.seq, msgid: record.msgid, publickey_ver: record.publickey_ver } });
    return { kind: 'event', seq: record.seq, event };
  } catch (err) {
    return raw(record, recordFailure('parse', err));
  }
}

/** DecryptData, then again after a pause on a retryable return (rare): only a retry awaits anything. */
async function decryptWithRetry(record: RawChatRecord, encryptKey: string, deps: DecryptBatchDeps): Promise<string> {
  const attempts = Math.max(1, deps.decryptAttempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return deps.sdk.decryptData(encryptKey, record.encrypt_chat_msg);
    } catch (err) {
      if (abortsBatch(err) || !(err instanceof FinanceSdkError) || !err.retryable || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, deps.decryptRetryDelayMs ?? 20));
    }
  }
}

/** A handle that is gone or a host out of memory says nothing about the record: pull the batch again. */
function abortsBatch(err: unknown): boolean {
  return err instanceof FinanceSdkError && (err.kind === 'not-ready' || err.kind === 'out-of-memory');
}

function raw(item: ChatDataItem, failure: RecordFailure): RawOutcome {
  return { kind: 'raw', seq: item.seq, item, failure };
}
