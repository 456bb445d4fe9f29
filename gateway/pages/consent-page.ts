/**
 * GET /p/:account/consent: without a page session, the OAuth round trip;
 * with one, the form — one choice per configured notice, the person's
 * current state, and a one-time form token tied to the session and to the
 * notice versions shown.
 */
import type { Context } from 'koa';
import type { ConsentLanguage } from '../consent/config';
import type { PersonRef } from '../consent/ports';
import { sendPage, type Shell } from './html';
import { pageLanguage } from './language';
import type { PageAccount, PageDeps } from './page-deps';
import { pagePath, sessionOf } from './page-request';
import type { PageSession } from './page-session';
import { startOAuth } from './oauth-flow';
import { consentForm } from './render-consent';
import { textFor } from './text';

/** The ledger person of a page session: consent given on the page is the openid's. */
export function personOf(session: PageSession): PersonRef {
  return { kind: 'openid', id: session.openid, accountId: session.accountId };
}

/** The language switch: links to the same page in the other languages. */
export function languageSwitch(deps: PageDeps, accountId: string, page: string, language: ConsentLanguage): Pick<Shell, 'switchTo' | 'currentLanguageLabel'> {
  const others: ConsentLanguage[] = language === 'en' ? ['zh-CN'] : ['en'];
  return {
    currentLanguageLabel: textFor(language).languageName,
    switchTo: others.map((other) => ({ language: other, label: textFor(other).languageName, href: `${pagePath(deps, accountId, page)}?lang=${other}` })),
  };
}

/** The form token's data: whose session it belongs to and which notice versions it showed. */
export interface FormTokenData {
  sid: string;
  lang: ConsentLanguage;
  /** JSON `{purpose: version}` of the notices shown. */
  versions: string;
}

/** GET /p/:account/consent. */
export async function showConsentPage(deps: PageDeps, ctx: Context, account: PageAccount): Promise<void> {
  const language = pageLanguage(ctx.query.lang, ctx.get('accept-language') || undefined);
  (ctx.state as { pageLanguage?: ConsentLanguage }).pageLanguage = language;
  const session = sessionOf(deps, ctx, account.id);
  if (!session) {
    await startOAuth(deps, ctx, account, 'consent', language);
    return;
  }
  const notices = deps.notices.list(language);
  const current = await deps.ledger.current(personOf(session));
  const data: FormTokenData = { sid: session.sessionId, lang: language, versions: JSON.stringify(Object.fromEntries(notices.map((n) => [n.purpose, n.version]))) };
  const formToken = await deps.pageStates.create('consent-form', account.id, { ...data }, deps.consent.pageSessionTtlSeconds);
  sendPage(ctx, 200, {
    language,
    title: textFor(language).consentTitle,
    ...languageSwitch(deps, account.id, 'consent', language),
    body: consentForm({ language, notices, current, formAction: pagePath(deps, account.id, 'consent'), formToken }),
  });
}
