/**
 * Wiring for the composition root: the sidebar's WeCom calls go through
 * gateway/upstream as the configured app (its token injected and refreshed
 * there), tickets are cached per process (jsapi-tickets.ts), the session key
 * is derived from the key store's index key, and items come from the
 * content library.
 */
import type { Logger } from 'pino';
import type { Middleware } from 'koa';
import type { KeyStore } from '../archive/crypto/key-store';
import type { AuditLog } from '../audit/audit-log';
import type { CorpConfig } from '../config/schema';
import type { PageStates } from '../consent/ports';
import type { ContentLibrary } from '../content-library/create-content-library';
import type { ContentLibraryConfig } from '../content-library/config';
import { imageOf } from '../content-library/item-commands';
import type { Upstream } from '../upstream/create-upstream';
import { wecomTokenKey } from '../upstream/token-key';
import { JsapiTickets } from './jsapi-tickets';
import type { SidebarCorp, SidebarDeps } from './sidebar-deps';
import { sidebarRoutes } from './sidebar-routes';
import { sidebarSessionKey } from './sidebar-session';

export interface SidebarWiring {
  config: ContentLibraryConfig;
  corps: readonly CorpConfig[];
  /** consent.publicBaseUrl: the default public base URL. */
  defaultPublicBaseUrl: string;
  contentLibrary: Pick<ContentLibrary, 'store' | 'commands'>;
  upstream: Pick<Upstream, 'callTencent'>;
  pageStates: PageStates;
  keyStore: KeyStore;
  subjectIndex(id: string): string;
  audit: Pick<AuditLog, 'record'>;
  logger: Logger;
  now(): number;
}

/** The sidebar's middleware (mount before the Tencent-compatible API) and its ticket cache. */
export function createSidebar(wiring: SidebarWiring): { middleware: Middleware; tickets: JsapiTickets } {
  const corps = new Map<string, SidebarCorp>();
  for (const entry of wiring.config.sidebar.corps) {
    const corp = wiring.corps.find((c) => c.id === entry.corp);
    if (corp) corps.set(corp.id, { id: corp.id, corpId: corp.corpId, agentId: entry.agentId });
  }
  const call = async (corpId: string, agentId: number, request: Parameters<Upstream['callTencent']>[1]): Promise<Record<string, unknown>> => {
    const result = await wiring.upstream.callTencent(wecomTokenKey(corpId, `app-${agentId}`), request);
    if (!result.ok) throw result.error;
    return result.body;
  };
  const tickets = new JsapiTickets({ now: wiring.now, get: (corpId, agentId, path, query) => call(corpId, agentId, { method: 'GET', path, query }) });
  const deps: SidebarDeps = {
    corps,
    config: wiring.config.sidebar,
    publicBaseUrl: wiring.config.sidebar.publicBaseUrl ?? wiring.defaultPublicBaseUrl,
    items: {
      approved: () => wiring.contentLibrary.store.approved(),
      get: (itemId) => wiring.contentLibrary.store.get(itemId),
      image: (row) => imageOf(wiring.contentLibrary.commands, row),
    },
    pageStates: wiring.pageStates,
    wecom: {
      get: (corp, path, query) => call(corp.corpId, corp.agentId, { method: 'GET', path, query }),
      uploadImage: (corp, file) => call(corp.corpId, corp.agentId, { method: 'POST', path: '/cgi-bin/media/upload', query: { type: 'image' }, multipart: { field: 'media', ...file } }),
    },
    tickets,
    sessionKey: sidebarSessionKey(wiring.keyStore.indexKey()),
    subjectIndex: wiring.subjectIndex,
    audit: wiring.audit,
    logger: wiring.logger,
    now: wiring.now,
  };
  return { middleware: sidebarRoutes(deps), tickets };
}
