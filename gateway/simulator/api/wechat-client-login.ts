/**
 * Simulator-only routes that play the WeChat client's part (wechat-client.ts):
 *
 *   GET /sim/wechat-client/login?appid=…&openid=…&next=<url>   be this user, then go to `next`
 *   GET /sim/wechat-client/login?appid=…&new=1&next=<url>      be someone new to the account
 *   GET /sim/wechat-client/logout?next=<url>                   nobody (the authorize page shows the picker)
 *
 * `next` is an absolute http(s) URL or a path on the simulator; without it the
 * answer is a short page naming the user. Bad input is HTTP 400.
 */
import type Koa from 'koa';
import { OPENID_PATTERN } from '../accounts';
import { WECHAT_USER_COOKIE, wechatUserCookieValue } from '../wechat-client';
import { queryParam } from './json-io';
import { escapeHtml, wechatPage, type OauthDeps } from './oauth-common';

export const WECHAT_CLIENT_LOGIN_PATH = '/sim/wechat-client/login';
export const WECHAT_CLIENT_LOGOUT_PATH = '/sim/wechat-client/logout';

const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', overwrite: true } as const;

/** The login route's middleware. */
export function wechatClientLoginEndpoint(deps: OauthDeps): Koa.Middleware {
  return (ctx) => {
    const appId = queryParam(ctx, 'appid');
    const account = appId ? deps.findAccount(appId) : undefined;
    if (!account) return badRequest(ctx, 'appid names no simulated account');
    ctx.state.appId = account.appId;
    const next = readNext(ctx);
    if (next === null) return badRequest(ctx, 'next must be an absolute http(s) URL or a path starting with /');
    let openid = queryParam(ctx, 'openid');
    if (openid === undefined && queryParam(ctx, 'new') === '1') openid = deps.newOpenid(account.appId);
    if (openid === undefined || !OPENID_PATTERN.test(openid)) return badRequest(ctx, 'openid must be o + 27 base64url characters (or pass new=1)');
    ctx.cookies.set(WECHAT_USER_COOKIE, wechatUserCookieValue({ appId: account.appId, openid }), COOKIE_OPTIONS);
    if (next === undefined) return wechatPage(ctx, 200, '微信用户', `<p class="sim-user" data-openid="${escapeHtml(openid)}">Simulated WeChat user ${escapeHtml(openid)} of ${escapeHtml(account.appId)}</p>`);
    ctx.redirect(next);
  };
}

/** The logout route's middleware. */
export function wechatClientLogoutEndpoint(): Koa.Middleware {
  return (ctx) => {
    const next = readNext(ctx);
    if (next === null) return badRequest(ctx, 'next must be an absolute http(s) URL or a path starting with /');
    ctx.cookies.set(WECHAT_USER_COOKIE, null, COOKIE_OPTIONS);
    if (next === undefined) return wechatPage(ctx, 200, '微信用户', '<p class="sim-user">No simulated WeChat user</p>');
    ctx.redirect(next);
  };
}

/** `next`: undefined when absent, null when unusable. */
function readNext(ctx: Koa.Context): string | null | undefined {
  const next = queryParam(ctx, 'next');
  if (next === undefined || next === '') return undefined;
  if (next.startsWith('/') && !next.startsWith('//') && !next.includes('\\')) return next;
  try {
    const url = new URL(next);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function badRequest(ctx: Koa.Context, why: string): void {
  wechatPage(ctx, 400, '微信用户', `<p class="sim-error">${escapeHtml(why)}</p>`);
}
