/**
 * WelcomeCodes (wecom.md §4.4, §5.1): the add_external_contact event carries
 * one; `send_welcome_msg` may use it once, within 20 s. An unknown, expired or
 * reused code is 41050 "invalid welcome_code" — the global error page lists
 * that code for a welcome_code past its 20 s [S: that reuse gets the same code].
 */
import type { Clock } from '../clock';
import { randomBase64Url, type Rng } from '../random';

export const WELCOME_CODE_TTL_SECONDS = 20;

/** Who the code greets. */
export interface WelcomeGrant {
  corpId: string;
  userid: string;
  externalUserId: string;
  issuedAt: number;
}

/** Issued welcome codes and their single use. */
export class WelcomeCodes {
  private readonly codes = new Map<string, WelcomeGrant & { used: boolean }>();

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly ttlSeconds = WELCOME_CODE_TTL_SECONDS,
  ) {}

  /** Mint a code for a new contact between `userid` and `externalUserId`. */
  issue(corpId: string, userid: string, externalUserId: string): string {
    const code = randomBase64Url(this.rng, 43);
    this.codes.set(code, { corpId, userid, externalUserId, issuedAt: this.clock.now(), used: false });
    return code;
  }

  /** Use a code now: the grant, or 41050 when it is unknown, another corp's, expired or already used. */
  redeem(corpId: string, code: string): WelcomeGrant | 41050 {
    const entry = this.codes.get(code);
    if (!entry || entry.corpId !== corpId || entry.used) return 41050;
    if (this.clock.now() >= entry.issuedAt + this.ttlSeconds * 1000) return 41050;
    entry.used = true;
    return { corpId: entry.corpId, userid: entry.userid, externalUserId: entry.externalUserId, issuedAt: entry.issuedAt };
  }
}
