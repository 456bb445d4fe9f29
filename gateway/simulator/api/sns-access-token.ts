/**
 * The web-token endpoints (wechat-oa.md §10 steps 3–4), HTTP 200 JSON like
 * every OA API; success bodies carry no errcode (as `/cgi-bin/token`).
 *
 *   GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code
 *     41002 / 41004 / 41008 missing appid / secret / code, 40002 grant_type,
 *     40013 unknown appid, 40125 secret not 32 hex, 40001 wrong secret,
 *     45011 over 50,000 per minute, 40029 / 40163 / 42003 code unknown / used / expired.
 *   GET /sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token
 *     41002, 41003 missing refresh_token, 40002, 40013, 40030 unknown, 42002 expired.
 */
import type Koa from 'koa';
import { APP_SECRET_PATTERN } from '../accounts';
import { sendTencentJson } from '../token-server';
import type { WebTokenGrant } from '../state/oauth-grants';
import { queryParam } from './json-io';
import { sendSnsError, type OauthDeps } from './oauth-common';

export const SNS_ACCESS_TOKEN_PATH = '/sns/oauth2/access_token';
export const SNS_REFRESH_TOKEN_PATH = '/sns/oauth2/refresh_token';

/** `sns/oauth2/access_token`'s middleware. */
export function snsAccessTokenEndpoint(deps: OauthDeps): Koa.Middleware {
  return (ctx) => {
    if (ctx.method !== 'GET') return sendSnsError(ctx, deps, 43001);
    const appId = queryParam(ctx, 'appid');
    const secret = queryParam(ctx, 'secret');
    const code = queryParam(ctx, 'code');
    if (!appId) return sendSnsError(ctx, deps, 41002);
    if (!secret) return sendSnsError(ctx, deps, 41004);
    if (!code) return sendSnsError(ctx, deps, 41008);
    if (queryParam(ctx, 'grant_type') !== 'authorization_code') return sendSnsError(ctx, deps, 40002);
    const account = deps.findAccount(appId);
    if (!account) return sendSnsError(ctx, deps, 40013);
    ctx.state.appId = account.appId;
    // As /cgi-bin/token: a secret that cannot be an AppSecret is 40125, a well-formed wrong one 40001.
    if (!APP_SECRET_PATTERN.test(secret)) return sendSnsError(ctx, deps, 40125);
    if (secret !== account.appSecret) return sendSnsError(ctx, deps, 40001);
    const minute = Math.floor(deps.clock.now() / 60_000);
    if (!deps.counter.take(`oa:${account.appId}:sns-access-token`, minute, deps.grants.limits.accessTokenPerMinute)) return sendSnsError(ctx, deps, 45011);
    const redeemed = deps.grants.redeemCode(account.appId, code);
    if (!redeemed.ok) return sendSnsError(ctx, deps, redeemed.errcode);
    sendTencentJson(ctx, grantBody(deps, deps.grants.grant(redeemed.subject)));
  };
}

/** `sns/oauth2/refresh_token`'s middleware. */
export function snsRefreshTokenEndpoint(deps: OauthDeps): Koa.Middleware {
  return (ctx) => {
    if (ctx.method !== 'GET') return sendSnsError(ctx, deps, 43001);
    const appId = queryParam(ctx, 'appid');
    const refreshToken = queryParam(ctx, 'refresh_token');
    if (!appId) return sendSnsError(ctx, deps, 41002);
    if (!refreshToken) return sendSnsError(ctx, deps, 41003);
    if (queryParam(ctx, 'grant_type') !== 'refresh_token') return sendSnsError(ctx, deps, 40002);
    const account = deps.findAccount(appId);
    if (!account) return sendSnsError(ctx, deps, 40013);
    ctx.state.appId = account.appId;
    const grant = deps.grants.refresh(account.appId, refreshToken);
    if (typeof grant === 'number') return sendSnsError(ctx, deps, grant);
    sendTencentJson(ctx, grantBody(deps, grant));
  };
}

/** The token answer: unionid when the account is bound to the Open Platform, is_snapshotuser only for snapshot users. */
function grantBody(deps: OauthDeps, grant: WebTokenGrant): Record<string, unknown> {
  const snapshot = deps.people.isSnapshot(grant.appId, grant.openid);
  const unionid = unionidFor(deps, grant.appId, grant.openid);
  return {
    access_token: grant.accessToken,
    expires_in: grant.expiresIn,
    refresh_token: grant.refreshToken,
    openid: grant.openid,
    scope: grant.scope,
    ...(unionid !== undefined ? { unionid } : {}),
    ...(snapshot ? { is_snapshotuser: 1 } : {}),
  };
}

/** The unionid Tencent discloses for the user at this account, if any (none for snapshot users or unbound accounts). */
export function unionidFor(deps: OauthDeps, appId: string, openid: string): string | undefined {
  if (deps.people.isSnapshot(appId, openid)) return undefined;
  if (deps.findAccount(appId)?.openPlatformBound === false) return undefined;
  return deps.people.unionidOf(appId, openid);
}
