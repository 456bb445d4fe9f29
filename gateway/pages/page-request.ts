/**
 * What every page handler reads from a request, each check throwing the
 * PageError that names it: the account, the page session, the form body and
 * where a POST came from (CSRF).
 */
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { openSession, sessionCookiesFrom, type PageSession } from './page-session';
import { PageError } from './page-errors';
import type { PageAccount, PageDeps } from './page-deps';

/** Largest form the pages accept (the consent form is well under 1 KB). */
export const MAX_FORM_BYTES = 16 * 1024;

/** The configured account named in the path. @throws PageError account.unknown */
export function accountOf(deps: PageDeps, ctx: Context): PageAccount {
  const account = deps.accounts.get(String(ctx.params.account ?? ''));
  if (!account) throw new PageError('account.unknown');
  return account;
}

/** The open page session of this browser for `accountId`, or null. */
export function sessionOf(deps: PageDeps, ctx: Context, accountId: string): PageSession | null {
  const now = deps.now();
  for (const value of sessionCookiesFrom(ctx.get('cookie') || undefined)) {
    const session = openSession(deps.sessionKey, accountId, value, now);
    if (session) return session;
  }
  return null;
}

/** The page session, required. @throws PageError session.missing */
export function requireSession(deps: PageDeps, ctx: Context, accountId: string): PageSession {
  const session = sessionOf(deps, ctx, accountId);
  if (!session) throw new PageError('session.missing');
  return session;
}

/**
 * The origin a POST came from must be one of `allowed`: the Origin header,
 * or (older browsers, Origin absent) the Referer's origin. `allowMissing`
 * accepts a request carrying neither (the bank's own form post, where the
 * signed assertion is the proof).
 * @throws PageError csrf.origin
 */
export function checkOrigin(ctx: Context, allowed: readonly string[], allowMissing = false): void {
  const origin = ctx.get('origin');
  if (origin) {
    if (!allowed.includes(origin)) throw new PageError('csrf.origin', origin === 'null' ? 'opaque_origin' : 'foreign_origin');
    return;
  }
  const referer = ctx.get('referer');
  if (referer) {
    let refererOrigin: string;
    try {
      refererOrigin = new URL(referer).origin;
    } catch {
      throw new PageError('csrf.origin', 'bad_referer');
    }
    if (!allowed.includes(refererOrigin)) throw new PageError('csrf.origin', 'foreign_referer');
    return;
  }
  if (!allowMissing) throw new PageError('csrf.origin', 'no_origin');
}

/**
 * The urlencoded form body as single-valued fields. A repeated field, a body
 * that is not UTF-8 or not urlencoded is malformed.
 * @throws PageError request.unsupported_media_type, request.too_large, request.malformed
 */
export async function readForm(ctx: Context): Promise<Map<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new PageError('request.unsupported_media_type');
  let raw: Buffer;
  try {
    const declared = ctx.get('content-length');
    raw = await getRawBody(ctx.req, { limit: MAX_FORM_BYTES, ...(declared ? { length: declared } : {}) });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new PageError('request.too_large');
    throw new PageError('request.malformed', 'unreadable_body');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new PageError('request.malformed', 'not_utf8');
  }
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (fields.has(name)) throw new PageError('request.malformed', 'repeated_field');
    fields.set(name, value);
  }
  return fields;
}

/** The origin and path prefix of consent.publicBaseUrl (e.g. `https://wx.bank.example`, `/cgw`). */
export function publicParts(deps: PageDeps): { origin: string; prefix: string; secure: boolean } {
  const url = new URL(deps.consent.publicBaseUrl);
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, ''), secure: url.protocol === 'https:' };
}

/** The public path of an account's page, e.g. `/p/main-oa/consent`. */
export function pagePath(deps: PageDeps, accountId: string, page: string): string {
  return `${publicParts(deps).prefix}/p/${accountId}/${page}`;
}

/** The absolute public URL of an account's page. */
export function pageUrl(deps: PageDeps, accountId: string, page: string): string {
  return publicParts(deps).origin + pagePath(deps, accountId, page);
}
