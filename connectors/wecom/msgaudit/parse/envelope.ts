/**
 * The GetChatData answer (wecom.md §6.4) → records, strictly:
 *   {"errcode":0,"errmsg":"ok","chatdata":[{seq, msgid, publickey_ver,
 *     encrypt_random_key, encrypt_chat_msg}, …]}
 * Whole-document problems (bad text, errcode ≠ 0, no chatdata, a record without
 * a usable seq, seqs out of order) throw: nothing of such an answer is trusted,
 * and pulling again is safe. A record with a good seq but another bad field is
 * NOT dropped and does not block the batch: it comes back as an
 * UnreadableChatRecord, in seq order, for the puller to archive raw with its
 * error and an alert (issue 6: never skipped).
 */
import type { MsgauditJsonObject } from '../../../canonical/msgaudit-event';
import { MsgauditApiError } from './api-error';
import { MsgauditParseError, type MsgauditParseErrorCode } from './errors';
import { isParsedObject, parseJsonText, type JsonLimits, type Parsed, type ParsedObject } from './json-text';
import { compareSeq, isSeqCursor, seqFromParsed } from './seq';
import { toRawObject } from './to-raw';

export interface EnvelopeLimits extends JsonLimits {
  /** Most records one pull may return (GetChatData's limit is 1…1000). */
  maxRecords: number;
  maxMsgidChars: number;
  /** RSA-4096 ciphertext is 684 base64 characters; room to spare. */
  maxEncryptRandomKeyChars: number;
  maxEncryptChatMsgChars: number;
}

/** Defaults: one pull of 1,000 records, a decrypted message up to 4 MiB (≈ 5.6 MiB of base64 ciphertext). */
export const ENVELOPE_LIMITS: Readonly<EnvelopeLimits> = {
  maxBytes: 128 * 1024 * 1024,
  maxDepth: 8,
  maxValues: 100_000,
  // Above maxRecords, so an over-long chatdata is reported as too-many-records.
  maxArrayLength: 10_000,
  maxRecords: 1000,
  maxMsgidChars: 256,
  maxEncryptRandomKeyChars: 1024,
  maxEncryptChatMsgChars: 8 * 1024 * 1024,
};

/** One record as on the wire, checked; seq as a canonical decimal string. */
export interface RawChatRecord {
  kind: 'record';
  seq: string;
  msgid: string;
  publickey_ver: number;
  encrypt_random_key: string;
  encrypt_chat_msg: string;
}

/** A record with a good seq whose other fields are unusable: archive it raw with `error`. */
export interface UnreadableChatRecord {
  kind: 'unreadable';
  seq: string;
  /** Position in chatdata. */
  index: number;
  error: MsgauditParseError;
  /** The record exactly as sent (numbers that are not safe integers as source text). */
  record: MsgauditJsonObject;
}

export type ChatDataItem = RawChatRecord | UnreadableChatRecord;

export interface ChatDataEnvelope {
  errcode: 0;
  errmsg: string;
  /** Every record, in the order sent (strictly increasing seq). */
  chatdata: ChatDataItem[];
}

export interface EnvelopeOptions {
  /** The seq the pull asked after (0 for the first pull): every record must be after it. */
  afterSeq?: string;
  limits?: Partial<EnvelopeLimits>;
}

const MAX_PUBLICKEY_VER = 0xffff_ffff;

/**
 * Parse and check one GetChatData answer.
 * @throws MsgauditApiError when errcode ≠ 0 (301052 expired, 301053 not enabled, 301058 pull smaller, …)
 * @throws MsgauditParseError (subject 'envelope', retryable) for bad text, missing chatdata, a bad seq, seqs out of order, too many records
 */
export function parseChatDataEnvelope(input: string | Uint8Array, options: EnvelopeOptions = {}): ChatDataEnvelope {
  const limits: EnvelopeLimits = { ...ENVELOPE_LIMITS, ...options.limits };
  const fail = (code: MsgauditParseErrorCode, message: string, details: { path?: string; index?: number; seq?: string } = {}): never => {
    throw new MsgauditParseError(code, 'envelope', message, details);
  };
  if (options.afterSeq !== undefined && !isSeqCursor(options.afterSeq)) throw new RangeError('afterSeq must be a decimal seq 0 … 2^64 − 1');
  const root = parseJsonText(input, limits, 'envelope');
  if (!isParsedObject(root)) return fail('not-an-object', 'the answer is not a JSON object');
  const errcode = root.errcode;
  if (errcode === undefined) return fail('missing-field', 'errcode is missing', { path: 'errcode' });
  if (typeof errcode !== 'number') return fail('bad-field', 'errcode is not an integer', { path: 'errcode' });
  const errmsg = root.errmsg ?? '';
  if (typeof errmsg !== 'string') return fail('bad-field', 'errmsg is not a string', { path: 'errmsg' });
  if (errcode !== 0) throw new MsgauditApiError(errcode, errmsg);
  const chatdata = root.chatdata;
  if (chatdata === undefined || chatdata === null) return fail('missing-field', 'chatdata is missing', { path: 'chatdata' });
  if (!Array.isArray(chatdata)) return fail('bad-field', 'chatdata is not an array', { path: 'chatdata' });
  if (chatdata.length > limits.maxRecords) return fail('too-many-records', `chatdata has ${chatdata.length} records; a pull returns at most ${limits.maxRecords}`, { path: 'chatdata' });

  const items: ChatDataItem[] = [];
  let previous = options.afterSeq;
  chatdata.forEach((entry, index) => {
    const path = `chatdata[${index}]`;
    if (!isParsedObject(entry)) return fail('bad-field', `${path} is not an object`, { path, index });
    const seq = seqFromParsed(entry.seq);
    if (seq === undefined) {
      const code = entry.seq === undefined || entry.seq === null ? 'missing-field' : 'bad-field';
      return fail(code, `${path}.seq is ${code === 'missing-field' ? 'missing' : 'not an integer 1 … 2^64 − 1'}`, { path: `${path}.seq`, index });
    }
    if (previous !== undefined && compareSeq(seq, previous) <= 0) {
      if (index === 0) fail('seq-not-after-cursor', `${path}.seq ${seq} is not after the pull's seq ${previous}`, { path: `${path}.seq`, index, seq });
      if (seq === previous) fail('duplicate-seq', `${path}.seq ${seq} repeats the previous record's seq`, { path: `${path}.seq`, index, seq });
      fail('seq-not-increasing', `${path}.seq ${seq} is below the previous record's seq ${previous}`, { path: `${path}.seq`, index, seq });
    }
    previous = seq;
    items.push(readRecord(entry, seq, index, limits));
  });
  return { errcode: 0, errmsg, chatdata: items };
}

/** The record's fields after seq; a problem makes it an UnreadableChatRecord. */
function readRecord(entry: ParsedObject, seq: string, index: number, limits: EnvelopeLimits): ChatDataItem {
  const path = `chatdata[${index}]`;
  const problem = (code: MsgauditParseErrorCode, field: string, what: string): UnreadableChatRecord => ({
    kind: 'unreadable',
    seq,
    index,
    error: new MsgauditParseError(code, 'envelope', `${path}.${field} ${what}`, { path: `${path}.${field}`, index, seq, retryable: false }),
    record: toRawObject(entry),
  });
  const text = (field: string, max: number): string | UnreadableChatRecord => {
    const value: Parsed | undefined = entry[field];
    if (value === undefined || value === null) return problem('missing-field', field, 'is missing');
    if (typeof value !== 'string' || value.length === 0) return problem('bad-field', field, 'is not a non-empty string');
    if (value.length > max) return problem('bad-field', field, `is longer than ${max} characters`);
    return value;
  };
  const msgid = text('msgid', limits.maxMsgidChars);
  if (typeof msgid !== 'string') return msgid;
  const version = entry.publickey_ver;
  if (version === undefined || version === null) return problem('missing-field', 'publickey_ver', 'is missing');
  if (typeof version !== 'number' || version < 0 || version > MAX_PUBLICKEY_VER) return problem('bad-field', 'publickey_ver', `is not an integer 0 … ${MAX_PUBLICKEY_VER}`);
  const randomKey = text('encrypt_random_key', limits.maxEncryptRandomKeyChars);
  if (typeof randomKey !== 'string') return randomKey;
  const chatMsg = text('encrypt_chat_msg', limits.maxEncryptChatMsgChars);
  if (typeof chatMsg !== 'string') return chatMsg;
  return { kind: 'record', seq, msgid, publickey_ver: version, encrypt_random_key: randomKey, encrypt_chat_msg: chatMsg };
}
