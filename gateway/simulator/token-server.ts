/**
 * Tencent's OA token endpoints over HTTP (wechat-oa.md §2):
 *   GET  /cgi-bin/token?grant_type=client_credential&appid=…&secret=…
 *   POST /cgi-bin/stable_token  {"grant_type","appid","secret","force_refresh"}
 * Like Tencent, every answer is HTTP 200 JSON; errors are `{errcode, errmsg}`.
 */
import Koa from 'koa';
import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { Clock } from './clock';
import { oaErrorBody, type OaErrcode, type TencentErrorBody } from './tencent-error';
import type { OaTokenStore, TokenCheck, TokenGrant } from './token-store';

/** Tencent is commonly observed to label JSON this way; clients only need the `application/json` part. */
export const TENCENT_JSON_TYPE = 'application/json; encoding=utf-8';

/** Write a Tencent-style JSON answer (always HTTP 200). */
export function sendTencentJson(ctx: Koa.Context, body: object): void {
  ctx.status = 200;
  ctx.body = JSON.stringify(body);
  ctx.set('Content-Type', TENCENT_JSON_TYPE);
}

/** Send `errcode` with its errmsg prefix and a fresh rid. */
export function sendTencentError(ctx: Koa.Context, clock: Clock, errcode: OaErrcode, message?: string): void {
  sendTencentJson(ctx, oaErrorBody(errcode, clock, message === undefined ? {} : { message }));
}

/** For later API endpoints: the error body for a failed token check, or undefined when the token is good. */
export function tokenCheckError(check: TokenCheck, clock: Clock): TencentErrorBody | undefined {
  return check.errcode === 0 ? undefined : oaErrorBody(check.errcode, clock);
}

function sendGrant(ctx: Koa.Context, clock: Clock, grant: TokenGrant): void {
  if (grant.ok) sendTencentJson(ctx, { access_token: grant.accessToken, expires_in: grant.expiresIn });
  else sendTencentError(ctx, clock, grant.errcode, grant.message);
}

function queryParam(ctx: Koa.Context, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
}

const MAX_JSON_BYTES = 64 * 1024;

async function readJsonObject(ctx: Koa.Context): Promise<Record<string, unknown> | undefined> {
  try {
    const text = await getRawBody(ctx.req, { limit: MAX_JSON_BYTES, encoding: 'utf8' });
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Router with both token endpoints, backed by `store`. */
export function createTokenRouter(store: OaTokenStore, clock: Clock): Router {
  const router = new Router();
  router.get('/cgi-bin/token', (ctx) => {
    sendGrant(
      ctx,
      clock,
      store.issueToken({
        grantType: queryParam(ctx, 'grant_type'),
        appId: queryParam(ctx, 'appid'),
        secret: queryParam(ctx, 'secret'),
        callerIp: ctx.ip,
      }),
    );
  });
  router.get('/cgi-bin/stable_token', (ctx) => sendTencentError(ctx, clock, 43002));
  router.post('/cgi-bin/stable_token', async (ctx) => {
    const body = await readJsonObject(ctx);
    if (!body) return sendTencentError(ctx, clock, 47001);
    sendGrant(
      ctx,
      clock,
      store.issueStableToken({
        grantType: asString(body.grant_type),
        appId: asString(body.appid),
        secret: asString(body.secret),
        forceRefresh: body.force_refresh === true,
        callerIp: ctx.ip,
      }),
    );
  });
  return router;
}

/** A Koa app serving only the token endpoints. */
export function createTokenApp(store: OaTokenStore, clock: Clock): Koa {
  const app = new Koa();
  const router = createTokenRouter(store, clock);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
