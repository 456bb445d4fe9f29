/** Tencent-facing routes: GET URL verification and POST pushes for each Official Account. Thin: parse the HTTP, call the command. */
import Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { verifyUrlHandshake } from '../../connectors/wechat/callback/envelope';
import { CallbackError } from '../../connectors/wechat/callback/errors';
import { acceptCallback } from '../commands/accept-callback';
import type { InboundDeps } from '../commands/inbound-deps';
import { GatewayError } from '../errors';
import { readBody } from './read-body';

/** Routes under /callback/oa/:accountId. */
export function callbackRoutes(deps: InboundDeps, maxBodyBytes: number): Router {
  const router = new Router();
  // Tencent only GETs (handshake) and POSTs (pushes); anything else is refused through the one error path, with Allow.
  router.all('/callback/oa/:accountId', async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'POST') return next();
    ctx.set('allow', 'GET, HEAD, POST');
    throw new GatewayError('method-not-allowed', 405, `method ${ctx.method.slice(0, 16)} is not allowed here`);
  });
  router.get('/callback/oa/:accountId', (ctx) => {
    const account = deps.accounts.get(ctx.params.accountId ?? '');
    if (!account) throw new GatewayError('unknown-account', 404, 'no such account');
    try {
      ctx.type = 'text/plain';
      ctx.body = verifyUrlHandshake({ token: account.config.token, query: singleValued(ctx), now: Math.floor(deps.now() / 1000), maxSkewSeconds: deps.maxSkewSeconds });
    } catch (err) {
      if (err instanceof CallbackError) throw GatewayError.fromCallback(err);
      throw err;
    }
  });
  router.post('/callback/oa/:accountId', async (ctx) => {
    const receivedAtMs = deps.now();
    const accountId = ctx.params.accountId ?? '';
    if (!deps.accounts.has(accountId)) throw new GatewayError('unknown-account', 404, 'no such account');
    const stop = deps.metrics.callbackSeconds.startTimer();
    try {
      const body = await readBody(ctx.req, maxBodyBytes);
      const answer = await acceptCallback(deps, { accountId, query: singleValued(ctx), body, receivedAtMs });
      ctx.status = answer.status;
      ctx.type = answer.outcome === 'replied' ? 'text/xml; charset=utf-8' : 'text/plain';
      ctx.body = answer.body;
      deps.metrics.callbacks.inc({ account: accountId, outcome: answer.outcome });
      stop({ outcome: answer.outcome });
    } catch (err) {
      const code = err instanceof GatewayError ? err.code : 'internal';
      deps.metrics.callbacks.inc({ account: accountId, outcome: code });
      stop({ outcome: 'refused' });
      throw err;
    }
  });
  return router;
}

/** Query parameters, refusing repeated ones (Tencent never repeats a parameter; a repeat is someone probing the signature check). */
function singleValued(ctx: ParameterizedContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new GatewayError('repeated-param', 400, `query parameter ${k} is repeated`);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
