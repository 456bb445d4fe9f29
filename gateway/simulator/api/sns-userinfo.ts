/**
 * What a web token is good for (wechat-oa.md §10 steps 5–6):
 *
 *   GET /sns/auth?access_token&openid       → {"errcode":0,"errmsg":"ok"}
 *   GET /sns/userinfo?access_token&openid&lang → openid, nickname, sex, province,
 *     city, country, headimgurl, privilege[], unionid (when bound)
 *
 * Token checks: 41001 missing, 40001 not a live web token (a base
 * access_token is not one), 42001 expired; then 41009 no openid, 40003 an
 * openid the token was not issued for; userinfo needs snsapi_userinfo (48001).
 * Since late 2021 Tencent answers placeholders for the profile: nickname
 * 微信用户, the grey default avatar, sex 0, empty places.
 */
import type Koa from 'koa';
import { sendTencentJson } from '../token-server';
import type { OauthSubject } from '../state/oauth-grants';
import { queryParam } from './json-io';
import { sendSnsError, type OauthDeps } from './oauth-common';
import { unionidFor } from './sns-access-token';

export const SNS_AUTH_PATH = '/sns/auth';
export const SNS_USERINFO_PATH = '/sns/userinfo';

/** The grey avatar Tencent hands out instead of the user's own. */
export const PLACEHOLDER_HEADIMGURL = 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132';
export const PLACEHOLDER_NICKNAME = '微信用户';

/** `sns/auth`'s middleware. */
export function snsAuthEndpoint(deps: OauthDeps): Koa.Middleware {
  return (ctx) => {
    const subject = checkCall(ctx, deps);
    if (subject) sendTencentJson(ctx, { errcode: 0, errmsg: 'ok' });
  };
}

/** `sns/userinfo`'s middleware. */
export function snsUserinfoEndpoint(deps: OauthDeps): Koa.Middleware {
  return (ctx) => {
    const subject = checkCall(ctx, deps);
    if (!subject) return;
    if (subject.scope !== 'snsapi_userinfo') return sendSnsError(ctx, deps, 48001);
    const unionid = unionidFor(deps, subject.appId, subject.openid);
    sendTencentJson(ctx, {
      openid: subject.openid,
      nickname: PLACEHOLDER_NICKNAME,
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: PLACEHOLDER_HEADIMGURL,
      privilege: [],
      ...(unionid !== undefined ? { unionid } : {}),
    });
  };
}

/** Method, web token and openid; answers the error itself and returns undefined when one fails. */
function checkCall(ctx: Koa.Context, deps: OauthDeps): OauthSubject | undefined {
  if (ctx.method !== 'GET') return void sendSnsError(ctx, deps, 43001);
  const check = deps.grants.checkWebToken(queryParam(ctx, 'access_token'));
  if (!check.ok) return void sendSnsError(ctx, deps, check.errcode);
  ctx.state.appId = check.subject.appId;
  const openid = queryParam(ctx, 'openid');
  if (!openid) return void sendSnsError(ctx, deps, 41009);
  if (openid !== check.subject.openid) return void sendSnsError(ctx, deps, 40003);
  return check.subject;
}
