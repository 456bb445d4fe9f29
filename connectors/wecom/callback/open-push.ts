/**
 * Opening a WeCom callback: the URL-verification handshake (GET) and a push
 * (POST), per shared/reference/callback-crypto.md §2.2, §3.2, §5 and §6.1.
 * WeCom uses OA's WXBizMsgCrypt scheme with the CorpID as receive id, so the
 * crypto, the hardened XML reader, the query readers and the error type are
 * those of connectors/wechat/callback; only the envelope differs (always
 * encrypted; `msg_signature`, `timestamp`, `nonce` and no plain `signature`).
 * Pure: the clock is `now`.
 *
 * Order: parameters and the timestamp window first (no body work for a
 * stale or malformed request); then the body's envelope through the size-
 * and entity-safe reader; `msg_signature` verified in constant time before
 * anything is decrypted; the receive id checked against the corp's CorpID;
 * the decrypted message parsed by the same reader. The clear `ToUserName` and
 * `AgentID` of the envelope are not signed: they must agree with the
 * encrypted message where it has them, and only the decrypted message is
 * returned.
 */
import type { XmlObject } from '../../canonical/chat-event';
import { decryptFor, msgSignature, signaturesEqual } from '../../wechat/callback/crypto';
import { checkClearFieldsAgree, parseEnvelope, type ReplayKey } from '../../wechat/callback/envelope';
import { CallbackError, toCallbackError } from '../../wechat/callback/errors';
import { checkTimestamp, requiredParam, type QueryParams } from '../../wechat/callback/push-query';
import { parseXml, type XmlLimits } from '../../wechat/callback/xml';

// Same forms as push-query.ts accepts for OA (Tencent sends digits for both).
const TIMESTAMP = /^[0-9]{1,12}$/;
const NONCE = /^[\x21-\x7e]{1,128}$/;
// A real echostr is 88 base64 characters (a 64-byte ciphertext); the bound keeps hashing and decrypting cheap.
const MAX_ECHOSTR = 1024;

/** The corp a callback is opened for. */
export interface WecomCorpKeys {
  token: string;
  /** The 32-byte key from aesKeyFromEncodingAESKey(corp.callback.encodingAESKey). */
  aesKey: Buffer;
  /** The CorpID: the receive id inside every ciphertext. */
  corpId: string;
}

/** Inputs of openWecomPush. */
export interface OpenWecomPushInput extends WecomCorpKeys {
  query: QueryParams;
  body: string | Uint8Array;
  /** The gateway clock, unix seconds. */
  now: number;
  maxSkewSeconds: number;
  xmlLimits?: Partial<XmlLimits>;
}

/** A verified, decrypted WeCom push. */
export interface OpenedWecomPush {
  /** The decrypted message. */
  message: XmlObject;
  /** The decrypted message as XML text exactly as WeCom sent it, for the archive. */
  plaintext: string;
  /** What the nonce-replay record is keyed by (the verified msg_signature, lower-case hex). */
  replayKey: ReplayKey;
}

/**
 * The signed trio of a WeCom callback.
 * @throws CallbackError('missing-param' | 'bad-param')
 */
export function readWecomSignedParams(query: QueryParams): { msgSignature: string; timestamp: string; nonce: string } {
  const msgSignatureParam = requiredParam(query, 'msg_signature');
  const timestamp = requiredParam(query, 'timestamp');
  const nonce = requiredParam(query, 'nonce');
  if (!TIMESTAMP.test(timestamp)) throw new CallbackError('bad-param', 'query parameter timestamp is not unix seconds');
  if (!NONCE.test(nonce)) throw new CallbackError('bad-param', 'query parameter nonce is not 1-128 printable ASCII characters');
  return { msgSignature: msgSignatureParam, timestamp, nonce };
}

/**
 * Verify and open one WeCom push (POST).
 * @throws CallbackError
 */
export function openWecomPush(input: OpenWecomPushInput): OpenedWecomPush {
  const { msgSignature: given, timestamp, nonce } = readWecomSignedParams(input.query);
  checkTimestamp(timestamp, input.now, input.maxSkewSeconds);
  const envelope = parseEnvelope(input.body, input.xmlLimits);
  if (envelope.encrypt === undefined) throw new CallbackError('missing-field', 'WeCom push without an Encrypt element');
  const expected = msgSignature(input.token, timestamp, nonce, envelope.encrypt);
  if (!signaturesEqual(expected, given)) throw new CallbackError('bad-msg-signature', 'msg_signature does not verify');
  let message: XmlObject;
  let plaintext: string;
  try {
    plaintext = decryptFor(input.aesKey, envelope.encrypt, input.corpId).message;
    message = parseXml(plaintext, input.xmlLimits);
  } catch (err) {
    toCallbackError(err, 'encrypted message');
  }
  checkClearFieldsAgree(envelope.clear, message);
  return { message, plaintext, replayKey: { timestamp, nonce, signature: expected } };
}

/** Inputs of verifyWecomUrl; give `now` (unix seconds) to also bound the timestamp. */
export interface VerifyWecomUrlInput extends WecomCorpKeys {
  query: QueryParams;
  now?: number;
  maxSkewSeconds?: number;
}

/**
 * Verify WeCom's URL handshake (GET …?msg_signature&timestamp&nonce&echostr):
 * msg_signature over (token, timestamp, nonce, echostr), then decrypt echostr
 * for the CorpID. Returns the plaintext, which is the whole answer body.
 * @throws CallbackError
 */
export function verifyWecomUrl(input: VerifyWecomUrlInput): string {
  const { msgSignature: given, timestamp, nonce } = readWecomSignedParams(input.query);
  const echostr = requiredParam(input.query, 'echostr');
  if (echostr.length > MAX_ECHOSTR) throw new CallbackError('bad-param', `query parameter echostr is longer than ${MAX_ECHOSTR} characters`);
  if (!signaturesEqual(msgSignature(input.token, timestamp, nonce, echostr), given)) throw new CallbackError('bad-msg-signature', 'msg_signature does not verify');
  if (input.now !== undefined) checkTimestamp(timestamp, input.now, input.maxSkewSeconds ?? 300);
  try {
    return decryptFor(input.aesKey, echostr, input.corpId).message;
  } catch (err) {
    toCallbackError(err, 'echostr');
  }
}
