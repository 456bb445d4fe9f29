/**
 * Every answer on the Tencent-compatible paths is HTTP 200 JSON (co-wechat-api
 * treats anything else as a transport failure). Unexpected failures, and a
 * database that cannot take the archive record, become Tencent's -1 "system
 * error", which SDKs and apps retry: nothing was acknowledged.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { CompatError } from './compat-error';

/** Map thrown errors to `{errcode, errmsg}` and log them once, without bodies or tokens. */
export function compatErrorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const compat = err instanceof CompatError ? err : new CompatError(-1, undefined, err);
      ctx.status = 200;
      ctx.type = 'application/json';
      ctx.body = { errcode: compat.errcode, errmsg: compat.errmsg };
      const line = { errcode: compat.errcode, errorId: compat.errorId, route: ctx._matchedRoute ?? 'unmatched' };
      if (compat.errcode === -1) logger.error({ ...line, err: compat.cause ?? compat }, 'compatible API call failed');
      else logger.warn(line, 'compatible API call refused');
    }
  };
}
