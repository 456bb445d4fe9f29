/**
 * WeCom jsapi tickets through gateway/upstream (the app's access token is
 * injected and refreshed there): the corp's (`GET /cgi-bin/get_jsapi_ticket`,
 * for wx.config) and the app's (`GET /cgi-bin/ticket/get?type=agent_config`,
 * for wx.agentConfig).
 *
 * WeCom allows 400 ticket calls per hour per corp and 100 per app
 * (limits-and-errors.md §2) and asks for a global cache. Each process keeps
 * the ticket until 5 minutes before its expiry, one fetch at a time per
 * ticket, and a failed fetch is not repeated for 5 seconds. Unlike access
 * tokens, WeCom answers the same ticket while it is valid, so replicas
 * fetching their own never invalidate each other's: N replicas cost about N
 * calls per two hours. A process also refuses to make more than
 * `maxFetchesPerHour` calls per ticket (a loop can never exhaust the corp's quota).
 */
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';

/** Which ticket. */
export type TicketKind = 'corp' | 'agent';

/** The ticket could not be had: why, and whether retrying soon can help. */
export class TicketUnavailableError extends Error {
  constructor(readonly reason: 'quota' | 'upstream' | 'held', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TicketUnavailableError';
  }
}

export interface JsapiTicketsDeps {
  /** GET `path` with `query` as the app (corp `corpId`, agent `agentId`); Tencent's JSON, or throws the upstream error. */
  get(corpId: string, agentId: number, path: string, query: Record<string, string>): Promise<Record<string, unknown>>;
  now(): number;
  /** Calls per ticket per hour this process allows itself (default 20). */
  maxFetchesPerHour?: number;
}

interface Cached {
  ticket: string;
  expiresAt: number;
}

const RENEW_BEFORE_MS = 5 * 60_000;
const HOLD_AFTER_FAILURE_MS = 5_000;

export class JsapiTickets {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly fetches = new Map<string, number[]>();
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly deps: JsapiTicketsDeps) {}

  /** The ticket, from cache or fetched once. @throws TicketUnavailableError */
  get(corpId: string, agentId: number, kind: TicketKind): Promise<string> {
    const key = `${corpId}|${agentId}|${kind}`;
    const now = this.deps.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > now) return Promise.resolve(cached.ticket);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetch(key, corpId, agentId, kind, now).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** How many ticket calls this process made in the last hour (all tickets). */
  fetchesInLastHour(): number {
    const since = this.deps.now() - 3_600_000;
    let total = 0;
    for (const times of this.fetches.values()) total += times.filter((t) => t > since).length;
    return total;
  }

  private async fetch(key: string, corpId: string, agentId: number, kind: TicketKind, now: number): Promise<string> {
    const failed = this.failedAt.get(key);
    if (failed !== undefined && now - failed < HOLD_AFTER_FAILURE_MS) throw new TicketUnavailableError('held', 'the last ticket fetch failed moments ago; try again shortly');
    const times = (this.fetches.get(key) ?? []).filter((t) => t > now - 3_600_000);
    if (times.length >= (this.deps.maxFetchesPerHour ?? 20)) throw new TicketUnavailableError('quota', 'this process fetched this jsapi ticket too often in the last hour');
    times.push(now);
    this.fetches.set(key, times);
    let body: Record<string, unknown>;
    try {
      body = kind === 'corp' ? await this.deps.get(corpId, agentId, '/cgi-bin/get_jsapi_ticket', {}) : await this.deps.get(corpId, agentId, '/cgi-bin/ticket/get', { type: 'agent_config' });
    } catch (err) {
      this.failedAt.set(key, now);
      const quota = err instanceof TencentApiError && err.kind === 'errcode' && err.errcode === 45009;
      throw new TicketUnavailableError(quota ? 'quota' : 'upstream', quota ? 'WeCom refused: jsapi ticket quota reached (45009)' : 'WeCom did not hand out a jsapi ticket', { cause: err });
    }
    const ticket = body.ticket;
    const expiresIn = Number(body.expires_in);
    if (typeof ticket !== 'string' || ticket === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      this.failedAt.set(key, now);
      throw new TicketUnavailableError('upstream', 'WeCom answered without a ticket');
    }
    this.failedAt.delete(key);
    this.cache.set(key, { ticket, expiresAt: now + expiresIn * 1000 });
    return ticket;
  }
}
