/** Callbacks the composition root wires to metrics (prom-client); all optional, all synchronous, never given a token. */
import type { TencentProduct } from '../../connectors/wechat/api/tencent-api-error';

/** Why a refresh happened. */
export type RefreshReason = 'missing' | 'expired' | 'due' | 'invalidated';

/** One token fetch from Tencent. */
export interface TokenRefreshEvent {
  tokenKey: string;
  product: TencentProduct;
  mode: 'normal' | 'force';
  reason: RefreshReason;
  /** `new`: a different token; `same`: Tencent handed back the one we had; `error`: see label. */
  outcome: 'new' | 'same' | 'error';
  /** errcode or failure kind when outcome is `error`. */
  label?: string;
}

/** One failed API call (token fetches are reported as refresh errors instead). */
export interface ApiErrorEvent {
  tokenKey: string;
  product: TencentProduct;
  /** `METHOD /path`. */
  endpoint: string;
  /** errcode (`40001`), `http-502`, `timeout`, `connection`, `bad-response`, … */
  label: string;
  retry: 'refresh-token' | 'backoff' | 'never';
}

export interface UpstreamHooks {
  onTokenRefresh?(event: TokenRefreshEvent): void;
  onApiError?(event: ApiErrorEvent): void;
}

/** Call a hook without letting a faulty metrics callback break a delivery. */
export function emit<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch {
    // metrics must never change the outcome of a call
  }
}
