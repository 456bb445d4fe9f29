/**
 * The OAuth round trip both pages start with: send the browser to Tencent's
 * authorize URL with a single-use state, and on its return exchange the code
 * and open the page session (a sealed cookie), then go back to the page that
 * asked. The state's flow says which page that was.
 */
import type { Context } from 'koa';
import { OAuthCodeError, OAuthSnapshotUserError, requireRealUser, type OAuthIdentity } from '../../connectors/wechat/api/oauth';
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';
import type { ConsentLanguage } from '../consent/config';
import { explicitLanguage } from './language';
import type { PageAccount, PageDeps } from './page-deps';
import { PageError } from './page-errors';
import { newSessionId, sealSession, sessionCookieHeader, type PageSession } from './page-session';
import { pagePath, pageUrl, publicParts } from './page-request';
import { setSecurityHeaders } from './html';

/** The pages that start an OAuth round trip. */
export type OAuthFlow = 'consent' | 'bind';
const FLOWS: readonly OAuthFlow[] = ['consent', 'bind'];
const STATE = /^[A-Za-z0-9]{1,128}$/;
const CODE = /^[A-Za-z0-9_-]{1,128}$/;

/** 302 to Tencent's authorize URL; the state remembers the flow and language. */
export async function startOAuth(deps: PageDeps, ctx: Context, account: PageAccount, flow: OAuthFlow, language: ConsentLanguage): Promise<void> {
  const state = await deps.pageStates.create(flow, account.id, { flow, lang: language }, deps.consent.oauthStateTtlSeconds);
  redirect(ctx, deps.oauth.authorizeUrl(account, pageUrl(deps, account.id, 'oauth'), state));
}

/**
 * GET /p/:account/oauth?code&state: consume the state, exchange the code, open the session.
 * @throws PageError request.malformed, oauth.state_invalid, oauth.code_rejected, oauth.snapshot_user, upstream.unavailable
 */
export async function finishOAuth(deps: PageDeps, ctx: Context, account: PageAccount): Promise<void> {
  const { code, state } = ctx.query;
  if (typeof state !== 'string' || !STATE.test(state)) throw new PageError('request.malformed', 'state');
  // No code: the user declined (snsapi_userinfo) or the redirect was tampered with.
  if (typeof code !== 'string' || !CODE.test(code)) throw new PageError('request.malformed', 'code');
  let flow: OAuthFlow | undefined;
  let data: Record<string, string> | null = null;
  // A state is consumed only by its own flow (PageStates.consume answers null for another one).
  for (const candidate of FLOWS) {
    data = await deps.pageStates.consume(state, candidate, account.id);
    if (data) {
      flow = candidate;
      break;
    }
  }
  if (!data || !flow || data.flow !== flow) throw new PageError('oauth.state_invalid');
  const language = explicitLanguage(data.lang) ?? 'zh-CN';
  (ctx.state as { pageLanguage?: ConsentLanguage }).pageLanguage = language;

  let identity: OAuthIdentity;
  try {
    identity = requireRealUser(await deps.oauth.exchange(account, code));
  } catch (err) {
    if (err instanceof OAuthCodeError) throw new PageError('oauth.code_rejected', err.problem);
    if (err instanceof OAuthSnapshotUserError) throw new PageError('oauth.snapshot_user');
    if (err instanceof TencentApiError) {
      if (err.retry === 'never' && err.kind === 'errcode') throw new PageError('internal', `tencent_${err.errcode}`, { cause: err });
      throw new PageError('upstream.unavailable', err.label, { cause: err });
    }
    throw err;
  }

  const session: PageSession = {
    accountId: account.id,
    openid: identity.openid,
    ...(identity.unionid ? { unionid: identity.unionid } : {}),
    sessionId: newSessionId(),
    expiresAt: deps.now() + deps.consent.pageSessionTtlSeconds * 1000,
  };
  setSessionCookie(deps, ctx, session);
  redirect(ctx, `${pagePath(deps, account.id, flow)}?lang=${language}`);
}

/** Store `session` in this browser. */
export function setSessionCookie(deps: PageDeps, ctx: Context, session: PageSession): void {
  const { prefix, secure } = publicParts(deps);
  ctx.append('set-cookie', sessionCookieHeader(sealSession(deps.sessionKey, session), { path: `${prefix}/p/${session.accountId}/`, maxAgeSeconds: deps.consent.pageSessionTtlSeconds, secure }));
}

/** A 302 with the pages' headers. */
export function redirect(ctx: Context, location: string): void {
  setSecurityHeaders(ctx);
  ctx.status = 302;
  ctx.set('location', location);
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = 'Redirecting';
}
