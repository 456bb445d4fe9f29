/**
 * The web-authorization routes on the OA app: the browser-facing authorize
 * page (open.weixin.qq.com in production), the simulated WeChat client's
 * login, and the `sns/*` API endpoints (api.weixin.qq.com). Routes use `all`
 * so a wrong method gets Tencent's 43001 rather than Koa's 405.
 */
import Router from '@koa/router';
import { AUTHORIZE_PATH, authorizeEndpoint } from './oauth-authorize';
import type { OauthDeps } from './oauth-common';
import { SNS_ACCESS_TOKEN_PATH, SNS_REFRESH_TOKEN_PATH, snsAccessTokenEndpoint, snsRefreshTokenEndpoint } from './sns-access-token';
import { SNS_AUTH_PATH, SNS_USERINFO_PATH, snsAuthEndpoint, snsUserinfoEndpoint } from './sns-userinfo';
import { WECHAT_CLIENT_LOGIN_PATH, WECHAT_CLIENT_LOGOUT_PATH, wechatClientLoginEndpoint, wechatClientLogoutEndpoint } from './wechat-client-login';

/** Router with the OAuth page, the client login and the sns endpoints. */
export function createOauthRouter(deps: OauthDeps): Router {
  const router = new Router();
  router.get(AUTHORIZE_PATH, authorizeEndpoint(deps));
  router.get(WECHAT_CLIENT_LOGIN_PATH, wechatClientLoginEndpoint(deps));
  router.get(WECHAT_CLIENT_LOGOUT_PATH, wechatClientLogoutEndpoint());
  router.all(SNS_ACCESS_TOKEN_PATH, snsAccessTokenEndpoint(deps));
  router.all(SNS_REFRESH_TOKEN_PATH, snsRefreshTokenEndpoint(deps));
  router.all(SNS_AUTH_PATH, snsAuthEndpoint(deps));
  router.all(SNS_USERINFO_PATH, snsUserinfoEndpoint(deps));
  return router;
}
