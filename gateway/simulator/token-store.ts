/**
 * Tencent's OA access_token state (wechat-oa.md §2, limits-and-errors.md §1–2).
 * Two isolated families per account, `/cgi-bin/token` and `stable_token`.
 * In each family at most two tokens live at once: issuing a new one gives the
 * previous one a 5-minute overlap and kills anything older at once — which is
 * why two forced refreshes 30 s apart revoke a leaked token.
 */
import { APP_SECRET_PATTERN, type SimulatedAccount } from './accounts';
import { beijingDay, type Clock } from './clock';
import { cryptoRng, randomBase64Url, type Rng } from './random';
import { ipNotWhitelistedMessage, type OaErrcode } from './tencent-error';

/** Every number Tencent documents, overridable so tests can reach the edges quickly. */
export interface TokenLimits {
  ttlSeconds: number;
  overlapSeconds: number;
  tokenDailyQuota: number;
  stableDailyQuota: number;
  stablePerMinute: number;
  forceRefreshDailyLimit: number;
  forceRefreshMinIntervalSeconds: number;
  /** stable_token hands out a fresh token once the current one has less than this left. */
  stableRenewWithinSeconds: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = {
  ttlSeconds: 7200,
  overlapSeconds: 300,
  tokenDailyQuota: 2000,
  stableDailyQuota: 500_000,
  stablePerMinute: 10_000,
  forceRefreshDailyLimit: 20,
  forceRefreshMinIntervalSeconds: 30,
  stableRenewWithinSeconds: 300,
};

export type TokenFamily = 'token' | 'stable';

interface IssuedToken {
  readonly value: string;
  readonly appId: string;
  readonly family: TokenFamily;
  readonly expiresAt: number;
  /** When supersession ends its validity (overlap end, or at once when pushed out). */
  revokedAt?: number;
}

/** A grant, or the errcode Tencent answers instead. */
export type TokenGrant =
  | { ok: true; accessToken: string; expiresIn: number }
  | { ok: false; errcode: OaErrcode; message?: string };

/** Result of checking an access_token on an API call. */
export type TokenCheck =
  | { errcode: 0; appId: string; family: TokenFamily }
  | { errcode: 40001 | 40014 | 41001 | 42001 };

export interface TokenRequest {
  grantType: string | undefined;
  appId: string | undefined;
  secret: string | undefined;
  /** The caller's address as Tencent sees it, for the IP whitelist. */
  callerIp: string;
}

interface FamilyState {
  current?: IssuedToken;
  previous?: IssuedToken;
}

interface AccountState {
  token: FamilyState;
  stable: FamilyState;
  /** Usage per counter for its current period only: a new period starts from zero. */
  counters: Map<string, { period: string; used: number }>;
  lastForcedAt?: number;
}

/** Issues and checks access tokens for a set of simulated accounts. */
export class OaTokenStore {
  readonly limits: TokenLimits;
  private readonly accounts = new Map<string, SimulatedAccount>();
  private readonly state = new Map<string, AccountState>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly rng: Rng;

  constructor(
    accounts: readonly SimulatedAccount[],
    private readonly clock: Clock,
    options: { limits?: Partial<TokenLimits>; rng?: Rng } = {},
  ) {
    this.limits = { ...DEFAULT_TOKEN_LIMITS, ...options.limits };
    this.rng = options.rng ?? cryptoRng;
    for (const account of accounts) this.addAccount(account);
  }

  /** Register an account (the simulator may gain accounts at run time). */
  addAccount(account: SimulatedAccount): void {
    this.accounts.set(account.appId, account);
    if (!this.state.has(account.appId)) this.state.set(account.appId, { token: {}, stable: {}, counters: new Map() });
  }

  /** `GET /cgi-bin/token`: every success issues a new token. */
  issueToken(request: TokenRequest): TokenGrant {
    const denied = this.authenticate(request);
    if (denied) return denied;
    const state = this.stateOf(request.appId as string);
    if (!this.withinQuota(state, 'token:day', this.dayKey(), this.limits.tokenDailyQuota)) return { ok: false, errcode: 45009 };
    return this.grant(this.rotate(request.appId as string, 'token', state.token));
  }

  /** `POST /cgi-bin/stable_token`: the same token until its last minutes, unless a (rate-limited) forced refresh. */
  issueStableToken(request: TokenRequest & { forceRefresh: boolean }): TokenGrant {
    const denied = this.authenticate(request);
    if (denied) return denied;
    const appId = request.appId as string;
    const state = this.stateOf(appId);
    if (!this.withinQuota(state, 'stable:day', this.dayKey(), this.limits.stableDailyQuota)) return { ok: false, errcode: 45009 };
    const minute = Math.floor(this.clock.now() / 60_000);
    if (!this.withinQuota(state, 'stable:minute', minute, this.limits.stablePerMinute)) return { ok: false, errcode: 45011 };

    const now = this.clock.now();
    if (request.forceRefresh) {
      const tooSoon =
        state.lastForcedAt !== undefined && now - state.lastForcedAt < this.limits.forceRefreshMinIntervalSeconds * 1000;
      // Within 30 s of the last forced refresh Tencent simply does not refresh (wechat-oa.md §2.2).
      if (!tooSoon) {
        if (!this.withinQuota(state, 'force:day', this.dayKey(), this.limits.forceRefreshDailyLimit)) return { ok: false, errcode: 45009 };
        state.lastForcedAt = now;
        return this.grant(this.rotate(appId, 'stable', state.stable));
      }
    }
    const current = state.stable.current;
    if (current && current.expiresAt - now >= this.limits.stableRenewWithinSeconds * 1000) return this.grant(current);
    return this.grant(this.rotate(appId, 'stable', state.stable));
  }

  /** Check a token presented on an API call: 0, or 41001 missing, 40014 unknown, 40001 superseded, 42001 expired. */
  checkAccessToken(token: string | undefined): TokenCheck {
    if (token === undefined || token === '') return { errcode: 41001 };
    const issued = this.tokens.get(token);
    if (!issued) return { errcode: 40014 };
    const now = this.clock.now();
    const revokedAt = issued.revokedAt ?? Infinity;
    if (now < Math.min(issued.expiresAt, revokedAt)) return { errcode: 0, appId: issued.appId, family: issued.family };
    // Report whichever happened first: it is why the token stopped working.
    return revokedAt < issued.expiresAt ? { errcode: 40001 } : { errcode: 42001 };
  }

  private authenticate(request: TokenRequest): TokenGrant | undefined {
    if (!request.appId) return { ok: false, errcode: 41002 };
    if (!request.secret) return { ok: false, errcode: 41004 };
    if (request.grantType !== 'client_credential') return { ok: false, errcode: 40002 };
    const account = this.accounts.get(request.appId);
    if (!account) return { ok: false, errcode: 40013 };
    const ip = normaliseIp(request.callerIp);
    if (account.ipWhitelist && !account.ipWhitelist.includes(ip)) {
      return { ok: false, errcode: 40164, message: ipNotWhitelistedMessage(ip) };
    }
    // A secret that cannot be an AppSecret is "invalid appsecret"; a well-formed wrong one is 40001.
    if (!APP_SECRET_PATTERN.test(request.secret)) return { ok: false, errcode: 40125 };
    if (request.secret !== account.appSecret) return { ok: false, errcode: 40001 };
    return undefined;
  }

  private rotate(appId: string, family: TokenFamily, slot: FamilyState): IssuedToken {
    const now = this.clock.now();
    if (slot.previous) slot.previous.revokedAt = Math.min(slot.previous.revokedAt ?? Infinity, now);
    if (slot.current) slot.current.revokedAt = now + this.limits.overlapSeconds * 1000;
    const fresh: IssuedToken = { value: this.mintValue(), appId, family, expiresAt: now + this.limits.ttlSeconds * 1000 };
    if (slot.current) slot.previous = slot.current;
    slot.current = fresh;
    this.tokens.set(fresh.value, fresh);
    return fresh;
  }

  private grant(token: IssuedToken): TokenGrant {
    return { ok: true, accessToken: token.value, expiresIn: Math.floor((token.expiresAt - this.clock.now()) / 1000) };
  }

  /** Real tokens are ~157 characters of [A-Za-z0-9_-] behind a two-digit generation prefix. */
  private mintValue(): string {
    for (;;) {
      const value = `91_${randomBase64Url(this.rng, 154)}`;
      if (!this.tokens.has(value)) return value;
    }
  }

  /** Count one call against `counter` in `period`; false (and not counted) when the limit is reached. */
  private withinQuota(state: AccountState, counter: string, period: number, limit: number): boolean {
    const entry = state.counters.get(counter);
    const used = entry && entry.period === String(period) ? entry.used : 0;
    if (used >= limit) return false;
    state.counters.set(counter, { period: String(period), used: used + 1 });
    return true;
  }

  private dayKey(): number {
    return beijingDay(this.clock.now());
  }

  private stateOf(appId: string): AccountState {
    const state = this.state.get(appId);
    if (!state) throw new Error(`no token state for ${appId}`);
    return state;
  }
}

/** `::ffff:203.0.113.7` → `203.0.113.7`, as Tencent lists IPv4 callers. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
