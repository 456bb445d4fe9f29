/**
 * The bind page: OAuth names the WeChat user, the bank's login page names the
 * customer, and the bank's signed assertion (bound to this trip by its
 * `state` claim) links the two.
 *
 *   GET /p/:account/bind                → OAuth (no session) → bank login with a `bind-login` state
 *   GET|POST /p/:account/bind/complete  ← the bank, with `state` and `assertion`
 *
 * The completing browser must hold the page session the trip started in: a
 * state lured from someone else's trip (login CSRF — binding the victim's
 * customer id to the attacker's WeChat) finds no matching session. So the
 * bank's login page must be same-site with consent.publicBaseUrl when it
 * comes back with a POST (SameSite=Lax cookies ride only top-level GETs
 * across sites); a GET back works from anywhere.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { ConsentLanguage } from '../consent/config';
import type { PersonRef } from '../consent/ports';
import { AssertionError, AssertionKeysUnavailableError, MAX_ASSERTION_CHARS, type VerifiedAssertion } from './bind-assertion';
import { html, sendPage } from './html';
import { explicitLanguage, pageLanguage } from './language';
import type { PageAccount, PageDeps } from './page-deps';
import { PageError } from './page-errors';
import { checkOrigin, pageUrl, publicParts, readForm, requireSession, sessionOf } from './page-request';
import type { PageSession } from './page-session';
import { redirect, startOAuth } from './oauth-flow';
import { textFor } from './text';

const STATE = /^[A-Za-z0-9]{1,128}$/;

/** The bank-login state's data. */
interface BindLoginData {
  sid: string;
  openid: string;
  unionid?: string;
  lang: ConsentLanguage;
}

/** The bank's login URL, or null when binding is not configured. */
function loginUrlOf(deps: PageDeps): string | null {
  return deps.bind.loginUrl && deps.assertions ? deps.bind.loginUrl : null;
}

/** A customer id as the page may show it: the last four characters at most, the rest masked. */
export function maskCustomerId(customerId: string): string {
  const chars = [...customerId];
  const shown = chars.length >= 8 ? 4 : chars.length >= 5 ? 2 : 0;
  return '*'.repeat(Math.max(4, chars.length - shown)) + chars.slice(chars.length - shown).join('');
}

/** GET /p/:account/bind. @throws PageError bind.disabled */
export async function showBindPage(deps: PageDeps, ctx: Context, account: PageAccount): Promise<void> {
  const language = pageLanguage(ctx.query.lang, ctx.get('accept-language') || undefined);
  (ctx.state as { pageLanguage?: ConsentLanguage }).pageLanguage = language;
  const loginUrl = loginUrlOf(deps);
  if (!loginUrl) throw new PageError('bind.disabled');
  const session = sessionOf(deps, ctx, account.id);
  if (!session) {
    await startOAuth(deps, ctx, account, 'bind', language);
    return;
  }
  const data: BindLoginData = { sid: session.sessionId, openid: session.openid, ...(session.unionid ? { unionid: session.unionid } : {}), lang: language };
  // The trip through the bank's login lives as long as an OAuth state.
  const state = await deps.pageStates.create('bind-login', account.id, { ...data }, deps.consent.oauthStateTtlSeconds);
  const target = new URL(loginUrl);
  target.searchParams.set('state', state);
  target.searchParams.set('redirect_uri', pageUrl(deps, account.id, 'bind/complete'));
  target.searchParams.set('lang', language);
  redirect(ctx, target.toString());
}

/** What the bank sent back. */
interface BindReturn {
  state: string;
  assertion: string;
}

async function readReturn(ctx: Context): Promise<BindReturn> {
  let state: unknown;
  let assertion: unknown;
  if (ctx.method === 'POST') {
    const fields = await readForm(ctx);
    state = fields.get('state');
    assertion = fields.get('assertion');
  } else {
    state = ctx.query.state;
    assertion = ctx.query.assertion;
  }
  if (typeof state !== 'string' || !STATE.test(state)) throw new PageError('request.malformed', 'state');
  if (typeof assertion !== 'string' || assertion.length === 0) throw new PageError('request.malformed', 'assertion');
  if (assertion.length > MAX_ASSERTION_CHARS) throw new PageError('request.too_large');
  return { state, assertion };
}

/**
 * Verify, spend the state, bind. Nothing is bound unless every check passed.
 * @throws PageError assertion.invalid, assertion.keys_unavailable, bind.state_invalid, bind.session_mismatch, binding.conflict
 */
export async function completeBind(deps: PageDeps, account: PageAccount, session: PageSession, returned: BindReturn): Promise<{ verified: VerifiedAssertion; evidenceRecordId: string; language: ConsentLanguage; persons: PersonRef[] }> {
  let verified: VerifiedAssertion;
  try {
    verified = await deps.assertions!.verify(returned.assertion, { state: returned.state, openid: session.openid });
  } catch (err) {
    if (err instanceof AssertionError) throw new PageError('assertion.invalid', err.problem);
    if (err instanceof AssertionKeysUnavailableError) throw new PageError('assertion.keys_unavailable');
    throw err;
  }
  const data = (await deps.pageStates.consume(returned.state, 'bind-login', account.id)) as Partial<BindLoginData> | null;
  if (!data) throw new PageError('bind.state_invalid');
  if (data.sid !== session.sessionId || data.openid !== session.openid) throw new PageError('bind.session_mismatch');
  const language = explicitLanguage(data.lang) ?? 'zh-CN';

  const persons: PersonRef[] = [{ kind: 'openid', id: session.openid, accountId: account.id }];
  if (data.unionid) persons.push({ kind: 'unionid', id: data.unionid, accountId: account.id });
  const jti = typeof verified.claims.jti === 'string' && verified.claims.jti.length > 0 && verified.claims.jti.length <= 256 ? verified.claims.jti : undefined;
  const assertionSha256 = createHash('sha256').update(returned.assertion).digest('hex');
  const bound = deps.bindings.bind({
    persons,
    customerId: verified.customerId,
    source: 'bind_page',
    evidence: {
      payload: {
        page: 'bind',
        claims: verified.claims,
        header: { alg: verified.header.alg, ...(verified.header.kid ? { kid: verified.header.kid } : {}) },
        ...(jti ? { jti } : {}),
        assertionSha256,
        sessionId: session.sessionId,
      },
      dedupeKey: jti ? `bind-page:jti:${verified.claims.iss ?? ''}:${jti}` : `bind-page:state:${createHash('sha256').update(returned.state).digest('hex')}`,
    },
    occurredAt: deps.now(),
  });
  let evidenceRecordId: string;
  try {
    ({ evidenceRecordId } = await bound);
  } catch (err) {
    // The store refuses an openid already seen on another Official Account (openids are per account).
    if ((err as { name?: unknown }).name === 'BindingConflictError') throw new PageError('binding.conflict', undefined, { cause: err });
    throw err;
  }
  return { verified, evidenceRecordId, language, persons };
}

/** GET|POST /p/:account/bind/complete. */
export async function handleBindComplete(deps: PageDeps, ctx: Context, account: PageAccount): Promise<void> {
  const loginUrl = loginUrlOf(deps);
  if (!loginUrl) throw new PageError('bind.disabled');
  // The bank's form post comes from the bank's origin; anything else is foreign.
  if (ctx.method === 'POST') checkOrigin(ctx, [publicParts(deps).origin, new URL(loginUrl).origin], true);
  const returned = await readReturn(ctx);
  const session = requireSession(deps, ctx, account.id);
  const { verified, evidenceRecordId, language, persons } = await completeBind(deps, account, session, returned);
  (ctx.state as { pageLanguage?: ConsentLanguage }).pageLanguage = language;

  await deps.audit
    .record({
      type: 'binding.page_bound',
      actor: { subject: 'bind-page', via: 'system' },
      target: account.id,
      outcome: 'success',
      details: { evidenceRecordId, subjectIndex: deps.subjectIndex(session.openid), customerIndex: deps.customerIndex(verified.customerId), ids: persons.map((p) => p.kind), alg: verified.header.alg ?? null },
    })
    .catch((err: unknown) => deps.logger.error({ err, evidenceRecordId }, 'audit of a bind page binding failed'));
  deps.logger.info({ account: account.id, evidenceRecordId, ids: persons.length }, 'bind page binding recorded');

  const t = textFor(language);
  sendPage(ctx, 200, {
    language,
    title: t.boundTitle,
    body: html`<section class="card"><h1>${t.boundTitle}</h1><p data-testid="bound">${t.boundText(maskCustomerId(verified.customerId))}</p></section>`,
  });
}
