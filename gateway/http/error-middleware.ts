/**
 * The one place GatewayErrors become HTTP answers. 4xx show the safe message
 * and code; 5xx show generic text. Every answer carries the error id that the
 * log line also carries, so an operator can match them.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { GatewayError } from '../errors';

/** Map thrown errors to answers and log them once, without bodies. */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const gw = err instanceof GatewayError ? err : new GatewayError('internal', 500, 'internal error', err);
      ctx.status = gw.status;
      ctx.type = 'text/plain';
      ctx.set('x-cgw-error-id', gw.errorId);
      ctx.body = gw.expose ? `${gw.code}: ${gw.safeMessage} (error id ${gw.errorId})` : `system busy (error id ${gw.errorId})`;
      const line = { code: gw.code, status: gw.status, errorId: gw.errorId, route: ctx._matchedRoute ?? ctx.path.split('?')[0] };
      if (gw.status >= 500) logger.error({ ...line, err: gw.cause ?? gw }, 'request failed');
      else logger.warn(line, 'request refused');
    }
  };
}
