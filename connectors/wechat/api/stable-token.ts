/**
 * OA access tokens from `POST /cgi-bin/stable_token` (wechat-oa.md §2.2):
 * normal mode returns the current token until its last 5 minutes; force mode
 * (≤ 20/day, ≥ 30 s apart — the caller enforces that) replaces it. Unlike
 * `/cgi-bin/token`, a normal-mode call never invalidates the token other
 * callers hold, which is why the gateway uses this endpoint.
 */
import type { TencentApiClient } from './tencent-api-client';
import { tokenFromResult, type FetchedToken } from './token-response';

const PATH = '/cgi-bin/stable_token';

/** Fetch the account's stable access token. @throws TencentApiError (40125/40001 wrong secret, 40164 IP whitelist, 45009 quota, transport…) */
export async function fetchStableToken(client: TencentApiClient, credentials: { appId: string; appSecret: string }, forceRefresh = false): Promise<FetchedToken> {
  const body = { grant_type: 'client_credential', appid: credentials.appId, secret: credentials.appSecret, force_refresh: forceRefresh };
  const result = await client.postJson(PATH, {}, body, { operation: 'token', sensitive: [credentials.appSecret] });
  return tokenFromResult(result, 'oa', `POST ${PATH}`);
}
