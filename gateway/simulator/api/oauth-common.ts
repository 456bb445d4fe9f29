/**
 * What the OA web-authorization endpoints share: their state, the log of
 * authorizations, and the two ways they fail — an HTML page in the browser
 * (open.weixin.qq.com) and Tencent's JSON error on the API host.
 */
import type Koa from 'koa';
import type { SimulatedAccount } from '../accounts';
import type { Clock } from '../clock';
import type { FollowerRegistry } from '../follower-registry';
import type { Rng } from '../random';
import type { CallCounter } from '../state/call-counter';
import type { OauthGrants, OauthScope } from '../state/oauth-grants';
import type { WechatPeople } from '../state/wechat-people';
import { oaErrorBody, type OaErrcode } from '../tencent-error';
import { sendTencentJson } from '../token-server';

/** One pass through the authorize page that ended in a code. */
export interface OauthAuthorization {
  appId: string;
  openid: string;
  scope: OauthScope;
  state: string;
  redirectUri: string;
  code: string;
  /** snsapi_userinfo: WeChat showed the consent sheet (the simulated user always accepts). */
  consentShown: boolean;
  /** Simulator clock, epoch ms. */
  at: number;
}

/** Everything the OAuth endpoints read and change. */
export interface OauthDeps {
  clock: Clock;
  rng: Rng;
  grants: OauthGrants;
  people: WechatPeople;
  followers: FollowerRegistry;
  counter: CallCounter;
  /** The account, or undefined when the simulator has none with that AppID. */
  findAccount(appId: string): SimulatedAccount | undefined;
  /** A fresh openid at `appId` (someone new to the account). */
  newOpenid(appId: string): string;
  authorizations: OauthAuthorization[];
}

export const OAUTH_SCOPES: readonly OauthScope[] = ['snsapi_base', 'snsapi_userinfo'];

/** `state` as WeChat takes it: letters and digits, at most 128. */
export const OAUTH_STATE_PATTERN = /^[A-Za-z0-9]{0,128}$/;

/** Tencent's JSON error for an `sns/*` call. */
export function sendSnsError(ctx: Koa.Context, deps: Pick<OauthDeps, 'clock' | 'rng'>, errcode: OaErrcode): void {
  sendTencentJson(ctx, oaErrorBody(errcode, deps.clock, { rng: deps.rng }));
}

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page in the style of WeChat's in-app pages (weui). */
export function wechatPage(ctx: Koa.Context, status: number, title: string, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>${body}</body></html>
`;
}

/**
 * Why the authorize page refused. The codes are the simulator's own (data-reason on
 * the page, for tests); the texts are the kind WeChat shows.
 */
export const AUTHORIZE_REFUSALS = {
  appid: 'appid 参数错误',
  redirect_uri: 'redirect_uri 参数错误',
  redirect_uri_domain: 'redirect_uri 域名与后台配置不一致',
  response_type: 'response_type 参数错误',
  scope: 'scope 参数错误或没有 scope 权限',
  state: 'state 参数错误',
} as const;

export type AuthorizeRefusal = keyof typeof AUTHORIZE_REFUSALS;

/** WeChat's error page, HTTP 400, naming the reason. */
export function authorizeErrorPage(ctx: Koa.Context, reason: AuthorizeRefusal): void {
  wechatPage(
    ctx,
    400,
    '微信网页授权',
    `<div class="weui-msg" data-reason="${reason}"><h2 class="weui-msg__title">Oops! Something went wrong:(</h2><p class="weui-msg__desc">${escapeHtml(AUTHORIZE_REFUSALS[reason])}</p></div>`,
  );
}
