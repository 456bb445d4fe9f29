/**
 * The browser's and the account server's side of OA web authorization
 * against a harness: open the authorize URL (redirects not followed, cookies
 * sent by hand) and exchange codes on the sns endpoints.
 */
import type { ApiHarness, Json } from './api-harness';
import { tencentJson } from './api-harness';

export const AUTHORIZE = '/connect/oauth2/authorize';
export const REDIRECT_URI = 'https://bank.example/oauth/back?from=menu';

/** Authorize parameters for the harness account; `undefined` in `overrides` drops one. */
export function authorizeParams(h: ApiHarness, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = { appid: h.account.appId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'snsapi_base', state: 'st4te', ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
}

/** GET the authorize page as a browser holding `cookie` would, without following the redirect. */
export function openAuthorize(h: ApiHarness, params: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${h.oaUrl}${AUTHORIZE}?${new URLSearchParams(params)}#wechat_redirect`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

/** Authorize as `openid` of `appId` and return the code from the redirect. */
export async function codeFor(h: ApiHarness, openid: string, scope: 'snsapi_base' | 'snsapi_userinfo' = 'snsapi_base', appId = h.account.appId): Promise<string> {
  const res = await openAuthorize(h, authorizeParams(h, { appid: appId, scope }), h.sim.wechatUserCookie(appId, openid));
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location') as string).searchParams.get('code');
  expect(code).toMatch(/^[A-Za-z0-9]{32}$/);
  return code as string;
}

/** `GET /sns/oauth2/access_token` with the account's secret unless overridden. */
export async function exchange(h: ApiHarness, code: string, overrides: Record<string, string | undefined> = {}): Promise<Json> {
  const account = h.sim.account(overrides.appid ?? h.account.appId);
  const merged: Record<string, string | undefined> = { appid: account.appId, secret: account.appSecret, code, grant_type: 'authorization_code', ...overrides };
  const query = new URLSearchParams(Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)));
  return tencentJson(await fetch(`${h.oaUrl}/sns/oauth2/access_token?${query}`));
}

/** GET an sns endpoint with `query`. */
export async function snsGet(h: ApiHarness, path: string, query: Record<string, string>): Promise<Json> {
  return tencentJson(await fetch(`${h.oaUrl}${path}?${new URLSearchParams(query)}`));
}
