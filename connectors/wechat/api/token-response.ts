/** Reads `{access_token, expires_in}` out of a token endpoint's answer (OA /token, stable_token, WeCom gettoken). */
import type { TencentResult } from './read-outcome';
import { TencentApiError, type TencentProduct } from './tencent-api-error';

/** An access token as Tencent issued it. */
export interface FetchedToken {
  accessToken: string;
  /** Seconds of life Tencent reported. */
  expiresInSeconds: number;
}

/** The token in `result`. @throws TencentApiError (the call's, or `bad-response` when the answer lacks a token) */
export function tokenFromResult(result: TencentResult, product: TencentProduct, endpoint: string): FetchedToken {
  if (!result.ok) throw result.error;
  const { access_token: accessToken, expires_in: expiresIn } = result.body;
  const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
  if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > 2048 || typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new TencentApiError({ kind: 'bad-response', product, operation: 'token', endpoint, retry: 'backoff', delivered: 'no', scope: 'account', detail: `${endpoint}: answer has no usable access_token/expires_in` });
  }
  return { accessToken, expiresInSeconds: seconds };
}
