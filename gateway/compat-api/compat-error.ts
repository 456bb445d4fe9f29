/**
 * The Tencent-compatible API's one error type: Tencent's `{errcode, errmsg}`
 * on HTTP 200 with application/json, which every SDK understands. Mapped to
 * the wire in compat-error-middleware.ts, nowhere else.
 */
import { randomUUID } from 'node:crypto';

/** errmsg texts as Tencent spells them (limits-and-errors.md), so SDK logs read the same. */
export const TENCENT_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40008: 'invalid message type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  44001: 'empty media data',
  44002: 'empty post data',
  45001: 'media size out of limit',
  47001: 'data format error',
  48001: 'api unauthorized',
};

export class CompatError extends Error {
  readonly errorId = randomUUID();

  /** `detail` is appended to Tencent's errmsg; it must be safe to show the app (no tokens, no message text). */
  constructor(readonly errcode: number, readonly detail?: string, cause?: unknown) {
    super(`${TENCENT_ERRMSG[errcode] ?? 'error'}${detail ? `: ${detail}` : ''}`, cause === undefined ? undefined : { cause });
    this.name = 'CompatError';
  }

  /** The errmsg the app sees: Tencent's text, the safe detail, and an id the gateway's log line carries too. */
  get errmsg(): string {
    return `${this.message} cgw_error_id: ${this.errorId}`;
  }
}
