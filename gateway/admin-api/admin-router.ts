/**
 * The admin API's request pipeline, one Koa middleware for everything under
 * /admin/v1: authenticate → match the spec's operation → authorise its
 * permission → validate parameters and body → call the handler → audit → respond.
 * Every outcome after authentication is audited (the operation's event, or
 * admin.access.denied); failed authentication is audited as admin.auth.failed.
 * An answer is sent only after its audit event committed: reading a held
 * message without leaving evidence is not possible.
 */
import { Readable } from 'node:stream';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { AuthFailure } from '../auth/auth-failure';
import type { Authenticator } from '../auth/authenticate';
import { allows } from '../auth/roles';
import { AdminError } from './admin-error';
import { readJsonBody } from './json-body';
import { asAdminError, sendProblem } from './problem-response';
import { ADMIN_PREFIX, type OpenApiDocument, type OperationSpec } from './spec';
import type { AuditNote, Handlers, HandlerRequest, OperationId } from './typed';
import { compileValidators } from './validation';

/** What the pipeline is built from. */
export interface AdminRouterOptions {
  doc: OpenApiDocument;
  operations: OperationSpec[];
  handlers: Handlers;
  authenticate: Authenticator;
  audit: AuditLog;
  logger: Logger;
  maxBodyBytes: number;
}

type Match = { op: OperationSpec; rawPath: string[] } | { allow: string[] } | null;

/** The admin API middleware; requests outside /admin/v1 pass through. @throws Error when the spec and the handlers disagree */
export function adminRouter(options: AdminRouterOptions): Middleware {
  const { operations, handlers, authenticate, audit, logger, maxBodyBytes } = options;
  const missing = operations.filter((op) => !(op.operationId in handlers)).map((op) => op.operationId);
  if (missing.length > 0) throw new Error(`admin API operations without a handler: ${missing.join(', ')}`);
  const validators = compileValidators(options.doc, operations);

  const match = (method: string, subPath: string): Match => {
    const onPath = operations.map((op) => ({ op, m: op.pattern.exec(subPath) })).filter((x) => x.m);
    const hit = onPath.find((x) => x.op.method === method);
    if (hit) return { op: hit.op, rawPath: hit.m!.slice(1) };
    return onPath.length > 0 ? { allow: onPath.map((x) => x.op.method) } : null;
  };

  return async (ctx, next) => {
    if (ctx.path !== ADMIN_PREFIX && !ctx.path.startsWith(`${ADMIN_PREFIX}/`)) return next();
    // Decrypted messages and audit rows must not linger in a proxy or browser cache.
    ctx.set('cache-control', 'no-store');
    const found = match(ctx.method, ctx.path.slice(ADMIN_PREFIX.length) || '/');
    const op = found && 'op' in found ? found.op : undefined;
    let actor: Actor;
    try {
      actor = await authenticate(ctx.get('authorization') || undefined);
    } catch (err) {
      const failure = err instanceof AuthFailure ? err : new AuthFailure('jwks-unavailable', err);
      await recordQuietly({
        type: 'admin.auth.failed',
        actor: { subject: 'anonymous', via: 'anonymous' },
        target: op?.operationId ?? null,
        outcome: 'failure',
        details: { authFailure: failure.reason, method: ctx.method, remoteAddress: ctx.ip },
      });
      const status = failure.status === 503 ? 'unavailable' : 'unauthenticated';
      const headers: Record<string, string> = status === 'unauthenticated' ? { 'www-authenticate': `Bearer realm="cgw-admin", error="invalid_token"` } : {};
      sendProblem(ctx, new AdminError(status, failure.message, { headers, cause: failure }), logger, op?.operationId);
      return;
    }
    if (!op) {
      const allow = found && 'allow' in found ? found.allow : null;
      const error = allow
        ? new AdminError('method_not_allowed', `use ${allow.join(' or ')} on this route`, { headers: { allow: allow.join(', ') } })
        : new AdminError('route_not_found', 'no admin API route at this path');
      sendProblem(ctx, error, logger);
      return;
    }
    const auditor = (outcome: 'success' | 'failure', note: AuditNote) => ({
      type: op.auditEvent!,
      actor: { subject: actor.subject, via: actor.via },
      target: note.target !== undefined ? note.target : defaultTarget(op, found),
      contentHash: note.contentHash ?? null,
      outcome,
      details: note.details ?? {},
    });
    let audited = false;
    try {
      if (!allows(actor.roles, op.permission)) {
        audited = true;
        await audit.record({
          type: 'admin.access.denied',
          actor: { subject: actor.subject, via: actor.via },
          target: op.operationId,
          outcome: 'denied',
          details: { permission: op.permission, roles: [...actor.roles] },
        });
        throw new AdminError('forbidden', `${op.operationId} needs the ${op.permission} permission, which your roles do not hold`);
      }
      const request = await validRequest(ctx, op, found, actor);
      const handler = handlers[op.operationId as OperationId] as unknown as (r: HandlerRequest<OperationId>) => ReturnType<Handlers[OperationId]>;
      const result = await handler(request);
      if (op.auditEvent) {
        audited = true;
        await audit.record(auditor('success', result.audit ?? {}));
      }
      ctx.status = 200;
      if ('download' in result) {
        const file = result.download;
        for (const [name, value] of Object.entries(file.headers ?? {})) ctx.set(name, value);
        ctx.set('content-disposition', `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
        ctx.type = file.contentType;
        ctx.body = Readable.from(file.chunks);
        ctx.length = file.size;
      } else {
        ctx.body = result.body;
      }
    } catch (err) {
      let error = asAdminError(err);
      if (!audited && op.auditEvent) {
        audited = true;
        try {
          const note = error.extras.audit ?? {};
          await audit.record(auditor('failure', {
            ...(error.extras.contentHash ? { contentHash: error.extras.contentHash } : {}),
            ...(note.target !== undefined ? { target: note.target } : {}),
            details: { ...(note.details ?? {}), problem: error.code },
          }));
        } catch (auditErr) {
          error = new AdminError('unavailable', 'the audit log could not be written', { cause: auditErr });
        }
      } else if (audited && !(err instanceof AdminError)) {
        // The audit write itself failed: say so (retryable), never answer without evidence.
        error = new AdminError('unavailable', 'the audit log could not be written', { cause: err });
      }
      sendProblem(ctx, error, logger, op.operationId);
    }
  };

  async function validRequest(ctx: Context, op: OperationSpec, found: Match, actor: Actor): Promise<HandlerRequest<OperationId>> {
    const path: Record<string, string> = {};
    const raw = found && 'rawPath' in found ? found.rawPath : [];
    op.pathParameterNames.forEach((name, i) => {
      try {
        path[name] = decodeURIComponent(raw[i]!);
      } catch {
        throw new AdminError('validation_failed', `/path/${name} is not valid percent-encoding`, { errors: [{ pointer: `/path/${name}`, message: 'is not valid percent-encoding' }] });
      }
    });
    const query: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(ctx.query)) {
      if (Array.isArray(value)) throw new AdminError('validation_failed', `/query/${name} is repeated`, { errors: [{ pointer: `/query/${name}`, message: 'must not be repeated' }] });
      query[name] = value;
    }
    const checks = validators.get(op.operationId)!;
    const params = { path, query };
    checks.parameters(params);
    // An operation may allow more than the configured limit (x-max-body-bytes), never less.
    const body = await readJsonBody(ctx.req, Math.max(maxBodyBytes, op.maxBodyBytes ?? 0));
    if (op.body === null) {
      if (body !== undefined) throw new AdminError('validation_failed', 'this operation takes no body', { errors: [{ pointer: '/body', message: 'must be absent' }] });
    } else if (body === undefined) {
      if (op.body.required) throw new AdminError('validation_failed', '/body is required', { errors: [{ pointer: '/body', message: 'is required' }] });
    } else {
      checks.body(body);
    }
    return { actor, path: params.path, query: params.query, body } as HandlerRequest<OperationId>;
  }

  async function recordQuietly(event: Parameters<AuditLog['record']>[0]): Promise<void> {
    try {
      await audit.record(event);
    } catch (err) {
      // The caller is refused either way; the log line is the evidence of last resort.
      logger.error({ err, auditType: event.type }, 'audit event could not be written');
    }
  }
}

/** The message or alert id in the path, when the operation has one (never a person's or customer's id). */
function defaultTarget(op: OperationSpec, found: Match): string | null {
  const i = op.pathParameterNames.findIndex((name) => name === 'messageId' || name === 'alertId');
  if (i < 0 || !found || !('rawPath' in found)) return null;
  try {
    const id = decodeURIComponent(found.rawPath[i]!);
    // Only a well-formed id becomes the target: a refused request's junk does not belong in the log.
    return MESSAGE_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

const MESSAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
