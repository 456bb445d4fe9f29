/**
 * Opening an OA push: query checks, signatures, the timestamp window, the
 * body's envelope, decryption and the inner message — per
 * shared/reference/callback-crypto.md §1–§6. Pure: the clock is `now`.
 *
 * Order matters: everything that can be checked without the body (parameters,
 * plain signature, timestamp) comes first; `msg_signature` is verified before
 * anything is decrypted; only the decrypted message is returned, so clear
 * fields of a compat body, which no signature covers, can never leak into
 * the canonical event — they must agree with the encrypted copy or the push
 * is refused. The `openid` query parameter is not signed either, so it is
 * neither required nor trusted.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';
import { CallbackError, toCallbackError } from './errors';
import { canonicalJson } from '../../canonical/json';
import { decryptFor, msgSignature, plainSignature, signaturesEqual } from './crypto';
import { checkTimestamp, optionalParam, readSignedParams, requiredParam, type QueryParams } from './push-query';
import { parseXml, type XmlLimits } from './xml';

/** How the account is configured in the MP admin: 明文 / 兼容 / 安全 (same names as the gateway config). */
export type CallbackMode = 'plain' | 'compatible' | 'safe';

/** plain: the full message; compatible: the full message plus Encrypt; safe: ToUserName + Encrypt only. */
export type EnvelopeShape = 'plain' | 'compatible' | 'safe';

/** A push body as received, before decryption. */
export interface InboundEnvelope {
  shape: EnvelopeShape;
  /** Every element of the body (for compatible: the unsigned clear copy, Encrypt included). */
  clear: XmlObject;
  /** The Encrypt text exactly as sent (what msg_signature covers); absent in plain shape. */
  encrypt?: string;
}

/** What the gateway records to refuse a replayed push (see OpenedPush.replayKey). */
export interface ReplayKey {
  timestamp: string;
  nonce: string;
  /** The verified signature, lowercase hex: msg_signature for encrypted pushes, else the plain signature. */
  signature: string;
}

/** A verified, decrypted push. */
export interface OpenedPush {
  /** The authenticated message: the decrypted one for compatible/safe, the body for plain. */
  message: XmlObject;
  /** `message` as XML text exactly as Tencent sent it (decrypted, or the plain body), for the archive. */
  plaintext: string;
  replayKey: ReplayKey;
}

/** Inputs of openPush; `aesKey` is the 32-byte key from aesKeyFromEncodingAESKey, required unless plain. */
export interface OpenPushInput {
  mode: CallbackMode;
  token: string;
  aesKey?: Buffer;
  /** The OA AppID: the receive id inside every ciphertext. */
  appId: string;
  query: QueryParams;
  body: string | Uint8Array;
  /** The gateway clock, unix seconds (Tencent's timestamp unit). */
  now: number;
  maxSkewSeconds: number;
  xmlLimits?: Partial<XmlLimits>;
}

/**
 * Parse a push body and classify its shape.
 * @throws CallbackError (XML errors, or an Encrypt element that is not text)
 */
export function parseEnvelope(body: string | Uint8Array, xmlLimits?: Partial<XmlLimits>): InboundEnvelope {
  let clear: XmlObject;
  try {
    clear = parseXml(body, xmlLimits);
  } catch (err) {
    toCallbackError(err, 'body');
  }
  if (!Object.hasOwn(clear, 'Encrypt')) return { shape: 'plain', clear };
  const encrypt = clear.Encrypt;
  if (typeof encrypt !== 'string' || encrypt === '') throw new CallbackError('missing-field', 'Encrypt must be one non-empty text element');
  const safe = Object.keys(clear).every((k) => k === 'Encrypt' || k === 'ToUserName');
  return { shape: safe ? 'safe' : 'compatible', clear, encrypt };
}

/**
 * Verify and open one OA push (POST).
 * @throws CallbackError
 */
export function openPush(input: OpenPushInput): OpenedPush {
  const { mode, token, query } = input;
  const encrypted = mode !== 'plain';
  // A configuration bug, not a bad push: fail the same way for every request.
  if (encrypted && input.aesKey === undefined) throw new TypeError(`aesKey is required in ${mode} mode`);
  const { signature, timestamp, nonce } = readSignedParams(query);
  const encryptType = optionalParam(query, 'encrypt_type');
  if (encryptType !== undefined && encryptType !== 'aes' && encryptType !== 'raw') throw new CallbackError('bad-param', 'query parameter encrypt_type must be aes or raw');
  if (encrypted !== (encryptType === 'aes')) {
    throw new CallbackError('mode-mismatch', encrypted ? `account is in ${mode} mode but the push is not encrypted` : 'account is in plain mode but the push is encrypted');
  }
  const givenMsgSignature = encrypted ? requiredParam(query, 'msg_signature') : undefined;

  const expected = plainSignature(token, timestamp, nonce);
  if (!signaturesEqual(expected, signature)) throw new CallbackError('bad-signature', 'signature does not verify');
  checkTimestamp(timestamp, input.now, input.maxSkewSeconds);

  const envelope = parseEnvelope(input.body, input.xmlLimits);
  if (givenMsgSignature === undefined) {
    if (envelope.shape !== 'plain') throw new CallbackError('mode-mismatch', 'account is in plain mode but the body is encrypted');
    const plaintext = typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('utf8');
    return { message: envelope.clear, plaintext, replayKey: { timestamp, nonce, signature: expected } };
  }
  if (envelope.encrypt === undefined) throw new CallbackError('missing-field', 'encrypted push without an Encrypt element');
  const expectedMsg = msgSignature(token, timestamp, nonce, envelope.encrypt);
  if (!signaturesEqual(expectedMsg, givenMsgSignature)) throw new CallbackError('bad-msg-signature', 'msg_signature does not verify');
  const { message, plaintext } = decryptInner(input, envelope.encrypt);
  checkClearFieldsAgree(envelope.clear, message);
  return { message, plaintext, replayKey: { timestamp, nonce, signature: expectedMsg } };
}

function decryptInner(input: OpenPushInput, encrypt: string): { message: XmlObject; plaintext: string } {
  try {
    const plaintext = decryptFor(input.aesKey as Buffer, encrypt, input.appId).message;
    return { message: parseXml(plaintext, input.xmlLimits), plaintext };
  } catch (err) {
    toCallbackError(err, 'encrypted message');
  }
}

/**
 * Every clear field that the encrypted message also has must be identical.
 * @throws CallbackError('field-mismatch')
 */
export function checkClearFieldsAgree(clear: XmlObject, message: XmlObject): void {
  for (const [name, value] of Object.entries(clear)) {
    if (name === 'Encrypt' || !Object.hasOwn(message, name)) continue;
    if (!sameValue(value, message[name])) throw new CallbackError('field-mismatch', `clear ${name} disagrees with the encrypted message`);
  }
}

function sameValue(a: XmlValue, b: XmlValue | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' ? a === b : canonicalJson(a) === canonicalJson(b);
}

/** Inputs of verifyUrlHandshake; give `now` (unix seconds) to also bound the timestamp (`maxSkewSeconds`, default 300). */
export interface UrlHandshakeInput {
  token: string;
  query: QueryParams;
  now?: number;
  maxSkewSeconds?: number;
}

// echostr is not covered by the OA signature, so whoever holds one valid
// (signature, timestamp, nonce) could make the gateway reflect any text:
// only echo what Tencent sends (digits in practice; base64 characters allowed).
const ECHOSTR = /^[A-Za-z0-9+/=_-]{1,128}$/;

/**
 * Verify the OA URL handshake (GET; same in all three modes) and return echostr verbatim as the response body.
 * @throws CallbackError
 */
export function verifyUrlHandshake(input: UrlHandshakeInput): string {
  const { signature, timestamp, nonce } = readSignedParams(input.query);
  const echostr = requiredParam(input.query, 'echostr');
  if (!ECHOSTR.test(echostr)) throw new CallbackError('bad-param', 'query parameter echostr has an unexpected form');
  if (!signaturesEqual(plainSignature(input.token, timestamp, nonce), signature)) throw new CallbackError('bad-signature', 'signature does not verify');
  if (input.now !== undefined) checkTimestamp(timestamp, input.now, input.maxSkewSeconds ?? 300);
  return echostr;
}
