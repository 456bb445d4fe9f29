/**
 * Tencent's OA error bodies: HTTP 200, `{errcode, errmsg}`, errmsg being a
 * stable prefix (limits-and-errors.md §3.1) plus a trace suffix
 * ` rid: xxxxxxxx-xxxxxxxx-xxxxxxxx` that differs on every call, so nothing
 * downstream can get away with comparing errmsg for equality.
 */
import type { Clock } from './clock';
import { cryptoRng, randomHex, type Rng } from './random';

/** errmsg prefixes as Tencent sends them. */
export const OA_ERRMSG = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40008: 'invalid message type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40032: 'invalid openid list size',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41001: 'access_token missing',
  41002: 'appid missing',
  41003: 'refresh_token missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  41006: 'media_id missing',
  41008: 'missing code',
  41009: 'missing openid',
  42001: 'access_token expired',
  42002: 'refresh_token expired',
  42003: 'code expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  44001: 'empty media data',
  44002: 'empty post data',
  44003: 'empty news data',
  44004: 'empty content',
  45001: 'media size out of limit',
  45002: 'content size out of limit',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
  45065: 'clientmsgid exist',
  45066: 'same clientmsgid retry too fast',
  45067: 'clientmsgid size out of limit',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
} as const satisfies Record<number, string>;

export type OaErrcode = keyof typeof OA_ERRMSG | 40164;

export interface TencentErrorBody {
  errcode: number;
  errmsg: string;
}

/**
 * Tencent's rid: the first group is the hex unix time (e.g. 630ecbee is
 * August 2022), the other two are opaque.
 */
export function tencentRid(clock: Clock, rng: Rng = cryptoRng): string {
  const seconds = Math.floor(clock.now() / 1000).toString(16).padStart(8, '0');
  return `${seconds}-${randomHex(rng, 8)}-${randomHex(rng, 8)}`;
}

/** The body for `errcode`; `message` replaces the table's prefix where it depends on the call (40164 names the IP). */
export function oaErrorBody(errcode: OaErrcode, clock: Clock, options: { message?: string; rng?: Rng } = {}): TencentErrorBody {
  const prefix = options.message ?? (errcode === 40164 ? 'invalid ip, not in whitelist' : OA_ERRMSG[errcode]);
  return { errcode, errmsg: `${prefix} rid: ${tencentRid(clock, options.rng)}` };
}

/** The body for any errcode (a fault may inject one the table lacks: its text is then the generic one). */
export function anyOaErrorBody(errcode: number, clock: Clock, rng?: Rng): TencentErrorBody {
  const known = (OA_ERRMSG as Record<number, string>)[errcode];
  return oaErrorBody(errcode as OaErrcode, clock, { ...(known === undefined && errcode !== 40164 ? { message: 'system error' } : {}), ...(rng ? { rng } : {}) });
}

/** 40164's message names the caller the way Tencent prints it (IPv4 plus its IPv6-mapped form). */
export function ipNotWhitelistedMessage(ip: string): string {
  return `invalid ip ${ip} ipv6 ::ffff:${ip}, not in whitelist`;
}
