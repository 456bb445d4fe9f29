/**
 * One GetChatData batch → one outcome per record, in seq order: the parsed
 * MsgauditEvent, or the record to archive raw with why (missing key version,
 * RSA failure, DecryptData failure, unparseable plaintext, malformed record).
 * Nothing is dropped: every record of the batch has exactly one outcome.
 *
 * Event-loop budget: RSA unwrapping is synchronous (~250 µs per record), so
 * keys are unwrapped `chunkSize` at a time with a turn of the event loop in
 * between, and DecryptData (on koffi's worker thread) runs for one chunk
 * while the next chunk is unwrapped. A worker-thread pool for the RSA step
 * is the next optimisation if one core is not enough.
 *
 * DecryptData is a local, deterministic computation, so its "retryable"
 * returns (10001-10003, a timeout) are retried a few times and then the
 * record is archived raw: retrying the whole batch forever would block every
 * later record until Tencent's retention horizon passed. Only a handle that
 * is gone (shutdown) or out of memory aborts the batch.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import { FinanceSdkError } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk-error';
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import type { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';
import { parseDecryptedMessage } from '../../connectors/wecom/msgaudit/parse/decrypted-message';
import type { ChatDataItem, RawChatRecord } from '../../connectors/wecom/msgaudit/parse/envelope';
import { recordFailure, type RecordFailure } from './failures';

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
  keyring: Pick<MsgauditKeyring, 'unwrapRandomKey'>;
  sdk: Pick<FinanceSdk, 'decryptData'>;
  /** Records unwrapped per event-loop turn. */
  chunkSize: number;
  /** DecryptData attempts on a retryable return before the record is archived raw (default 3). */
  decryptAttempts?: number;
  /** Pause between those attempts (default 20 ms). */
  decryptRetryDelayMs?: number;
}

/**
 * Decrypt and parse every record of a batch; one outcome per item, in order.
 * @throws FinanceSdkError of kind not-ready or out-of-memory (the handle is closing or the host is out of memory): the batch must be pulled again
 */
export async function decryptBatch(items: readonly ChatDataItem[], deps: DecryptBatchDeps): Promise<RecordOutcome[]> {
  const size = Math.max(1, deps.chunkSize);
  const outcomes: RecordOutcome[] = [];
  let previous: Promise<RecordOutcome[]> | undefined;
  for (let start = 0; start < items.length; start += size) {
    const chunk = items.slice(start, start + size);
    const unwrapped = chunk.map((item) => unwrap(item, deps));
    const current = Promise.all(unwrapped.map((step) => (step.kind === 'key' ? decryptAndParse(step.record, step.encryptKey, deps) : Promise.resolve(step))));
    // Awaited below or after the loop; without a handler now, an early rejection would count as unhandled.
    current.catch(() => undefined);
    if (previous) outcomes.push(...(await previous));
    previous = current;
    await nextTurn();
  }
  if (previous) outcomes.push(...(await previous));
  return outcomes;
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

async function decryptWithRetry(record: RawChatRecord, encryptKey: string, deps: DecryptBatchDeps): Promise<string> {
  const attempts = Math.max(1, deps.decryptAttempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.sdk.decryptData(encryptKey, record.encrypt_chat_msg);
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
