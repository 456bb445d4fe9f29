/**
 * Calls a Tencent API with the account's real access token: inject the token,
 * call, and on 40001/40014/42001 refresh the token once (see
 * UpstreamTokens.invalidate) and retry exactly once. Never loops: if the
 * retry fails too, or no different token could be had, that answer is the
 * result — an error still marked `refresh-token` then means "already
 * refreshed and retried: back off".
 */
import type { TencentRequest } from '../../connectors/wechat/api/tencent-api-client';
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';
import type { TencentResult } from '../../connectors/wechat/api/read-outcome';
import { emit, type UpstreamHooks } from './hooks';
import type { TokenSource } from './token-source';
import { UpstreamTokenUnavailableError } from './upstream-errors';
import type { UpstreamTokens } from './upstream-tokens';

/** Why a call did not succeed: Tencent's (or the network's) answer, or no token could be had. */
export type UpstreamFailure = TencentApiError | UpstreamTokenUnavailableError;

/** Tencent's JSON body, or the classified failure (`retry`, `delivered`, `scope` on both error types). */
export type CallResult = { ok: true; body: Record<string, unknown> } | { ok: false; error: UpstreamFailure };

function withToken(request: TencentRequest, accessToken: string): TencentRequest {
  return { ...request, query: { ...request.query, access_token: accessToken } };
}

function isClassified(err: unknown): err is UpstreamFailure {
  return err instanceof TencentApiError || err instanceof UpstreamTokenUnavailableError;
}

export class TencentCaller {
  constructor(private readonly tokens: UpstreamTokens, private readonly hooks: UpstreamHooks = {}) {}

  /**
   * Call `request` as the account of `tokenKey`.
   * @throws RangeError when the request already carries an access_token (a programming error); database errors from the token store
   */
  async callTencent(tokenKey: string, request: TencentRequest): Promise<CallResult> {
    if (request.query && Object.keys(request.query).some((name) => name.toLowerCase() === 'access_token')) {
      throw new RangeError('callTencent injects the access_token itself; do not pass one');
    }
    let source: TokenSource;
    let token: string;
    try {
      source = this.tokens.sourceOf(tokenKey);
      token = await this.tokens.get(tokenKey);
    } catch (err) {
      if (isClassified(err)) return { ok: false, error: err };
      throw err;
    }
    const first = await this.call(tokenKey, source, request, token);
    if (first.ok || first.error.retry !== 'refresh-token') return first;
    let fresh: string;
    try {
      fresh = await this.tokens.invalidate(tokenKey, token);
    } catch (err) {
      if (isClassified(err)) return { ok: false, error: err };
      throw err;
    }
    // The same token again would only be rejected again (a forced refresh was not allowed yet).
    if (fresh === token) return first;
    return this.call(tokenKey, source, request, fresh);
  }

  private async call(tokenKey: string, source: TokenSource, request: TencentRequest, token: string): Promise<TencentResult> {
    const result = await source.client.call(withToken(request, token), { sensitive: [token] });
    if (!result.ok) emit(this.hooks.onApiError, { tokenKey, product: source.product, endpoint: result.error.endpoint, label: result.error.label, retry: result.error.retry });
    return result;
  }
}
