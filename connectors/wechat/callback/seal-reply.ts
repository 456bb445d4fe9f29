/**
 * What the gateway puts in the HTTP response to Tencent's push: the passive
 * reply in plain mode, the encrypted envelope of callback-crypto.md §6.2 in
 * compatible and safe mode (Tencent accepts either in compatible mode; always
 * encrypting keeps the reply's content off the wire).
 */
import { encryptMessage, msgSignature } from './crypto';
import type { CallbackMode } from './envelope';
import { buildXml } from './xml-build';

/** The body that acknowledges a push without replying (Tencent also accepts an empty body). */
export const NO_REPLY_BODY = 'success';

/** Inputs of sealReply; `random` (16 bytes) only for deterministic tests. */
export interface SealReplyInput {
  mode: CallbackMode;
  token: string;
  /** 32-byte key of the account's EncodingAESKey; required unless plain. */
  aesKey?: Buffer;
  /** The account's AppID: the receive id inside the ciphertext. */
  appId: string;
  /** The validated reply XML (AppReply.xml). */
  replyXml: string;
  /** Unix seconds as digits; may be the push's own timestamp. */
  timestamp: string;
  nonce: string;
  random?: Buffer;
}

/**
 * The response body for Tencent carrying `replyXml` in the account's mode.
 * @throws TypeError on a programming error (empty reply, missing key, malformed timestamp or nonce)
 */
export function sealReply(input: SealReplyInput): string {
  const { mode, replyXml } = input;
  if (replyXml === '' || replyXml === NO_REPLY_BODY) throw new TypeError('sealReply needs a reply; answer NO_REPLY_BODY instead');
  if (mode === 'plain') return replyXml;
  if (input.aesKey === undefined) throw new TypeError(`aesKey is required in ${mode} mode`);
  if (!/^[0-9]{1,13}$/.test(input.timestamp)) throw new TypeError('timestamp must be digits');
  if (!/^[\x21-\x7e]{1,128}$/.test(input.nonce)) throw new TypeError('nonce must be 1-128 printable ASCII characters');
  const encrypt = encryptMessage(input.aesKey, replyXml, input.appId, input.random);
  return buildXml({
    Encrypt: encrypt,
    MsgSignature: msgSignature(input.token, input.timestamp, input.nonce, encrypt),
    TimeStamp: input.timestamp,
    Nonce: input.nonce,
  });
}
