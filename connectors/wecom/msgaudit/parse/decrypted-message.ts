/**
 * One decrypted chat-archive message (DecryptData's output, wecom.md §6.5) →
 * canonical MsgauditEvent. Every msgtype of the reference has a rule in
 * message-types.ts; an unknown msgtype or action is never an error: the event
 * is typed 'unknown' and archived from `raw`. Switch records (action "switch")
 * have no msgtype/from/tolist, only msgid, time and user.
 *
 * For a known type the common fields are mandatory (msgid, action, from,
 * tolist, msgtime, the payload); roomid is optional (1:1 chats send "", the
 * doc's meeting_voice_call sample omits it). A malformed message throws a
 * MsgauditParseError naming the wire path: the puller archives the record raw
 * with the error and alerts (never skipped).
 */
import {
  MSGAUDIT_ACTIONS,
  type MsgauditConsent,
  type MsgauditEvent,
  type MsgauditJsonObject,
  type MsgauditMedia,
  type MsgauditMessageType,
} from '../../../canonical/msgaudit-event';
import { canonicalHash } from '../../../canonical/json';
import { msgauditDedupeKey } from './dedupe-key';
import { readItems } from './embedded-items';
import { MsgauditParseError, type MsgauditParseErrorCode } from './errors';
import { payloadOf, readFields } from './field-spec';
import { isParsedObject, parseJsonText, type JsonLimits, type Parsed, type ParsedObject } from './json-text';
import { mediaOf } from './media';
import { MESSAGE_TYPES } from './message-types';
import { toRawObject } from './to-raw';

/** Defaults: 4 MiB per message; a group's tolist (≤ 2,000 members) well inside the array limit. */
export const MESSAGE_LIMITS: Readonly<JsonLimits> = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 16,
  maxValues: 200_000,
  maxArrayLength: 10_000,
};

/** Where the message came from: the corp and its GetChatData record. */
export interface MessageSource {
  corpId: string;
  record: { seq: string; msgid: string; publickey_ver: number };
}

const MAX_MSGID_CHARS = 256;

interface Common {
  from: string | null;
  tolist: string[];
  roomid: string | null;
  msgtime: number | null;
}

/**
 * Parse one decrypted message into a MsgauditEvent.
 * @throws MsgauditParseError (subject 'message', not retryable): bad text or limits, a missing or malformed field, a msgid that differs from the record's
 */
export function parseDecryptedMessage(plaintext: string | Uint8Array, source: MessageSource, limits: Partial<JsonLimits> = {}): MsgauditEvent {
  const bounds: JsonLimits = { ...MESSAGE_LIMITS, ...limits };
  const message = parseJsonText(plaintext, bounds, 'message');
  if (!isParsedObject(message)) throw fail('not-an-object', 'the message is not a JSON object');
  const msgid = requiredString(message, 'msgid');
  if (msgid.length > MAX_MSGID_CHARS) throw fail('bad-field', `msgid is longer than ${MAX_MSGID_CHARS} characters`, 'msgid');
  if (msgid !== source.record.msgid) throw fail('field-mismatch', `msgid differs from the msgid of GetChatData record seq ${source.record.seq}`, 'msgid');
  const action = requiredString(message, 'action');
  const raw = toRawObject(message);
  const base = {
    channel: 'wecom-msgaudit' as const,
    corpId: source.corpId,
    seq: source.record.seq,
    publickeyVer: source.record.publickey_ver,
    msgid,
    action,
    dedupeKey: msgauditDedupeKey(source.corpId, msgid),
    rawHash: canonicalHash(raw),
    raw,
  };
  if (action === 'switch') {
    const user = requiredString(message, 'user');
    const time = requiredTime(message, 'time');
    return { ...base, type: 'switch', msgtype: null, from: user, tolist: [], roomid: null, msgtime: time, fields: { user, time }, media: [] };
  }
  const msgtype = message.msgtype;
  const known = typeof msgtype === 'string' && Object.hasOwn(MESSAGE_TYPES, msgtype) && (MSGAUDIT_ACTIONS as readonly string[]).includes(action);
  if (!known) {
    return { ...base, type: 'unknown', msgtype: typeof msgtype === 'string' ? msgtype : null, ...lenientCommon(message), fields: {}, media: [] };
  }
  const type = msgtype as MsgauditMessageType;
  const { fields, media } = typeFields(message, type, bounds);
  return { ...base, type, msgtype: type, ...strictCommon(message), fields, media, ...links(type, fields) };
}

/** The payload's canonical fields and media for a known type. */
function typeFields(message: ParsedObject, type: MsgauditMessageType, limits: JsonLimits): { fields: MsgauditJsonObject; media: MsgauditMedia[] } {
  const spec = MESSAGE_TYPES[type];
  const payload = payloadOf(message, spec.payload);
  const fields = { ...(spec.topLevel ? readFields(message, spec.topLevel, '') : {}), ...readFields(payload, spec.fields, spec.payload) };
  if (spec.items !== undefined) {
    const { items, media } = readItems(spec.items, payload, spec.payload, limits);
    return { fields: { ...fields, items }, media };
  }
  return { fields, media: spec.media ? [mediaOf(spec.media, fields, spec.payload)] : [] };
}

/** recalledMsgid for a recall, consent for agree/disagree. */
function links(type: MsgauditMessageType, fields: MsgauditJsonObject): { recalledMsgid?: string; consent?: MsgauditConsent } {
  if (type === 'revoke') return { recalledMsgid: fields.preMsgId as string };
  if (type === 'agree') return { consent: { decision: 'agree', externalUserId: fields.userId as string, at: timeField(fields.agreeTime, 'agree.agree_time') } };
  if (type === 'disagree') return { consent: { decision: 'disagree', externalUserId: fields.userId as string, at: timeField(fields.disagreeTime, 'disagree.disagree_time') } };
  return {};
}

function strictCommon(message: ParsedObject): Common {
  const from = requiredString(message, 'from');
  const tolist = message.tolist;
  if (tolist === undefined || tolist === null) throw fail('missing-field', 'tolist is missing', 'tolist');
  if (!isStringList(tolist)) throw fail('bad-field', 'tolist is not an array of strings', 'tolist');
  const roomid = message.roomid;
  if (roomid !== undefined && roomid !== null && typeof roomid !== 'string') throw fail('bad-field', 'roomid is not a string', 'roomid');
  return { from, tolist, roomid: roomid ? roomid : null, msgtime: requiredTime(message, 'msgtime') };
}

/** Common fields of an unknown type: kept when well-formed, null/empty otherwise (raw has them as sent). */
function lenientCommon(message: ParsedObject): Common {
  const { from, tolist, roomid, msgtime } = message;
  return {
    from: typeof from === 'string' ? from : null,
    tolist: isStringList(tolist) ? tolist : [],
    roomid: typeof roomid === 'string' && roomid !== '' ? roomid : null,
    msgtime: typeof msgtime === 'number' && msgtime >= 0 ? msgtime : null,
  };
}

function requiredString(message: ParsedObject, name: string): string {
  const value = message[name];
  if (value === undefined || value === null) throw fail('missing-field', `${name} is missing`, name);
  if (typeof value !== 'string' || value === '') throw fail('bad-field', `${name} is not a non-empty string`, name);
  return value;
}

function requiredTime(message: ParsedObject, name: string): number {
  const value = message[name];
  if (value === undefined || value === null) throw fail('missing-field', `${name} is missing`, name);
  return timeField(value, name);
}

/** A unix-millisecond time: a non-negative safe integer (the reviver turned anything else into a NumberLiteral). */
function timeField(value: Parsed | undefined, path: string): number {
  if (typeof value !== 'number' || value < 0) throw fail('bad-field', `${path} is not a time in milliseconds`, path);
  return value;
}

function isStringList(value: Parsed | undefined): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function fail(code: MsgauditParseErrorCode, message: string, path?: string): MsgauditParseError {
  return new MsgauditParseError(code, 'message', message, path ? { path } : {});
}
