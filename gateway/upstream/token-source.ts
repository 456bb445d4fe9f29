/**
 * Where a token comes from: the OA stable_token endpoint for an AppID, or
 * WeCom gettoken for one (corp, app secret). The token manager only sees this
 * interface; the secrets stay inside the closures.
 */
import { fetchStableToken } from '../../connectors/wechat/api/stable-token';
import type { TencentApiClient } from '../../connectors/wechat/api/tencent-api-client';
import type { TencentProduct } from '../../connectors/wechat/api/tencent-api-error';
import type { FetchedToken } from '../../connectors/wechat/api/token-response';
import { fetchWecomToken } from '../../connectors/wecom/api/get-token';

export type { FetchedToken } from '../../connectors/wechat/api/token-response';

/** Fetches one account's token from Tencent. */
export interface TokenSource {
  readonly product: TencentProduct;
  /** Whether a forced refresh exists (OA stable_token force mode); WeCom has none. */
  readonly canForce: boolean;
  /** The API client calls with this token go through. */
  readonly client: TencentApiClient;
  /** @throws TencentApiError */
  fetch(force: boolean): Promise<FetchedToken>;
}

/** stable_token for an Official Account. */
export function oaTokenSource(client: TencentApiClient, credentials: { appId: string; appSecret: string }): TokenSource {
  return { product: 'oa', canForce: true, client, fetch: (force) => fetchStableToken(client, credentials, force) };
}

/** gettoken for one WeCom app secret (force is ignored: WeCom has no forced refresh). */
export function wecomTokenSource(client: TencentApiClient, credentials: { corpId: string; corpSecret: string }): TokenSource {
  return { product: 'wecom', canForce: false, client, fetch: () => fetchWecomToken(client, credentials) };
}
