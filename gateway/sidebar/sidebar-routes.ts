/**
 * The WeCom content sidebar: the page WeCom's chat toolbar opens for an RM,
 * listing approved content items to send into the current chat. Thin
 * handlers; every refusal goes through sidebar-respond.ts.
 *
 *   GET  /wecom/:corp/sidebar                       no session → WeCom web authorization; else the page
 *   GET  /wecom/:corp/sidebar/oauth?code&state      WeCom's redirect back: state → getuserinfo → member? → session
 *   GET  /wecom/:corp/sidebar/jsapi-config?url=     signatures for wx.config and wx.agentConfig of this page's URL
 *   POST /wecom/:corp/sidebar/items/:itemId/media   an approved image item's WeCom media_id (uploaded once per version, kept < 3 days)
 *   GET  /wecom/:corp/sidebar/items/:itemId/image   an approved image item's bytes (the card's preview)
 *
 * Mounted before the Tencent-compatible API, which owns every other /wecom/ path.
 */
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { ConsentLanguage } from '../consent/config';
import type { ContentItemRow } from '../db/entities';
import { redirect } from '../pages/oauth-flow';
import { explicitLanguage, pageLanguage } from '../pages/language';
import { sendPage, setSecurityHeaders } from '../pages/html';
import { newSessionId } from '../pages/page-session';
import { signPage, signedUrl } from './jsapi-signature';
import { TicketUnavailableError } from './jsapi-tickets';
import { sidebarBody, type SidebarPaths } from './render-sidebar';
import type { SidebarCorp, SidebarDeps } from './sidebar-deps';
import { SidebarError } from './sidebar-errors';
import { sidebarErrors } from './sidebar-respond';
import { openSidebarSession, sealSidebarSession, sidebarCookieHeader, sidebarCookiesFrom, type SidebarSession } from './sidebar-session';
import { sidebarText } from './sidebar-text';
import { exchangeWecomCode, WecomCodeRejectedError, wecomAuthorizeUrl } from './wecom-web-auth';

const STATE = /^[A-Za-z0-9]{1,128}$/;
const CODE = /^[A-Za-z0-9_-]{1,512}$/;
const ITEM_ID = /^[0-9a-f-]{36}$/;
const SIDEBAR_PATH = /^\/wecom\/[^/]+\/sidebar(\/|$)/;
/** Keep a WeCom media_id well inside its 3 days. */
const MEDIA_TTL_MS = 2.5 * 24 * 3600_000;

/** The sidebar as one middleware (only /wecom/:corp/sidebar…; everything else passes through). */
export function sidebarRoutes(deps: SidebarDeps): Middleware {
  const { origin, prefix, secure } = publicParts(deps.publicBaseUrl);
  const media = new Map<string, { mediaId: string; expiresAt: number }>();
  const uploading = new Map<string, Promise<string>>();
  const pagePath = (corp: string) => `${prefix}/wecom/${corp}/sidebar`;
  const paths = (corp: string): SidebarPaths => ({
    config: `${pagePath(corp)}/jsapi-config`,
    media: (itemId) => `${pagePath(corp)}/items/${itemId}/media`,
    image: (itemId) => `${pagePath(corp)}/items/${itemId}/image`,
  });

  const corpOf = (ctx: Context): SidebarCorp => {
    const corp = deps.corps.get(String(ctx.params.corp ?? ''));
    if (!corp) throw new SidebarError('corp.unknown');
    return corp;
  };

  const sessionOf = (ctx: Context, corp: SidebarCorp): SidebarSession | null => {
    for (const value of sidebarCookiesFrom(ctx.get('cookie') || undefined)) {
      const session = openSidebarSession(deps.sessionKey, corp.id, value, deps.now());
      if (session) return session;
    }
    return null;
  };

  const requireSession = (ctx: Context, corp: SidebarCorp): SidebarSession => {
    const session = sessionOf(ctx, corp);
    if (!session) throw new SidebarError('session.missing');
    return session;
  };

  const approvedItem = async (itemId: string, kind?: ContentItemRow['kind']): Promise<ContentItemRow> => {
    if (!ITEM_ID.test(itemId)) throw new SidebarError('request.malformed', 'item_id');
    const item = await deps.items.get(itemId);
    if (!item || item.status !== 'approved' || (kind && item.kind !== kind)) throw new SidebarError('item.not_approved');
    return item;
  };

  async function showSidebar(ctx: Context): Promise<void> {
    const corp = corpOf(ctx);
    const language = pageLanguage(ctx.query.lang, ctx.get('accept-language') || undefined);
    const session = sessionOf(ctx, corp);
    if (!session) {
      const state = await deps.pageStates.create('sidebar', corp.id, { lang: language }, deps.config.oauthStateTtlSeconds);
      redirect(ctx, wecomAuthorizeUrl({ authorizeUrl: deps.config.oauthAuthorizeUrl, corpId: corp.corpId, agentId: corp.agentId, redirectUri: `${origin}${pagePath(corp.id)}/oauth`, state }));
      return;
    }
    const items = await deps.items.approved();
    const t = sidebarText(language);
    const { body, script } = sidebarBody(items, language, paths(corp.id), deps.config);
    const other: ConsentLanguage = language === 'en' ? 'zh-CN' : 'en';
    sendPage(ctx, 200, {
      language, title: t.title, body, script,
      currentLanguageLabel: t.languageName,
      switchTo: [{ language: other, label: sidebarText(other).languageName, href: `${pagePath(corp.id)}?lang=${other}` }],
    });
  }

  async function finishOAuth(ctx: Context): Promise<void> {
    const corp = corpOf(ctx);
    const { code, state } = ctx.query;
    if (typeof state !== 'string' || !STATE.test(state)) throw new SidebarError('request.malformed', 'state');
    if (typeof code !== 'string' || !CODE.test(code)) throw new SidebarError('request.malformed', 'code');
    const data = await deps.pageStates.consume(state, 'sidebar', corp.id);
    if (!data) throw new SidebarError('oauth.state_invalid');
    const language = explicitLanguage(data.lang) ?? 'zh-CN';
    let identity;
    try {
      identity = await exchangeWecomCode((path, query) => deps.wecom.get(corp, path, query), code);
    } catch (err) {
      if (err instanceof WecomCodeRejectedError) throw new SidebarError('oauth.code_rejected', `wecom_${err.errcode}`, { cause: err });
      throw new SidebarError('upstream.unavailable', 'getuserinfo', { cause: err });
    }
    if (!identity.member) throw new SidebarError('oauth.not_member');
    const session: SidebarSession = { corp: corp.id, userid: identity.userid, sessionId: newSessionId(), expiresAt: deps.now() + deps.config.sessionTtlSeconds * 1000 };
    ctx.append('set-cookie', sidebarCookieHeader(sealSidebarSession(deps.sessionKey, session), { path: pagePath(corp.id), maxAgeSeconds: deps.config.sessionTtlSeconds, secure }));
    await deps.audit.record({ type: 'sidebar.signed_in', actor: { subject: 'wecom-sidebar', via: 'system' }, target: corp.id, outcome: 'success', details: { corp: corp.id, rm: deps.subjectIndex(identity.userid) } });
    redirect(ctx, `${pagePath(corp.id)}?lang=${language}`);
  }

  async function jsapiConfig(ctx: Context): Promise<void> {
    const corp = corpOf(ctx);
    requireSession(ctx, corp);
    const url = ctx.query.url;
    if (typeof url !== 'string' || url.length > 2048) throw new SidebarError('request.malformed', 'url');
    let page: URL;
    try {
      page = new URL(signedUrl(url));
    } catch {
      throw new SidebarError('request.malformed', 'url');
    }
    // Only this corp's sidebar page is signed: a signature is a capability on any page that carries it.
    if (page.origin !== origin || page.pathname !== pagePath(corp.id)) throw new SidebarError('url.foreign');
    let corpTicket: string;
    let agentTicket: string;
    try {
      [corpTicket, agentTicket] = await Promise.all([deps.tickets.get(corp.corpId, corp.agentId, 'corp'), deps.tickets.get(corp.corpId, corp.agentId, 'agent')]);
    } catch (err) {
      if (err instanceof TicketUnavailableError) throw new SidebarError('upstream.unavailable', `ticket_${err.reason}`, { cause: err });
      throw err;
    }
    const now = deps.now();
    json(ctx, { corpId: corp.corpId, agentId: corp.agentId, config: signPage(corpTicket, url, now), agentConfig: signPage(agentTicket, url, now) });
  }

  async function imageMedia(ctx: Context): Promise<void> {
    const corp = corpOf(ctx);
    checkOrigin(ctx, origin);
    const session = requireSession(ctx, corp);
    const item = await approvedItem(String(ctx.params.itemId ?? ''), 'image');
    const key = `${corp.id}|${item.id}|${item.version}`;
    const cached = media.get(key);
    if (cached && cached.expiresAt > deps.now()) {
      json(ctx, { mediaId: cached.mediaId });
      return;
    }
    let pending = uploading.get(key);
    if (!pending) {
      pending = upload(corp, item, session).finally(() => uploading.delete(key));
      uploading.set(key, pending);
    }
    json(ctx, { mediaId: await pending });
  }

  async function upload(corp: SidebarCorp, item: ContentItemRow, session: SidebarSession): Promise<string> {
    const image = await deps.items.image(item);
    let answer: Record<string, unknown>;
    try {
      const extension = image.contentType === 'image/png' ? 'png' : image.contentType === 'image/gif' ? 'gif' : 'jpg';
      answer = await deps.wecom.uploadImage(corp, { filename: `content-${item.id.slice(0, 8)}.${extension}`, contentType: image.contentType, bytes: image.bytes });
    } catch (err) {
      throw new SidebarError('upstream.unavailable', 'media_upload', { cause: err });
    }
    const mediaId = answer.media_id;
    if (typeof mediaId !== 'string' || mediaId === '') throw new SidebarError('upstream.unavailable', 'media_upload');
    media.set(`${corp.id}|${item.id}|${item.version}`, { mediaId, expiresAt: deps.now() + MEDIA_TTL_MS });
    await deps.audit.record({ type: 'sidebar.media_uploaded', actor: { subject: 'wecom-sidebar', via: 'system' }, target: item.id, outcome: 'success', details: { corp: corp.id, itemId: item.id, version: item.version, rm: deps.subjectIndex(session.userid) } });
    return mediaId;
  }

  async function imagePreview(ctx: Context): Promise<void> {
    const corp = corpOf(ctx);
    requireSession(ctx, corp);
    const item = await approvedItem(String(ctx.params.itemId ?? ''), 'image');
    const image = await deps.items.image(item);
    setSecurityHeaders(ctx);
    ctx.set('cache-control', 'private, no-store');
    ctx.type = image.contentType;
    ctx.body = image.bytes;
  }

  const router = new Router({ prefix: '/wecom/:corp/sidebar' });
  router.get('/', showSidebar);
  router.get('/oauth', finishOAuth);
  router.get('/jsapi-config', jsapiConfig);
  router.post('/items/:itemId/media', imageMedia);
  router.get('/items/:itemId/image', imagePreview);
  const routes = router.routes();
  const errors = sidebarErrors(deps);
  return async (ctx, next) => {
    if (!SIDEBAR_PATH.test(ctx.path)) return next();
    await errors(ctx, async () => {
      await routes(ctx as Parameters<typeof routes>[0], async () => {
        const known = /^\/wecom\/[^/]+\/sidebar(\/oauth|\/jsapi-config|\/items\/[^/]+\/(media|image))?$/.test(ctx.path);
        throw new SidebarError(known ? 'sidebar.method_not_allowed' : 'sidebar.not_found');
      });
    });
  };
}

function json(ctx: Context, body: unknown): void {
  setSecurityHeaders(ctx);
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

/** A state-changing request must come from the sidebar's own origin (its fetch sends Origin). @throws SidebarError csrf.origin */
function checkOrigin(ctx: Context, allowed: string): void {
  const origin = ctx.get('origin');
  if (origin) {
    if (origin !== allowed) throw new SidebarError('csrf.origin', origin === 'null' ? 'opaque_origin' : 'foreign_origin');
    return;
  }
  const referer = ctx.get('referer');
  if (!referer) throw new SidebarError('csrf.origin', 'no_origin');
  let from: string;
  try {
    from = new URL(referer).origin;
  } catch {
    throw new SidebarError('csrf.origin', 'bad_referer');
  }
  if (from !== allowed) throw new SidebarError('csrf.origin', 'foreign_referer');
}

function publicParts(base: string): { origin: string; prefix: string; secure: boolean } {
  const url = new URL(base);
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, ''), secure: url.protocol === 'https:' };
}
