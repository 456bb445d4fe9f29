/**
 * Tencent's WXBizMsgCrypt scheme (OA compat/safe mode and WeCom callbacks),
 * per shared/reference/callback-crypto.md §3–§5:
 *   AESKey = base64(EncodingAESKey + "="), IV = AESKey[0..16), AES-256-CBC,
 *   plaintext = random(16) | len(4, BE) | msg | receiveId, PKCS#7 padded to 32.
 * Pure: no I/O. Errors are CallbackCryptoError with the sample library's code.
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Local error codes of Tencent's sample libraries (never sent on the wire). */
export type CryptoErrorCode =
  | 'signature' // -40001
  | 'aes-key' // -40004
  | 'receive-id' // -40005
  | 'decrypt' // -40007
  | 'buffer' // -40008 bad padding / length
  | 'base64' // -40010
  | 'encoding'; // the message is not valid UTF-8 (the samples would silently mangle it)

/** A failed crypto step; `code` names the sample library's error (see CryptoErrorCode). */
export class CallbackCryptoError extends Error {
  constructor(readonly code: CryptoErrorCode, message: string) {
    super(message);
    this.name = 'CallbackCryptoError';
  }
}

// An account's key serves every push: a KeyObject made once per key Buffer saves rebuilding it per message.
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObject(aesKey: Buffer): KeyObject {
  let object = keyObjects.get(aesKey);
  if (!object) {
    object = createSecretKey(aesKey);
    keyObjects.set(aesKey, object);
  }
  return object;
}

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PAD_BLOCK = 32;

/** Derive the 32-byte AES key from a 43-character EncodingAESKey. @throws CallbackCryptoError('aes-key') */
export function aesKeyFromEncodingAESKey(encodingAESKey: string): Buffer {
  if (!ENCODING_AES_KEY.test(encodingAESKey)) {
    throw new CallbackCryptoError('aes-key', 'EncodingAESKey must be exactly 43 characters [A-Za-z0-9]');
  }
  const key = Buffer.from(encodingAESKey + '=', 'base64');
  if (key.length !== 32) throw new CallbackCryptoError('aes-key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

/** sha1 hex of the lexicographically sorted, concatenated parts (plain signature and msg_signature). */
export function sortedSha1(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Plain OA signature: sha1(sort([token, timestamp, nonce])). */
export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return sortedSha1([token, timestamp, nonce]);
}

/** Message signature: sha1(sort([token, timestamp, nonce, encrypt])). */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sortedSha1([token, timestamp, nonce, encrypt]);
}

/**
 * Constant-time comparison of two hex signatures (false on any length or charset mismatch).
 * Case-sensitive on purpose: Tencent and every sample SDK emit lowercase hex and compare
 * verbatim, and accepting `ABCD…` would give one signature up to 2^40 spellings, each a fresh
 * key for a replay cache that records the signature as sent.
 */
export function signaturesEqual(expectedHex: string, givenHex: string): boolean {
  const a = Buffer.from(expectedHex, 'utf8');
  const b = Buffer.from(givenHex, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // keep timing independent of where the mismatch is
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Encrypt `message` for `receiveId` (AppID / CorpID). `random` is injectable for deterministic vectors. */
export function encryptMessage(aesKey: Buffer, message: string, receiveId: string, random: Buffer = randomBytes(16)): string {
  if (random.length !== 16) throw new RangeError('random must be 16 bytes');
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([random, len, msg, Buffer.from(receiveId, 'utf8')]);
  const pad = PAD_BLOCK - (body.length % PAD_BLOCK);
  const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', keyObject(aesKey), aesKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** The three parts of a decrypted WXBizMsgCrypt plaintext. */
export interface DecryptedMessage {
  message: string;
  receiveId: string;
  random: Buffer;
}

/**
 * Decrypt an `<Encrypt>` value. Strict: rejects bad base64, a length that is
 * not a multiple of 32, bad PKCS#7 padding and an inconsistent msg_len.
 * Does not check the receive id; see `decryptFor`.
 * @throws CallbackCryptoError
 */
export function decryptMessage(aesKey: Buffer, encrypt: string): DecryptedMessage {
  if (!BASE64.test(encrypt) || encrypt.length % 4 !== 0) throw new CallbackCryptoError('base64', 'Encrypt is not valid base64');
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % PAD_BLOCK !== 0) {
    throw new CallbackCryptoError('buffer', 'ciphertext length is not a positive multiple of 32');
  }
  const decipher = createDecipheriv('aes-256-cbc', keyObject(aesKey), aesKey.subarray(0, 16));
  decipher.setAutoPadding(false);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new CallbackCryptoError('decrypt', 'AES decryption failed');
  }
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) throw new CallbackCryptoError('buffer', 'bad padding');
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new CallbackCryptoError('buffer', 'bad padding');
  }
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) throw new CallbackCryptoError('buffer', 'plaintext shorter than its header');
  const msgLen = body.readUInt32BE(16);
  if (20 + msgLen > body.length) throw new CallbackCryptoError('buffer', 'msg_len exceeds the plaintext');
  return {
    random: Buffer.from(body.subarray(0, 16)),
    message: strictUtf8(body.subarray(20, 20 + msgLen)),
    receiveId: body.subarray(20 + msgLen).toString('utf8'),
  };
}

/** Decrypt and check the trailing receive id (AppID for OA, CorpID for WeCom). @throws CallbackCryptoError */
export function decryptFor(aesKey: Buffer, encrypt: string, expectedReceiveId: string): DecryptedMessage {
  const out = decryptMessage(aesKey, encrypt);
  const a = Buffer.from(out.receiveId, 'utf8');
  const b = Buffer.from(expectedReceiveId, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new CallbackCryptoError('receive-id', 'receive id in the ciphertext does not match the account');
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decode UTF-8, refusing invalid bytes: a replacement character would archive something Tencent never sent. */
function strictUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new CallbackCryptoError('encoding', 'decrypted message is not valid UTF-8');
  }
}
