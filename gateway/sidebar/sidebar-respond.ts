/**
 * The one place sidebar errors reach the wire, the log and the audit log: a
 * localized page for the WeCom web view, problem+json for the page's own
 * fetches (Accept: application/json); one log line (code, status, error id,
 * route, corp — never a userid); one `sidebar.rejected` audit row.
 */
import type { Context, Middleware } from 'koa';
import { html, sendPage, setSecurityHeaders } from '../pages/html';
import { pageLanguage } from '../pages/language';
import type { SidebarDeps } from './sidebar-deps';
import { SIDEBAR_ERRORS, SidebarError } from './sidebar-errors';
import { sidebarText } from './sidebar-text';

/** Catch everything the sidebar routes throw and answer it. */
export function sidebarErrors(deps: SidebarDeps): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      await answerError(deps, ctx, err instanceof SidebarError ? err : new SidebarError('internal', undefined, { cause: err }));
    }
  };
}

async function answerError(deps: SidebarDeps, ctx: Context, error: SidebarError): Promise<void> {
  const spec = SIDEBAR_ERRORS[error.code];
  const corp = String(ctx.params?.corp ?? '');
  const known = deps.corps.has(corp) ? corp : null;
  const route = (ctx._matchedRoute as string | undefined) ?? 'sidebar';
  const line = { code: error.code, problem: error.problem, status: spec.status, errorId: error.errorId, route, corp: known };
  if (spec.status >= 500) deps.logger.error({ ...line, err: error.cause ?? error }, 'sidebar request failed');
  else deps.logger.warn(line, 'sidebar request refused');
  if (spec.audit) {
    await deps.audit
      .record({
        type: 'sidebar.rejected',
        actor: { subject: 'wecom-sidebar', via: 'anonymous' },
        target: known,
        outcome: spec.status >= 500 ? 'failure' : 'denied',
        details: { code: error.code, status: spec.status, route, errorId: error.errorId, ...(error.problem ? { problem: error.problem } : {}) },
      })
      .catch((auditErr: unknown) => deps.logger.error({ err: auditErr, errorId: error.errorId }, 'audit of a refused sidebar request failed'));
  }
  ctx.set('x-cgw-error-id', error.errorId);
  if (spec.status === 405) ctx.set('allow', /\/media$/.test(ctx.path) ? 'POST' : 'GET, HEAD');
  if (spec.status === 503) ctx.set('retry-after', '30');
  const language = pageLanguage(ctx.query.lang, ctx.get('accept-language') || undefined);
  if (ctx.accepts('html', 'json') === 'json') {
    setSecurityHeaders(ctx);
    ctx.status = spec.status;
    ctx.type = 'application/problem+json';
    ctx.body = JSON.stringify({ type: error.type, title: spec.title, status: spec.status, code: error.code, detail: spec.user.en, instance: `urn:uuid:${error.errorId}` });
    return;
  }
  const t = sidebarText(language);
  sendPage(ctx, spec.status, {
    language,
    title: t.errorTitle,
    body: html`<section class="card error" role="alert"><h1>${t.errorTitle}</h1><p>${spec.user[language]}</p><p class="small">${t.errorId}: <span data-error-code="${error.code}">${error.errorId}</span></p></section>`,
  });
}
