/** What the WeCom content sidebar is handed (create-sidebar.ts wires it). */
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import type { PageStates } from '../consent/ports';
import type { ContentItemRow } from '../db/entities';
import type { ContentLibraryConfig } from '../content-library/config';
import type { ItemImage } from '../content-library/item-content';
import type { JsapiTickets } from './jsapi-tickets';

/** A corp the sidebar serves: its configuration id, CorpID and the app (agent) the page is configured on. */
export interface SidebarCorp {
  id: string;
  corpId: string;
  agentId: number;
}

/** WeCom calls as the sidebar's app, through gateway/upstream (token injected). Each throws the upstream error. */
export interface SidebarWecom {
  get(corp: SidebarCorp, path: string, query: Record<string, string>): Promise<Record<string, unknown>>;
  uploadImage(corp: SidebarCorp, file: { filename: string; contentType: string; bytes: Buffer }): Promise<Record<string, unknown>>;
}

export interface SidebarDeps {
  corps: ReadonlyMap<string, SidebarCorp>;
  config: ContentLibraryConfig['sidebar'];
  /** The public base URL the WeCom client reaches the gateway on (origin and path prefix). */
  publicBaseUrl: string;
  items: {
    approved(): Promise<ContentItemRow[]>;
    get(itemId: string): Promise<ContentItemRow | null>;
    /** The bytes of an image item's current version (from its archive record). */
    image(row: ContentItemRow): Promise<ItemImage>;
  };
  pageStates: PageStates;
  wecom: SidebarWecom;
  tickets: JsapiTickets;
  /** AES-256-GCM key of the sidebar session cookie. */
  sessionKey: Buffer;
  /** Blind index of a userid: the only form an RM takes in audit rows and logs. */
  subjectIndex(id: string): string;
  audit: Pick<AuditLog, 'record'>;
  logger: Logger;
  now(): number;
}
