/**
 * The pages the gateway serves to WeChat users, under /p/:account/ — thin
 * handlers over the commands in this folder; every refusal goes through
 * respond.ts (localized page or problem+json, log line, audit row).
 *
 *   GET  /p/:account/consent          consent form (OAuth first when there is no page session)
 *   POST /p/:account/consent          record the choices
 *   GET  /p/:account/oauth            Tencent's redirect back: code + state → page session
 *   GET  /p/:account/bind             OAuth, then the bank's login page
 *   GET|POST /p/:account/bind/complete  the bank's signed assertion → binding
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { handleBindComplete, showBindPage } from './bind-page';
import { showConsentPage } from './consent-page';
import { handleConsentSubmit } from './consent-submit';
import { finishOAuth } from './oauth-flow';
import type { PageDeps } from './page-deps';
import { PageError } from './page-errors';
import { accountOf } from './page-request';
import { pageErrors } from './respond';

/** The consent and bind pages as one middleware (mount it on the gateway's Koa app). */
export function consentPages(deps: PageDeps): Middleware {
  const router = new Router({ prefix: '/p/:account' });
  router.get('/consent', (ctx) => showConsentPage(deps, ctx, accountOf(deps, ctx)));
  router.post('/consent', (ctx) => handleConsentSubmit(deps, ctx, accountOf(deps, ctx)));
  router.get('/oauth', (ctx) => finishOAuth(deps, ctx, accountOf(deps, ctx)));
  router.get('/bind', (ctx) => showBindPage(deps, ctx, accountOf(deps, ctx)));
  router.get('/bind/complete', (ctx) => handleBindComplete(deps, ctx, accountOf(deps, ctx)));
  router.post('/bind/complete', (ctx) => handleBindComplete(deps, ctx, accountOf(deps, ctx)));

  const routes = router.routes();
  const errors = pageErrors(deps);
  const unmatched = (path: string): PageError => {
    // Reached only when no route answered: a known page with another method, or no page at all.
    const known = /^\/p\/[^/]+\/(consent|oauth|bind|bind\/complete)$/.test(path);
    return new PageError(known ? 'page.method_not_allowed' : 'page.not_found');
  };
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/p/')) return next();
    await errors(ctx, async () => {
      await routes(ctx as Parameters<typeof routes>[0], async () => {
        throw unmatched(ctx.path);
      });
    });
  };
}
