/**
 * The one error type of the OA callback boundary (Tencent → gateway, and the
 * passive reply an internal app returns inside that callback), with the
 * one table that maps each code to an HTTP status. Every code is a 4xx: a push
 * that fails verification is the sender's problem, and a 5xx would only make
 * Tencent retry the same bad push. Messages are fixed text chosen here (plus
 * parameter or field *names*): never a body, a value from the request, or a secret.
 */
import { CallbackCryptoError } from './crypto';
import { XmlParseError, type XmlParseErrorCode } from './xml';

/** HTTP status for each callback error code. */
export const CALLBACK_ERROR_STATUS = {
  /** A required query parameter is absent (or repeated, which makes it ambiguous). */
  'missing-param': 400,
  /** A query parameter is present but not in its expected form (timestamp digits, encrypt_type=aes, …). */
  'bad-param': 400,
  /** The push's encryption does not match the account's configured mode. */
  'mode-mismatch': 400,
  /** The plain `signature` (token, timestamp, nonce) does not verify. */
  'bad-signature': 401,
  /** `msg_signature` over the Encrypt text does not verify. */
  'bad-msg-signature': 401,
  /** `timestamp` is outside the allowed window around `now`. */
  'stale-timestamp': 403,
  /** Encrypt is not standard base64. */
  'bad-base64': 400,
  /** Ciphertext length, PKCS#7 padding or msg_len is invalid (sample-library IllegalBuffer). */
  'bad-padding': 400,
  /** The ciphertext was made for another AppID (receive id). */
  'wrong-appid': 403,
  /** The body or the decrypted message is not well-formed XML of the accepted subset. */
  'malformed-xml': 400,
  /** The body, decrypted message or one text value exceeds its size limit. */
  oversized: 413,
  'xml-too-deep': 400,
  'xml-too-many-elements': 413,
  'xml-doctype': 400,
  'xml-entity': 400,
  /** The root element is not `<xml>`. */
  'xml-not-xml-root': 400,
  /** A mandatory element (ToUserName, FromUserName, CreateTime, MsgType, Encrypt, …) is missing or not text. */
  'missing-field': 400,
  /** A mandatory element has the wrong form (e.g. a non-integer CreateTime). */
  'bad-field': 400,
  /** A clear-text field of the envelope disagrees with the encrypted message: tampering. */
  'field-mismatch': 400,
  // An internal app's passive reply (reply.ts). The gateway answers Tencent
  // `success` instead of forwarding it; the status only says whose fault it is.
  /** MsgType is not one a passive reply may have. */
  'reply-unsupported-type': 400,
  /** ToUserName is not the follower who pushed, or FromUserName is not the account. */
  'reply-wrong-addressee': 400,
  /** The reply breaks a content rule (empty or over-long text, ArticleCount, missing MediaId, …). */
  'reply-invalid': 400,
} as const satisfies Record<string, 400 | 401 | 403 | 413>;

/** The closed set of callback error codes. */
export type CallbackErrorCode = keyof typeof CALLBACK_ERROR_STATUS;

/** A rejected push or handshake; `status` is the HTTP answer, `message` is safe to show and log. */
export class CallbackError extends Error {
  readonly status: 400 | 401 | 403 | 413;
  /** Marks the message as safe to expose (koa's convention). */
  readonly expose = true;

  constructor(readonly code: CallbackErrorCode, message: string) {
    super(message);
    this.name = 'CallbackError';
    this.status = CALLBACK_ERROR_STATUS[code];
  }
}

const XML_CODES: Record<XmlParseErrorCode, CallbackErrorCode> = {
  'too-large': 'oversized',
  'too-deep': 'xml-too-deep',
  'too-many-elements': 'xml-too-many-elements',
  doctype: 'xml-doctype',
  entity: 'xml-entity',
  malformed: 'malformed-xml',
  'not-xml-root': 'xml-not-xml-root',
};

/**
 * Translate parser and crypto errors into CallbackError; anything else (a bug,
 * or an invalid EncodingAESKey, which config validation should have caught) is rethrown.
 * @throws CallbackError, or `err` unchanged
 */
export function toCallbackError(err: unknown, where: string): never {
  if (err instanceof CallbackError) throw err;
  if (err instanceof XmlParseError) throw new CallbackError(XML_CODES[err.code], `${where}: ${err.message}`);
  if (err instanceof CallbackCryptoError) {
    switch (err.code) {
      case 'base64': throw new CallbackError('bad-base64', `${where}: ${err.message}`);
      case 'buffer':
      case 'decrypt': throw new CallbackError('bad-padding', `${where}: ${err.message}`);
      case 'receive-id': throw new CallbackError('wrong-appid', `${where}: ${err.message}`);
      case 'encoding': throw new CallbackError('malformed-xml', `${where}: ${err.message}`);
      case 'signature': throw new CallbackError('bad-msg-signature', `${where}: ${err.message}`);
      case 'aes-key': break;
    }
  }
  throw err;
}
