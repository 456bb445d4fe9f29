/**
 * The Tencent-compatible API: `/oa/{accountId}/cgi-bin/...` and
 * `/wecom/{corpId}/cgi-bin/...`. Every answer is Tencent-shaped JSON, and a
 * path not on the allowlist is answered 48001 naming it: never forwarded.
 */
import Router from '@koa/router';
import compose from 'koa-compose';
import type { Middleware, ParameterizedContext } from 'koa';
import type { CompatDeps } from './compat-deps';
import { compatErrorMiddleware } from './compat-error-middleware';
import { addTokenRoutes } from './token-routes';
import { addSendRoutes } from './send-routes';
import { addMediaUploadRoute } from './media-upload';
import { CompatError } from './compat-error';

/** One middleware for everything under /oa/ and /wecom/; other paths pass through. */
export function compatApi(deps: CompatDeps): Middleware {
  const router = new Router();
  addTokenRoutes(router, deps);
  addSendRoutes(router, deps);
  addMediaUploadRoute(router, deps);
  const notAllowed: Middleware = (ctx) => {
    const shown = ctx.path.slice(0, 200).replace(/[^\x20-\x7e]/g, '?');
    throw new CompatError(48001, `${ctx.method} ${shown} is not on the gateway's allowlist and was not forwarded`);
  };
  const chain = compose<ParameterizedContext>([compatErrorMiddleware(deps.logger), router.routes() as unknown as Middleware, notAllowed]);
  return (ctx, next) => (ctx.path.startsWith('/oa/') || ctx.path.startsWith('/wecom/') ? chain(ctx, next) : next());
}
