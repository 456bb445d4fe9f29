/**
 * WeCom access tokens from `GET /cgi-bin/gettoken?corpid&corpsecret`
 * (wecom.md §2). Every app secret has its own token; repeated calls return
 * the same token while it is valid, so there is no forced refresh. The corp
 * secret travels in the query: the URL is never logged (see the client).
 */
import type { TencentApiClient } from '../../wechat/api/tencent-api-client';
import { tokenFromResult, type FetchedToken } from '../../wechat/api/token-response';

const PATH = '/cgi-bin/gettoken';

/** Fetch the token for one app secret of a corp. @throws TencentApiError (40001/40091 wrong secret, 40013 corpid, 60020 trusted IP, 45009 blocked…) */
export async function fetchWecomToken(client: TencentApiClient, credentials: { corpId: string; corpSecret: string }): Promise<FetchedToken> {
  const result = await client.get(PATH, { corpid: credentials.corpId, corpsecret: credentials.corpSecret }, { operation: 'token', sensitive: [credentials.corpSecret] });
  return tokenFromResult(result, 'wecom', `GET ${PATH}`);
}
