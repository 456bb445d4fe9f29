/**
 * OA web authorization (网页授权) state (wechat-oa.md §10,
 * limits-and-errors.md §1): codes are single use and live 5 minutes; the web
 * access_token lives 7200 s and the refresh_token 30 days, neither extended by
 * refreshing. Web tokens live here only, apart from the base access tokens
 * (token-store.ts), so neither kind works where the other is expected.
 */
import type { Clock } from '../clock';
import { randomAlnum, randomBase64Url, type Rng } from '../random';

export type OauthScope = 'snsapi_base' | 'snsapi_userinfo';

export interface OauthLimits {
  codeTtlSeconds: number;
  webTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** `sns/oauth2/access_token` per account and minute (45011 beyond). */
  accessTokenPerMinute: number;
}

export const DEFAULT_OAUTH_LIMITS: OauthLimits = {
  codeTtlSeconds: 300,
  webTokenTtlSeconds: 7200,
  refreshTokenTtlSeconds: 30 * 86_400,
  accessTokenPerMinute: 50_000,
};

/** Who authorised what: what a code, a web token and a refresh token each stand for. */
export interface OauthSubject {
  appId: string;
  openid: string;
  scope: OauthScope;
}

interface Code extends OauthSubject {
  issuedAt: number;
  used: boolean;
}

interface WebToken extends OauthSubject {
  value: string;
  expiresAt: number;
}

interface RefreshToken extends OauthSubject {
  value: string;
  expiresAt: number;
  /** The web token it last issued or renewed. */
  accessToken: string;
}

/** A web token pair as `sns/oauth2/access_token` and `refresh_token` answer it. */
export interface WebTokenGrant extends OauthSubject {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

export type CodeRedemption = { ok: true; subject: OauthSubject } | { ok: false; errcode: 40029 | 40163 | 42003 };
export type WebTokenCheck = { ok: true; subject: OauthSubject } | { ok: false; errcode: 40001 | 41001 | 42001 };

/** Codes, web tokens and refresh tokens of every simulated account. */
export class OauthGrants {
  readonly limits: OauthLimits;
  private readonly codes = new Map<string, Code>();
  private readonly webTokens = new Map<string, WebToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    limits: Partial<OauthLimits> = {},
  ) {
    this.limits = { ...DEFAULT_OAUTH_LIMITS, ...limits };
  }

  /** A fresh code for `subject` (32 alphanumerics, like `061Zw1Ga1ZtXlK0aiHJa1qE5cK0Zw1G5`). */
  issueCode(subject: OauthSubject): string {
    const code = this.unique(this.codes, () => randomAlnum(this.rng, 32));
    this.codes.set(code, { ...subject, issuedAt: this.clock.now(), used: false });
    return code;
  }

  /**
   * Spend a code at `appId`: 40029 unknown or another account's, 40163 already
   * used (even past its 5 minutes: Tencent remembers the use), 42003 unused but expired.
   */
  redeemCode(appId: string, code: string): CodeRedemption {
    const entry = this.codes.get(code);
    if (!entry || entry.appId !== appId) return { ok: false, errcode: 40029 };
    if (entry.used) return { ok: false, errcode: 40163 };
    if (this.clock.now() >= entry.issuedAt + this.limits.codeTtlSeconds * 1000) return { ok: false, errcode: 42003 };
    entry.used = true;
    return { ok: true, subject: { appId: entry.appId, openid: entry.openid, scope: entry.scope } };
  }

  /** A new web token and refresh token for a redeemed code. */
  grant(subject: OauthSubject): WebTokenGrant {
    const now = this.clock.now();
    const token = this.mintWebToken(subject, now);
    const refresh: RefreshToken = {
      ...subject,
      value: this.unique(this.refreshTokens, () => `75_${randomBase64Url(this.rng, 83)}`),
      expiresAt: now + this.limits.refreshTokenTtlSeconds * 1000,
      accessToken: token.value,
    };
    this.refreshTokens.set(refresh.value, refresh);
    return this.answer(token, refresh);
  }

  /**
   * `sns/oauth2/refresh_token`: 40030 unknown or another account's, 42002
   * expired. A web token still valid keeps its value and gets a fresh 7200 s;
   * an expired one is replaced. The refresh_token itself is never extended.
   */
  refresh(appId: string, refreshToken: string): WebTokenGrant | 40030 | 42002 {
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry || entry.appId !== appId) return 40030;
    const now = this.clock.now();
    if (now >= entry.expiresAt) return 42002;
    const current = this.webTokens.get(entry.accessToken);
    let token: WebToken;
    if (current && now < current.expiresAt) {
      current.expiresAt = now + this.limits.webTokenTtlSeconds * 1000;
      token = current;
    } else {
      token = this.mintWebToken(entry, now);
      entry.accessToken = token.value;
    }
    return this.answer(token, entry);
  }

  /** Check a web token presented to `sns/auth` or `sns/userinfo`: 41001 missing, 40001 not a web token, 42001 expired. */
  checkWebToken(token: string | undefined): WebTokenCheck {
    if (token === undefined || token === '') return { ok: false, errcode: 41001 };
    const entry = this.webTokens.get(token);
    if (!entry) return { ok: false, errcode: 40001 };
    if (this.clock.now() >= entry.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, subject: { appId: entry.appId, openid: entry.openid, scope: entry.scope } };
  }

  private mintWebToken(subject: OauthSubject, now: number): WebToken {
    const token: WebToken = {
      appId: subject.appId,
      openid: subject.openid,
      scope: subject.scope,
      // Web tokens carry a generation prefix and base64url, shorter than base tokens (`91_…`, 157 characters).
      value: this.unique(this.webTokens, () => `75_${randomBase64Url(this.rng, 86)}`),
      expiresAt: now + this.limits.webTokenTtlSeconds * 1000,
    };
    this.webTokens.set(token.value, token);
    return token;
  }

  private answer(token: WebToken, refresh: RefreshToken): WebTokenGrant {
    return {
      appId: token.appId,
      openid: token.openid,
      scope: token.scope,
      accessToken: token.value,
      expiresIn: Math.floor((token.expiresAt - this.clock.now()) / 1000),
      refreshToken: refresh.value,
    };
  }

  private unique(taken: ReadonlyMap<string, unknown>, mint: () => string): string {
    for (;;) {
      const value = mint();
      if (!taken.has(value)) return value;
    }
  }
}
