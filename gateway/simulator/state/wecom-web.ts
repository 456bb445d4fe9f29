/**
 * What WeCom remembers for web pages inside its client (the content
 * sidebar, a chat-toolbar page): web-authorization codes, the corp's and each
 * app's jsapi_ticket, and temporary media apps uploaded.
 *
 * - Codes: single use, 5 minutes, for one corp (and the app named by
 *   `agentid` when the authorize URL gave one).
 * - jsapi_ticket (`get_jsapi_ticket`, for wx.config) is the corp's;
 *   `ticket/get?type=agent_config` (for wx.agentConfig) is the app's. 7200 s,
 *   the same ticket while it is valid (as WeCom answers repeated calls), a
 *   new one after. Every call counts against 400 per hour per corp and 100
 *   per hour per app (limits-and-errors.md §2); beyond: 45009.
 * - Media: 3 days, kept with the md5 of the bytes (what the chat archive
 *   reports as md5sum when the file is sent).
 */
import type { Clock } from '../clock';
import { randomBase64Url, randomString, type Rng } from '../random';

export interface WecomWebLimits {
  codeSeconds: number;
  ticketSeconds: number;
  ticketsPerCorpPerHour: number;
  ticketsPerAppPerHour: number;
  imageMaxBytes: number;
  mediaSeconds: number;
}

export const DEFAULT_WECOM_WEB_LIMITS: WecomWebLimits = {
  codeSeconds: 300,
  ticketSeconds: 7200,
  ticketsPerCorpPerHour: 400,
  ticketsPerAppPerHour: 100,
  imageMaxBytes: 10 * 1024 * 1024,
  mediaSeconds: 3 * 24 * 3600,
};

/** Whose ticket: the corp's (wx.config) or one app's (wx.agentConfig). */
export type TicketScope = { kind: 'corp' } | { kind: 'agent'; agentId: number };

/** A ticket WeCom handed out. */
export interface IssuedTicket {
  corpId: string;
  scope: TicketScope;
  ticket: string;
  issuedAt: number;
  expiresAt: number;
}

/** One uploaded temporary media file. */
export interface StoredWecomMedia {
  mediaId: string;
  corpId: string;
  agentId: number;
  type: string;
  filename: string;
  size: number;
  md5: string;
  createdAt: number;
}

interface Code {
  corpId: string;
  agentId: number | null;
  /** Who the WeCom client was: a member's userid, or an outsider's id (answered with openid). */
  user: string;
  expiresAt: number;
  used: boolean;
}

export class WecomWebState {
  private readonly codes = new Map<string, Code>();
  private readonly tickets = new Map<string, IssuedTicket>();
  private readonly issued: IssuedTicket[] = [];
  private readonly fetches = new Map<string, number>();
  private readonly media = new Map<string, StoredWecomMedia>();

  constructor(private readonly clock: Clock, private readonly rng: Rng, readonly limits: WecomWebLimits = DEFAULT_WECOM_WEB_LIMITS) {}

  /** A fresh single-use code for `user` of `corpId`. */
  issueCode(corpId: string, agentId: number | null, user: string): string {
    const code = randomBase64Url(this.rng, 43);
    this.codes.set(code, { corpId, agentId, user, expiresAt: this.clock.now() + this.limits.codeSeconds * 1000, used: false });
    return code;
  }

  /** Spend `code` for an app of `corpId`: the user, or undefined (unknown, used, expired, another corp or app). */
  takeCode(code: string, corpId: string, agentId: number): string | undefined {
    const entry = this.codes.get(code);
    if (!entry || entry.used || entry.corpId !== corpId || entry.expiresAt <= this.clock.now()) return undefined;
    if (entry.agentId !== null && entry.agentId !== agentId) return undefined;
    entry.used = true;
    return entry.user;
  }

  /** The ticket of `scope` (the same one while valid), or 45009 when the hour's fetches are spent. */
  ticket(corpId: string, callerAgentId: number, scope: TicketScope): { ok: true; ticket: string; expiresIn: number } | { ok: false; errcode: 45009 } {
    const now = this.clock.now();
    const hour = Math.floor(now / 3_600_000);
    const corpKey = `${corpId}|${hour}`;
    const appKey = `${corpId}|${callerAgentId}|${hour}`;
    if ((this.fetches.get(corpKey) ?? 0) >= this.limits.ticketsPerCorpPerHour || (this.fetches.get(appKey) ?? 0) >= this.limits.ticketsPerAppPerHour) return { ok: false, errcode: 45009 };
    this.fetches.set(corpKey, (this.fetches.get(corpKey) ?? 0) + 1);
    this.fetches.set(appKey, (this.fetches.get(appKey) ?? 0) + 1);
    const key = scope.kind === 'corp' ? `${corpId}|corp` : `${corpId}|agent|${scope.agentId}`;
    let current = this.tickets.get(key);
    if (!current || current.expiresAt <= now) {
      current = { corpId, scope, ticket: randomString(this.rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 86), issuedAt: now, expiresAt: now + this.limits.ticketSeconds * 1000 };
      this.tickets.set(key, current);
      this.issued.push(current);
    }
    return { ok: true, ticket: current.ticket, expiresIn: Math.floor((current.expiresAt - now) / 1000) };
  }

  /** Every ticket issued for `corpId`, oldest first. */
  issuedTickets(corpId: string): IssuedTicket[] {
    return this.issued.filter((t) => t.corpId === corpId);
  }

  /** Ticket calls `corpId` made in the current hour. */
  ticketFetches(corpId: string): number {
    return this.fetches.get(`${corpId}|${Math.floor(this.clock.now() / 3_600_000)}`) ?? 0;
  }

  /** Remember an uploaded file; its media_id. */
  addMedia(media: Omit<StoredWecomMedia, 'mediaId' | 'createdAt'>): StoredWecomMedia {
    const stored: StoredWecomMedia = { ...media, mediaId: `3${randomBase64Url(this.rng, 63)}`, createdAt: this.clock.now() };
    this.media.set(stored.mediaId, stored);
    return stored;
  }

  /** A live media file by id. */
  mediaById(mediaId: string): StoredWecomMedia | undefined {
    const stored = this.media.get(mediaId);
    return stored && stored.createdAt + this.limits.mediaSeconds * 1000 > this.clock.now() ? stored : undefined;
  }

  /** Every upload of `corpId`. */
  uploads(corpId: string): StoredWecomMedia[] {
    return [...this.media.values()].filter((m) => m.corpId === corpId);
  }
}
