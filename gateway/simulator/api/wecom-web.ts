/**
 * WeCom for web pages inside the WeCom client (the content sidebar), on the
 * WeCom listener:
 *
 *   GET  /connect/oauth2/authorize?appid=CORPID&redirect_uri&response_type=code&scope=snsapi_base&state[&agentid]
 *        browser-facing (open.weixin.qq.com in production, which serves WeCom and OA alike; the
 *        simulator serves WeCom's on this listener): 302 to redirect_uri?code=CODE&state=STATE for the
 *        WeCom user named by the cookie `cgwsim_wecom_user=<corpId>:<userid>`; without it a picker of
 *        the corp's members. Bad requests: HTTP 400 page with data-reason.
 *   GET  /sim/wecom-client/login?corpid&userid&next   be this WeCom user, then go to next
 *   GET  /cgi-bin/auth/getuserinfo?access_token&code  {userid} for a member, {openid[, external_userid]}
 *        for anyone else; 41008 no code, 40029 unknown/used/expired/another app's code
 *   GET  /cgi-bin/get_jsapi_ticket?access_token       the corp's jsapi_ticket (wx.config)
 *   GET  /cgi-bin/ticket/get?access_token&type=agent_config   the app's ticket (wx.agentConfig); 40058 other type
 *   POST /cgi-bin/media/upload?access_token&type=image        multipart `media`; {type, media_id, created_at (string)}
 *
 * The cgi-bin ones take an app's token (48002 for the contact or archive secret's) and count
 * against the per-API rate like every WeCom API (45009); tickets also against their own hourly caps.
 */
import { createHash } from 'node:crypto';
import busboy from 'busboy';
import type Koa from 'koa';
import Router from '@koa/router';
import { queryParam } from './json-io';
import { escapeHtml, wechatPage } from './oauth-common';
import { sendWecomResult, wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';
import { USERID_PATTERN, EXTERNAL_USERID_PATTERN, type SimulatedCorp } from '../state/wecom-corps';
import type { WecomWebState } from '../state/wecom-web';

export const WECOM_AUTHORIZE_PATH = '/connect/oauth2/authorize';
export const WECOM_CLIENT_LOGIN_PATH = '/sim/wecom-client/login';
export const GETUSERINFO_PATH = '/cgi-bin/auth/getuserinfo';
export const GET_JSAPI_TICKET_PATH = '/cgi-bin/get_jsapi_ticket';
export const TICKET_GET_PATH = '/cgi-bin/ticket/get';
export const WECOM_MEDIA_UPLOAD_PATH = '/cgi-bin/media/upload';

/** Who is holding WeCom: `<corpId>:<userid>` (a member, or anyone else by an external id). */
export const WECOM_USER_COOKIE = 'cgwsim_wecom_user';

const STATE = /^[A-Za-z0-9]{0,128}$/;
const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', overwrite: true } as const;

type AppCall = { corp: SimulatedCorp; agentId: number; ctx: Koa.Context };

/** The routes, to mount on the WeCom app after its own. */
export function createWecomWebRouter(deps: WecomApiDeps, web: WecomWebState): Router {
  const router = new Router();
  router.get(WECOM_AUTHORIZE_PATH, (ctx) => authorize(deps, web, ctx));
  router.get(WECOM_CLIENT_LOGIN_PATH, (ctx) => login(deps, ctx));
  router.all(GETUSERINFO_PATH, appEndpoint(deps, GETUSERINFO_PATH, 'GET', ({ corp, agentId, ctx }) => {
    const code = queryParam(ctx, 'code');
    if (!code) return wecomFail(41008);
    const user = web.takeCode(code, corp.corpId, agentId);
    if (user === undefined) return wecomFail(40029);
    if (corp.members.some((m) => m === user)) return wecomOk({ userid: user });
    // Not a member: WeCom answers an openid (and the external_userid of a customer of the corp).
    const openid = `o${createHash('sha256').update(`${corp.corpId}|${user}`).digest('base64url').slice(0, 27)}`;
    return wecomOk({ openid, ...(EXTERNAL_USERID_PATTERN.test(user) ? { external_userid: user } : {}) });
  }));
  router.all(GET_JSAPI_TICKET_PATH, appEndpoint(deps, GET_JSAPI_TICKET_PATH, 'GET', ({ corp, agentId }) => ticketAnswer(web.ticket(corp.corpId, agentId, { kind: 'corp' }))));
  router.all(TICKET_GET_PATH, appEndpoint(deps, TICKET_GET_PATH, 'GET', ({ corp, agentId, ctx }) => {
    if (queryParam(ctx, 'type') !== 'agent_config') return wecomFail(40058, 'invalid Request Parameter: type must be agent_config');
    return ticketAnswer(web.ticket(corp.corpId, agentId, { kind: 'agent', agentId }));
  }));
  router.all(WECOM_MEDIA_UPLOAD_PATH, appEndpoint(deps, WECOM_MEDIA_UPLOAD_PATH, 'POST', async ({ corp, agentId, ctx }) => {
    const type = queryParam(ctx, 'type');
    if (type !== 'image') return wecomFail(40004, type === undefined ? 'invalid media type: type missing' : `invalid media type: the simulator takes image`);
    const part = await readFile(ctx, web.limits.imageMaxBytes);
    if (!part) return wecomFail(41005);
    if (part.tooLarge) return wecomFail(45001);
    if (part.size < 5) return wecomFail(44001);
    if (!/\.(jpe?g|png|gif)$/i.test(part.filename)) return wecomFail(40005);
    const stored = web.addMedia({ corpId: corp.corpId, agentId, type, filename: part.filename, size: part.size, md5: part.md5 });
    return wecomOk({ type, media_id: stored.mediaId, created_at: String(Math.floor(stored.createdAt / 1000)) });
  }));
  return router;
}

function ticketAnswer(result: ReturnType<WecomWebState['ticket']>): WecomResult {
  return result.ok ? wecomOk({ ticket: result.ticket, expires_in: result.expiresIn }) : wecomFail(result.errcode);
}

/** The common steps of an app's API call: method, token (an app's), the per-API rate. */
function appEndpoint(deps: WecomApiDeps, path: string, method: 'GET' | 'POST', handler: (call: AppCall) => WecomResult | Promise<WecomResult>): Koa.Middleware {
  return async (ctx) => {
    const result = await (async (): Promise<WecomResult> => {
      if (ctx.method !== method) return wecomFail(40058, `invalid Request Parameter: ${method} required`);
      const check = deps.tokens.check(queryParam(ctx, 'access_token'));
      if (check.errcode !== 0) return wecomFail(check.errcode);
      const { principal } = check;
      ctx.state.corpId = principal.corpId;
      if (principal.kind !== 'agent') return wecomFail(48002);
      const now = deps.clock.now();
      const scope = `wecom:${principal.corpId}:${path}`;
      if (!deps.counter.take(`${scope}:minute`, Math.floor(now / 60_000), deps.limits.perApiPerMinute)) return wecomFail(45009);
      if (!deps.counter.take(`${scope}:hour`, Math.floor(now / 3600_000), deps.limits.perApiPerHour)) return wecomFail(45009);
      return handler({ corp: deps.corps.get(principal.corpId) as SimulatedCorp, agentId: principal.agentId, ctx });
    })();
    if (method === 'POST' && !ctx.req.readableEnded) ctx.req.resume();
    sendWecomResult(ctx, deps, result);
  };
}

function authorize(deps: WecomApiDeps, web: WecomWebState, ctx: Koa.Context): void {
  const refuse = (reason: string) => wechatPage(ctx, 400, '出错了', `<p class="sim-error" data-reason="${escapeHtml(reason)}">Oops! Something went wrong:( ${escapeHtml(reason)}</p>`);
  const corp = deps.corps.get(queryParam(ctx, 'appid') ?? '');
  if (!corp) return refuse('appid');
  ctx.state.corpId = corp.corpId;
  let redirect: URL;
  try {
    redirect = new URL(queryParam(ctx, 'redirect_uri') ?? '');
  } catch {
    return refuse('redirect_uri');
  }
  if ((redirect.protocol !== 'http:' && redirect.protocol !== 'https:') || redirect.username || redirect.password) return refuse('redirect_uri');
  if (queryParam(ctx, 'response_type') !== 'code') return refuse('response_type');
  const scope = queryParam(ctx, 'scope');
  if (scope !== 'snsapi_base' && scope !== 'snsapi_privateinfo') return refuse('scope');
  const state = queryParam(ctx, 'state') ?? '';
  if (!STATE.test(state)) return refuse('state');
  const agentText = queryParam(ctx, 'agentid');
  const agentId = agentText === undefined ? null : Number(agentText);
  if (agentId !== null && !corp.agents.some((a) => a.agentId === agentId)) return refuse('agentid');
  if (scope === 'snsapi_privateinfo' && agentId === null) return refuse('agentid');
  const user = currentUser(ctx, corp.corpId);
  if (user === undefined) return pickerPage(ctx, corp);
  const code = web.issueCode(corp.corpId, agentId, user);
  const target = new URL(redirect);
  target.search = `${target.search ? `${target.search}&` : '?'}code=${code}&state=${state}`;
  ctx.status = 302;
  ctx.set('Location', target.toString());
  ctx.set('Cache-Control', 'no-store');
  ctx.body = '';
}

function currentUser(ctx: Koa.Context, corpId: string): string | undefined {
  const [cookieCorp, user, ...rest] = (ctx.cookies.get(WECOM_USER_COOKIE) ?? '').split(':');
  return rest.length === 0 && cookieCorp === corpId && user !== undefined && USERID_PATTERN.test(user) ? user : undefined;
}

function pickerPage(ctx: Koa.Context, corp: SimulatedCorp): void {
  const next = ctx.originalUrl;
  const items = corp.members.map((m) => `<li><a href="${escapeHtml(`${WECOM_CLIENT_LOGIN_PATH}?${new URLSearchParams({ corpid: corp.corpId, userid: m, next })}`)}">${escapeHtml(m)}</a></li>`).join('\n');
  wechatPage(ctx, 200, '选择企业微信成员', `<div class="sim-picker" data-corpid="${escapeHtml(corp.corpId)}"><h2>Simulated WeCom: who is using this client?</h2><ul>\n${items}\n</ul></div>`);
}

function login(deps: WecomApiDeps, ctx: Koa.Context): void {
  const corp = deps.corps.get(queryParam(ctx, 'corpid') ?? '');
  const userid = queryParam(ctx, 'userid') ?? '';
  const next = queryParam(ctx, 'next');
  if (!corp || !USERID_PATTERN.test(userid)) return wechatPage(ctx, 400, '出错了', '<p class="sim-error">corpid must name a simulated corp and userid be a WeCom userid</p>');
  if (next !== undefined && !next.startsWith('/') && !/^https?:\/\//.test(next)) return wechatPage(ctx, 400, '出错了', '<p class="sim-error">next must be an absolute http(s) URL or a path</p>');
  ctx.cookies.set(WECOM_USER_COOKIE, wecomUserCookieValue(corp.corpId, userid), COOKIE_OPTIONS);
  if (next === undefined) return wechatPage(ctx, 200, '企业微信成员', `<p class="sim-user">Simulated WeCom user ${escapeHtml(userid)} of ${escapeHtml(corp.corpId)}</p>`);
  ctx.redirect(next);
}

/** The cookie value that makes the simulated WeCom client `userid` of `corpId`. */
export function wecomUserCookieValue(corpId: string, userid: string): string {
  return `${corpId}:${userid}`;
}

interface UploadedFile {
  filename: string;
  size: number;
  md5: string;
  tooLarge: boolean;
}

/** Stream the multipart body's `media` file, hashing it (nothing is kept). */
function readFile(ctx: Koa.Context, maxBytes: number): Promise<UploadedFile | undefined> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: ctx.req.headers, limits: { fileSize: maxBytes + 1, files: 2, fields: 8 } });
    } catch {
      ctx.req.resume();
      return resolve(undefined);
    }
    let found: UploadedFile | undefined;
    parser.on('file', (name, stream, info) => {
      if (name !== 'media' || found) return stream.resume();
      const hash = createHash('md5');
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      stream.on('limit', () => {
        found = { filename: info.filename ?? '', size, md5: '', tooLarge: true };
      });
      stream.on('end', () => {
        found ??= { filename: info.filename ?? '', size, md5: hash.digest('hex'), tooLarge: false };
      });
    });
    parser.on('close', () => resolve(found));
    parser.on('error', () => resolve(undefined));
    ctx.req.pipe(parser);
  });
}
