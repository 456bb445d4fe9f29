/**
 * Reading the query string of an OA push or handshake. Values are checked for
 * form only here; signatures are verified by the caller. A repeated parameter
 * is refused rather than resolved, because which copy a framework picks
 * differs between frameworks (parameter pollution).
 */
import { CallbackError } from './errors';

/** A parsed query string as Koa and node:querystring produce it. */
export type QueryParams = Readonly<Record<string, string | string[] | undefined>>;

const TIMESTAMP = /^[0-9]{1,12}$/;
// Tencent's nonces are digits; allow any printable ASCII but bound the length,
// since the nonce becomes part of the replay-cache key.
const NONCE = /^[\x21-\x7e]{1,128}$/;

/**
 * One query parameter; `undefined` when absent or empty.
 * @throws CallbackError('bad-param') when it is repeated
 */
export function optionalParam(query: QueryParams, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new CallbackError('bad-param', `query parameter ${name} is repeated`);
  return value === undefined || value === '' ? undefined : value;
}

/**
 * One required query parameter.
 * @throws CallbackError('missing-param' | 'bad-param')
 */
export function requiredParam(query: QueryParams, name: string): string {
  const value = optionalParam(query, name);
  if (value === undefined) throw new CallbackError('missing-param', `query parameter ${name} is missing`);
  return value;
}

/**
 * The signed trio every OA push and handshake carries.
 * @throws CallbackError('missing-param' | 'bad-param')
 */
export function readSignedParams(query: QueryParams): { signature: string; timestamp: string; nonce: string } {
  const signature = requiredParam(query, 'signature');
  const timestamp = requiredParam(query, 'timestamp');
  const nonce = requiredParam(query, 'nonce');
  if (!TIMESTAMP.test(timestamp)) throw new CallbackError('bad-param', 'query parameter timestamp is not unix seconds');
  if (!NONCE.test(nonce)) throw new CallbackError('bad-param', 'query parameter nonce is not 1-128 printable ASCII characters');
  return { signature, timestamp, nonce };
}

/**
 * Refuse a timestamp further than `maxSkewSeconds` from `nowSeconds` (unix seconds), in either direction.
 * @throws CallbackError('stale-timestamp')
 */
export function checkTimestamp(timestamp: string, nowSeconds: number, maxSkewSeconds: number): void {
  if (!Number.isFinite(nowSeconds)) throw new RangeError('now must be unix seconds');
  if (!Number.isFinite(maxSkewSeconds) || maxSkewSeconds < 0) throw new RangeError('maxSkewSeconds must be a non-negative number');
  const skew = Math.abs(nowSeconds - Number(timestamp));
  if (!(skew <= maxSkewSeconds)) throw new CallbackError('stale-timestamp', `timestamp is more than ${maxSkewSeconds} s away from the gateway clock`);
}
