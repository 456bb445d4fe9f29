/** WeCom-facing routes: GET URL verification and POST pushes for each corp with a callback block. Thin: parse the HTTP, call the command. */
import Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { acceptWecomCallback, verifyWecomCallbackUrl } from '../commands/accept-wecom-callback';
import type { WecomCallbackDeps } from '../commands/wecom-callback-deps';
import { GatewayError } from '../errors';
import { readBody } from './read-body';

const PATH = '/callback/wecom/:corp';

/** Routes under /callback/wecom/:corp (`:corp` is the corp's configuration id). */
export function wecomCallbackRoutes(deps: WecomCallbackDeps, maxBodyBytes: number): Router {
  const router = new Router();
  // WeCom only GETs (handshake) and POSTs (pushes); anything else is refused through the one error path, with Allow.
  router.all(PATH, async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'POST') return next();
    ctx.set('allow', 'GET, HEAD, POST');
    throw new GatewayError('method-not-allowed', 405, `method ${ctx.method.slice(0, 16)} is not allowed here`);
  });
  router.get(PATH, (ctx) => {
    const echo = verifyWecomCallbackUrl(deps, ctx.params.corp ?? '', singleValued(ctx));
    ctx.type = 'text/plain';
    ctx.body = echo; // exactly the decrypted echostr: no quotes, no BOM, no newline (callback-crypto.md §2.2)
  });
  router.post(PATH, async (ctx) => {
    const receivedAtMs = deps.now();
    const corp = ctx.params.corp ?? '';
    // Unknown corps are refused before any metric: a label per probed name would grow without bound.
    if (!deps.corps.has(corp)) throw new GatewayError('unknown-corp', 404, 'no such corp with a callback configured');
    const stop = deps.metrics.wecomCallbackSeconds.startTimer();
    try {
      const body = await readBody(ctx.req, maxBodyBytes);
      const answer = await acceptWecomCallback(deps, { corpConfigId: corp, query: singleValued(ctx), body, receivedAtMs });
      ctx.status = answer.status;
      ctx.type = 'text/plain';
      ctx.body = answer.body;
      deps.metrics.wecomCallbacks.inc({ corp, outcome: answer.outcome });
      if (answer.outcome === 'archived') deps.metrics.wecomCallbackEvents.inc({ corp, type: answer.type });
      stop({ outcome: answer.outcome });
    } catch (err) {
      deps.metrics.wecomCallbacks.inc({ corp, outcome: err instanceof GatewayError ? err.code : 'internal' });
      stop({ outcome: 'refused' });
      throw err;
    }
  });
  return router;
}

/** Query parameters, refusing repeated ones (WeCom never repeats a parameter; a repeat is someone probing the signature check). */
function singleValued(ctx: ParameterizedContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new GatewayError('repeated-param', 400, `query parameter ${k} is repeated`);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
