/**
 * The one place page errors reach the wire, the log and the audit log: a
 * localized HTML page, or problem+json for clients that do not want HTML;
 * one log line (code, status, error id, route — never an identifier); one
 * `page.rejected` audit row. Unexpected errors become a generic 500 page.
 */
import type { Context, Middleware } from 'koa';
import type { ConsentLanguage } from '../consent/config';
import { html, sendPage, setSecurityHeaders } from './html';
import { pageLanguage } from './language';
import type { PageDeps } from './page-deps';
import { PAGE_ERRORS, PageError } from './page-errors';
import { publicParts } from './page-request';
import { textFor } from './text';

/** Where the error happened, for the page's "start again" link and the audit row. */
export interface PageErrorContext {
  language: ConsentLanguage;
  accountId: string | null;
  /** The flow to restart: the consent or the bind page. */
  flow: 'consent' | 'bind';
}

/** The language and flow the request was in, as far as it can be told without trusting it. */
export function errorContext(deps: PageDeps, ctx: Context): PageErrorContext {
  const fromState = (ctx.state as { pageLanguage?: ConsentLanguage }).pageLanguage;
  const language = fromState ?? pageLanguage(ctx.query.lang, ctx.get('accept-language') || undefined);
  const account = String(ctx.params?.account ?? '');
  return { language, accountId: deps.accounts.has(account) ? account : null, flow: ctx.path.includes('/bind') ? 'bind' : 'consent' };
}

/** Catch everything the page routes throw and answer it. */
export function pageErrors(deps: PageDeps): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const error = err instanceof PageError ? err : new PageError('internal', undefined, { cause: err });
      await answerError(deps, ctx, error);
    }
  };
}

/** Answer `ctx` with `error`, log it and audit it. */
export async function answerError(deps: PageDeps, ctx: Context, error: PageError): Promise<void> {
  const spec = PAGE_ERRORS[error.code];
  const where = errorContext(deps, ctx);
  const route = (ctx._matchedRoute as string | undefined) ?? 'page';
  const line = { code: error.code, problem: error.problem, status: spec.status, errorId: error.errorId, route, account: where.accountId };
  if (spec.status >= 500) deps.logger.error({ ...line, err: error.cause ?? error }, 'page request failed');
  else deps.logger.warn(line, 'page request refused');
  if (spec.audit) {
    await deps.audit
      .record({
        type: 'page.rejected',
        actor: { subject: `${where.flow}-page`, via: 'anonymous' },
        target: where.accountId,
        outcome: spec.status >= 500 ? 'failure' : 'denied',
        details: { code: error.code, status: spec.status, route, errorId: error.errorId, ...(error.problem ? { problem: error.problem } : {}) },
      })
      .catch((auditErr: unknown) => deps.logger.error({ err: auditErr, errorId: error.errorId }, 'audit of a refused page request failed'));
  }
  ctx.set('x-cgw-error-id', error.errorId);
  if (spec.status === 405) ctx.set('allow', /\/(oauth|bind)$/.test(ctx.path) ? 'GET, HEAD' : 'GET, HEAD, POST');
  if (spec.status === 503) ctx.set('retry-after', '30');
  if (ctx.accepts('html', 'json') === 'json') {
    setSecurityHeaders(ctx);
    ctx.status = spec.status;
    ctx.type = 'application/problem+json';
    ctx.body = JSON.stringify({
      type: error.type,
      title: spec.title,
      status: spec.status,
      code: error.code,
      detail: spec.user.en,
      instance: `urn:uuid:${error.errorId}`,
    });
    return;
  }
  const t = textFor(where.language);
  const restart = spec.restart && where.accountId ? `${publicParts(deps).prefix}/p/${where.accountId}/${where.flow}?lang=${where.language}` : null;
  sendPage(ctx, spec.status, {
    language: where.language,
    title: t.errorTitle,
    body: html`<section class="card error" role="alert"><h1>${t.errorTitle}</h1><p>${spec.user[where.language]}</p>${restart ? html`<p><a class="button" href="${restart}">${t.startAgain}</a></p>` : ''}<p class="small">${t.errorId}: <span data-error-code="${error.code}">${error.errorId}</span></p></section>`,
  });
}
