/**
 * `GET /connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&state`
 * (wechat-oa.md §10 step 1–2; open.weixin.qq.com in production). Checks the
 * request, works out who the WeChat user is (wechat-client.ts), and sends the
 * browser to `redirect_uri?code=CODE&state=STATE` with a fresh single-use code.
 *
 * Both scopes redirect at once; for snsapi_userinfo the consent sheet counts
 * as shown and accepted. Non-followers get a code too, as on Tencent: the
 * openid is the account's for that person, and the account knows it from then
 * on (APIs answer it as a non-follower, not as a stranger). Without a user the
 * page is a picker of the account's followers (demo mode's "whose phone is this").
 */
import type Koa from 'koa';
import type { SimulatedAccount } from '../accounts';
import type { OauthScope } from '../state/oauth-grants';
import { readWechatUserCookie, WECHAT_USER_COOKIE } from '../wechat-client';
import { queryParam } from './json-io';
import { authorizeErrorPage, escapeHtml, OAUTH_SCOPES, OAUTH_STATE_PATTERN, wechatPage, type AuthorizeRefusal, type OauthDeps } from './oauth-common';
import { WECHAT_CLIENT_LOGIN_PATH } from './wechat-client-login';

export const AUTHORIZE_PATH = '/connect/oauth2/authorize';

interface AuthorizeRequest {
  account: SimulatedAccount;
  redirectUri: URL;
  scope: OauthScope;
  state: string;
}

/** The endpoint's middleware. */
export function authorizeEndpoint(deps: OauthDeps): Koa.Middleware {
  return (ctx) => {
    const checked = checkRequest(ctx, deps);
    if ('refusal' in checked) return authorizeErrorPage(ctx, checked.refusal);
    const { account, redirectUri, scope, state } = checked;
    const openid = currentOpenid(ctx, deps, account.appId);
    if (openid === undefined) return pickerPage(ctx, deps, account);

    deps.followers.know(account.appId, openid);
    const code = deps.grants.issueCode({ appId: account.appId, openid, scope });
    deps.authorizations.push({ appId: account.appId, openid, scope, state, redirectUri: redirectUri.toString(), code, consentShown: scope === 'snsapi_userinfo', at: deps.clock.now() });
    // Appended by hand: URLSearchParams would re-encode the rest of the caller's query.
    const target = new URL(redirectUri);
    target.search = `${target.search ? `${target.search}&` : '?'}code=${code}&state=${state}`;
    ctx.status = 302;
    ctx.set('Location', target.toString());
    ctx.set('Cache-Control', 'no-store');
    ctx.body = '';
  };
}

function checkRequest(ctx: Koa.Context, deps: OauthDeps): AuthorizeRequest | { refusal: AuthorizeRefusal } {
  const appId = queryParam(ctx, 'appid');
  const account = appId ? deps.findAccount(appId) : undefined;
  if (!account) return { refusal: 'appid' };
  ctx.state.appId = account.appId;
  const redirectUri = parseHttpUrl(queryParam(ctx, 'redirect_uri'));
  if (!redirectUri) return { refusal: 'redirect_uri' };
  if (account.oauthDomains && !account.oauthDomains.some((domain) => domainMatches(domain, redirectUri))) return { refusal: 'redirect_uri_domain' };
  if (queryParam(ctx, 'response_type') !== 'code') return { refusal: 'response_type' };
  const scope = queryParam(ctx, 'scope');
  if (!OAUTH_SCOPES.includes(scope as OauthScope)) return { refusal: 'scope' };
  const state = queryParam(ctx, 'state') ?? '';
  if (!OAUTH_STATE_PATTERN.test(state)) return { refusal: 'state' };
  return { account, redirectUri, scope: scope as OauthScope, state };
}

/** An absolute http(s) URL without credentials, or undefined. */
export function parseHttpUrl(text: string | undefined): URL | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** The authorised domain is the full host name (no subdomains); with a port it pins the port too. */
function domainMatches(domain: string, url: URL): boolean {
  return domain.includes(':') ? url.host.toLowerCase() === domain.toLowerCase() : url.hostname.toLowerCase() === domain.toLowerCase();
}

/** The cookie's user as `appId` knows them: the same person's openid there (minted on first visit). */
function currentOpenid(ctx: Koa.Context, deps: OauthDeps, appId: string): string | undefined {
  const user = readWechatUserCookie(ctx.cookies.get(WECHAT_USER_COOKIE));
  if (!user || !deps.findAccount(user.appId)) return undefined;
  if (user.appId === appId) return user.openid;
  return deps.people.samePerson(user.appId, user.openid, appId, () => deps.newOpenid(appId));
}

function pickerPage(ctx: Koa.Context, deps: OauthDeps, account: SimulatedAccount): void {
  const next = ctx.originalUrl;
  const login = (params: Record<string, string>): string => `${WECHAT_CLIENT_LOGIN_PATH}?${new URLSearchParams({ appid: account.appId, ...params, next })}`;
  const followers = deps.followers.list(account.appId);
  const items = followers.map((f) => `<li><a href="${escapeHtml(login({ openid: f.openid }))}">${escapeHtml(f.openid)}</a></li>`).join('\n');
  wechatPage(
    ctx,
    200,
    '选择微信用户',
    `<div class="sim-picker" data-appid="${escapeHtml(account.appId)}"><h2>Simulated WeChat: who is using this phone?</h2>
<p>Followers of ${escapeHtml(account.appId)} (${followers.length}):</p>
<ul>
${items}
</ul>
<p><a class="sim-new-user" href="${escapeHtml(login({ new: '1' }))}">A WeChat user who does not follow the account</a></p></div>`,
  );
}
