/**
 * Reading the passive reply an internal app returns for a forwarded push:
 * plain XML, or the encrypted envelope its SDK produces with the credentials
 * the gateway issued to it (Encrypt, MsgSignature, TimeStamp, Nonce; checked
 * with the app's token, decrypted with the app's key for the app's AppID).
 * The result is canonical and re-serialised, so Tencent receives exactly what
 * was validated and archived. Sealing for Tencent is in seal-reply.ts.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';
import { aesKeyFromEncodingAESKey, decryptFor, msgSignature, signaturesEqual } from './crypto';
import { CallbackError, toCallbackError } from './errors';
import { REPLY_MSG_TYPES, replyElements, replyFields, type ReplyMsgType } from './reply-content';
import { NO_REPLY_BODY } from './seal-reply';
import { parseXml, type XmlLimits } from './xml';
import { buildXml } from './xml-build';

/** Sealing lives in seal-reply.ts; re-exported so callers import the reply path from one module. */
export { NO_REPLY_BODY, sealReply, type SealReplyInput } from './seal-reply';
/** The MsgTypes a passive reply may have. */
export type { ReplyMsgType } from './reply-content';

/** A validated passive reply. */
export interface AppReply {
  msgType: ReplyMsgType;
  /** The follower's openid (= the push's FromUserName). */
  toUserName: string;
  /** The account's original id (gh_…). */
  fromUserName: string;
  /** Unix seconds; a CreateTime in milliseconds (wechat, co-wechat) is converted. */
  createTime: number;
  /** Type-specific content, canonical names (content, mediaId, articles[{title,…}], …). */
  fields: Record<string, XmlValue>;
  /** Whether the app sent it inside the encrypted envelope. */
  encrypted: boolean;
  /** The reply rebuilt as Tencent-style XML from the validated fields only, ready for sealReply. */
  xml: string;
}

/** Inputs of readAppReply: the app's credentials and who the reply must address. */
export interface ReadAppReplyInput {
  body: string | Uint8Array;
  appToken: string;
  /** The app's EncodingAESKey; without it an encrypted reply is refused. */
  appEncodingAESKey?: string;
  /** The AppID the gateway issued to the app: the receive id in its ciphertext. */
  appId: string;
  /** The push's FromUserName (the follower's openid). */
  expectedToUserName: string;
  /** The account's original id (gh_…). */
  expectedFromUserName: string;
  xmlLimits?: Partial<XmlLimits>;
}

// Above this a CreateTime cannot be seconds (year 5138) and must be milliseconds.
const MILLISECONDS_FROM = 100_000_000_000;

/**
 * Validate an app's passive reply; null when the app declined to reply (empty body or `success`).
 * @throws CallbackError
 */
export function readAppReply(input: ReadAppReplyInput): AppReply | null {
  if (isNoReply(input.body)) return null;
  const outer = parse(input.body, input.xmlLimits, 'reply');
  const encrypted = Object.hasOwn(outer, 'Encrypt');
  const reply = encrypted ? openEnvelope(outer, input) : outer;

  const msgTypeText = text(reply, 'MsgType');
  const msgType = REPLY_MSG_TYPES.find((t) => t === msgTypeText);
  if (msgType === undefined) throw new CallbackError('reply-unsupported-type', 'passive reply MsgType is not one Tencent accepts');
  const toUserName = text(reply, 'ToUserName');
  const fromUserName = text(reply, 'FromUserName');
  if (toUserName !== input.expectedToUserName) throw new CallbackError('reply-wrong-addressee', 'passive reply ToUserName is not the follower who pushed');
  if (fromUserName !== input.expectedFromUserName) throw new CallbackError('reply-wrong-addressee', 'passive reply FromUserName is not the account');
  const createTime = seconds(text(reply, 'CreateTime'));
  const fields = replyFields(msgType, reply);
  const xml = buildXml({ ToUserName: toUserName, FromUserName: fromUserName, CreateTime: String(createTime), MsgType: msgType, ...replyElements(msgType, fields) });
  return { msgType, toUserName, fromUserName, createTime, fields, encrypted, xml };
}

function isNoReply(body: string | Uint8Array): boolean {
  // Apps often end the body with a newline; anything longer than this is never "no reply".
  if (body.length > 32) return false;
  const value = (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).trim();
  return value === '' || value === NO_REPLY_BODY;
}

function openEnvelope(envelope: XmlObject, input: ReadAppReplyInput): XmlObject {
  if (input.appEncodingAESKey === undefined) throw new CallbackError('mode-mismatch', 'encrypted passive reply from an app without an EncodingAESKey');
  const encrypt = text(envelope, 'Encrypt');
  const signature = text(envelope, 'MsgSignature');
  const timestamp = text(envelope, 'TimeStamp');
  const nonce = text(envelope, 'Nonce');
  if (!encrypt || !signature || !timestamp || !nonce) {
    throw new CallbackError('missing-field', 'encrypted passive reply needs Encrypt, MsgSignature, TimeStamp and Nonce');
  }
  // Any digits: wechat/co-wechat put milliseconds here, and there is no clock to check against.
  if (!/^[0-9]{1,13}$/.test(timestamp)) throw new CallbackError('bad-field', 'passive reply TimeStamp is not a number');
  if (!signaturesEqual(msgSignature(input.appToken, timestamp, nonce, encrypt), signature)) {
    throw new CallbackError('bad-msg-signature', 'passive reply MsgSignature does not verify');
  }
  let inner: string;
  try {
    inner = decryptFor(aesKeyFromEncodingAESKey(input.appEncodingAESKey), encrypt, input.appId).message;
  } catch (err) {
    toCallbackError(err, 'passive reply');
  }
  return parse(inner, input.xmlLimits, 'decrypted passive reply');
}

function seconds(createTime: string | undefined): number {
  if (createTime === undefined || createTime === '') throw new CallbackError('missing-field', 'passive reply CreateTime is missing');
  if (!/^[0-9]{1,13}$/.test(createTime)) throw new CallbackError('bad-field', 'passive reply CreateTime is not an integer');
  const value = Number(createTime);
  return value >= MILLISECONDS_FROM ? Math.floor(value / 1000) : value;
}

function parse(body: string | Uint8Array, limits: Partial<XmlLimits> | undefined, where: string): XmlObject {
  try {
    return parseXml(body, limits);
  } catch (err) {
    toCallbackError(err, where);
  }
}

function text(source: XmlObject, name: string): string | undefined {
  const value = Object.hasOwn(source, name) ? source[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
