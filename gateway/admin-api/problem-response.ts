/**
 * The one place admin errors become RFC 9457 answers. 4xx show their safe
 * detail; 5xx show generic text. `instance` carries the error id that the log
 * line also carries, so an operator can match a user's report to the log.
 */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { AdminError } from './admin-error';
import { PROBLEMS, problemType } from './problems';

/** Any thrown value as an AdminError (unknown errors become internal). */
export function asAdminError(err: unknown): AdminError {
  return err instanceof AdminError ? err : new AdminError('internal', 'internal error', { cause: err });
}

/** Answer `ctx` with the problem for `error` and log it once (never bodies or tokens). */
export function sendProblem(ctx: Context, error: AdminError, logger: Logger, operationId?: string): void {
  ctx.status = error.status;
  ctx.set('x-cgw-error-id', error.errorId);
  for (const [name, value] of Object.entries(error.extras.headers ?? {})) ctx.set(name, value);
  ctx.type = 'application/problem+json';
  ctx.body = JSON.stringify({
    type: problemType(error.code),
    title: PROBLEMS[error.code].title,
    status: error.status,
    detail: error.expose ? error.detail : 'the gateway could not complete this request; quote the instance to an operator',
    instance: `urn:uuid:${error.errorId}`,
    ...(error.expose && error.extras.errors ? { errors: error.extras.errors } : {}),
  });
  const line = { code: error.code, status: error.status, errorId: error.errorId, route: operationId ?? 'admin' };
  if (error.status >= 500) logger.error({ ...line, err: error.extras.cause ?? error }, 'admin request failed');
  else logger.warn(line, 'admin request refused');
}
