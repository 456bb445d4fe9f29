/**
 * Token endpoints with Tencent's shapes, issuing gateway tokens for
 * gateway-issued app credentials: OA `token` and `stable_token`, WeCom
 * `gettoken`. The app's SDK computes expiry from `expires_in` and re-fetches
 * on 40001/42001 exactly as it does against Tencent.
 */
import type Router from '@koa/router';
import type { AppConfig } from '../config/schema';
import { CompatError } from './compat-error';
import type { CompatDeps } from './compat-deps';
import { readJsonBody } from './read-json-body';
import { sameSecret } from '../auth/local-token';

async function refuse(deps: CompatDeps, app: AppConfig | undefined, target: string, reason: string, errcode: number): Promise<never> {
  await deps.audit.record({
    type: 'api.auth.failed',
    actor: { subject: app ? `app:${app.id}` : 'unknown-app', via: 'app-credentials' },
    target,
    outcome: 'denied',
    details: { cause: reason, errcode },
  });
  throw new CompatError(errcode, reason);
}

/** Check OA-shaped credentials for `accountId`. @throws CompatError 40002, 41002, 41004, 40013, 40125, 40001 */
async function oaApp(deps: CompatDeps, accountId: string, grantType: unknown, appid: unknown, secret: unknown): Promise<AppConfig> {
  if (grantType !== 'client_credential') throw new CompatError(40002);
  if (typeof appid !== 'string' || appid === '') throw new CompatError(41002);
  if (typeof secret !== 'string' || secret === '') throw new CompatError(41004);
  const app = [...deps.apps.values()].find((a) => a.credentials.appId === appid);
  if (!app || !deps.accounts.has(accountId)) return refuse(deps, app, `oa:${accountId}`, 'unknown appid', 40013);
  if (!/^[0-9a-f]{32}$/.test(secret)) return refuse(deps, app, `oa:${accountId}`, 'malformed appsecret', 40125);
  if (!sameSecret(secret, app.credentials.appSecret)) return refuse(deps, app, `oa:${accountId}`, 'wrong appsecret', 40001);
  if (!app.sends.includes(accountId)) return refuse(deps, app, `oa:${accountId}`, 'app may not use this account', 40013);
  return app;
}

/** Adds the token endpoints under /oa/:accountId and /wecom/:corpId. */
export function addTokenRoutes(router: Router, deps: CompatDeps): void {
  router.get('/oa/:accountId/cgi-bin/token', async (ctx) => {
    const accountId = ctx.params.accountId ?? '';
    const app = await oaApp(deps, accountId, ctx.query.grant_type, ctx.query.appid, ctx.query.secret);
    const issued = await deps.tokens.issue({ appId: app.id, accountId, product: 'oa' });
    ctx.type = 'application/json';
    ctx.body = { access_token: issued.accessToken, expires_in: issued.expiresIn };
  });

  router.post('/oa/:accountId/cgi-bin/stable_token', async (ctx) => {
    const accountId = ctx.params.accountId ?? '';
    const body = await readJsonBody(ctx.req, 4096);
    const app = await oaApp(deps, accountId, body.grant_type, body.appid, body.secret);
    const issued = await deps.tokens.issue({ appId: app.id, accountId, product: 'oa' });
    ctx.type = 'application/json';
    ctx.body = { access_token: issued.accessToken, expires_in: issued.expiresIn };
  });

  router.get('/wecom/:corpId/cgi-bin/gettoken', async (ctx) => {
    const corpId = ctx.params.corpId ?? '';
    const { corpid, corpsecret } = ctx.query;
    if (typeof corpsecret !== 'string' || corpsecret === '') throw new CompatError(41004);
    const app = typeof corpid === 'string' ? [...deps.apps.values()].find((a) => a.wecomCredentials?.corpId === corpid) : undefined;
    if (!app || !deps.corps.has(corpId)) await refuse(deps, app, `wecom:${corpId}`, 'unknown corpid', 40013);
    if (!sameSecret(corpsecret, app!.wecomCredentials!.corpSecret)) await refuse(deps, app, `wecom:${corpId}`, 'wrong corpsecret', 40001);
    if (!app!.sends.includes(corpId)) await refuse(deps, app, `wecom:${corpId}`, 'app may not use this corp', 40013);
    const issued = await deps.tokens.issue({ appId: app!.id, accountId: corpId, product: 'wecom' });
    ctx.type = 'application/json';
    ctx.body = { errcode: 0, errmsg: 'ok', access_token: issued.accessToken, expires_in: issued.expiresIn };
  });
}
