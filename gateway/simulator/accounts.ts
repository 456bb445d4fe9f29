/**
 * Simulated Official Accounts and their followers. Identifier shapes follow
 * what Tencent issues, so format checks in the gateway are exercised for real:
 * AppID `wx` + 16 hex, AppSecret 32 hex, original id `gh_` + 12 hex,
 * EncodingAESKey 43 × [A-Za-z0-9], openid 28 × base64url starting with `o`.
 */
import { createHash } from 'node:crypto';
import { aesKeyFromEncodingAESKey } from '../../connectors/wechat/callback/crypto';
import { cryptoRng, randomAlnum, randomBase64Url, randomHex, seededRng, type Rng } from './random';

/** How the account's message-push settings encrypt callbacks (callback-crypto.md §1). */
export type CallbackMode = 'plain' | 'compatible' | 'safe';

/** One Official Account as Tencent knows it. */
export interface SimulatedAccount {
  readonly appId: string;
  readonly appSecret: string;
  readonly originalId: string;
  readonly token: string;
  readonly encodingAESKey: string;
  readonly mode: CallbackMode;
  /** The account server's message-push URL (the gateway's callback route in practice). */
  readonly callbackUrl: string;
  /** API IP whitelist; when set, token calls from other addresses get 40164. */
  readonly ipWhitelist?: readonly string[];
  /**
   * Authorised web-authorization (网页授权) domains: when set, the OAuth
   * `redirect_uri` host must be one of them exactly (`bank.example`, or
   * `bank.example:8443` to pin the port too); when absent any http(s) URL is taken.
   */
  readonly oauthDomains?: readonly string[];
  /** Bound to the (one simulated) Open Platform account, so OAuth answers carry a `unionid`; default true. */
  readonly openPlatformBound?: boolean;
}

export const APP_ID_PATTERN = /^wx[0-9a-f]{16}$/;
export const APP_SECRET_PATTERN = /^[0-9a-f]{32}$/;
export const ORIGINAL_ID_PATTERN = /^gh_[0-9a-f]{12}$/;
/** Tencent accepts 3–32 letters and digits as the push Token. */
export const TOKEN_PATTERN = /^[A-Za-z0-9]{3,32}$/;
export const OPENID_PATTERN = /^o[A-Za-z0-9_-]{27}$/;
/** An authorised OAuth domain as the MP admin console takes it: a host name, optionally with a port. */
export const OAUTH_DOMAIN_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;

/** Overrides for `createSimulatedAccount`; anything left out is generated. */
export interface SimulatedAccountOptions extends Partial<Omit<SimulatedAccount, 'callbackUrl'>> {
  callbackUrl: string;
  /** Makes the generated identifiers reproducible. */
  seed?: string;
}

/**
 * Create an account, generating every identifier not given.
 * @throws Error when a given identifier does not have Tencent's shape.
 */
export function createSimulatedAccount(options: SimulatedAccountOptions): SimulatedAccount {
  const rng: Rng = options.seed === undefined ? cryptoRng : seededRng(`account:${options.seed}`);
  const account: SimulatedAccount = {
    appId: options.appId ?? `wx${randomHex(rng, 16)}`,
    appSecret: options.appSecret ?? randomHex(rng, 32),
    originalId: options.originalId ?? `gh_${randomHex(rng, 12)}`,
    token: options.token ?? randomAlnum(rng, 32),
    encodingAESKey: options.encodingAESKey ?? randomAlnum(rng, 43),
    mode: options.mode ?? 'safe',
    callbackUrl: options.callbackUrl,
    ...(options.ipWhitelist ? { ipWhitelist: [...options.ipWhitelist] } : {}),
    ...(options.oauthDomains ? { oauthDomains: [...options.oauthDomains] } : {}),
    ...(options.openPlatformBound !== undefined ? { openPlatformBound: options.openPlatformBound } : {}),
  };
  assertAccountShape(account);
  return account;
}

/** @throws Error naming every identifier that does not look like Tencent's. */
export function assertAccountShape(account: SimulatedAccount): void {
  const problems: string[] = [];
  if (!APP_ID_PATTERN.test(account.appId)) problems.push('appId must be wx + 16 hex');
  if (!APP_SECRET_PATTERN.test(account.appSecret)) problems.push('appSecret must be 32 hex');
  if (!ORIGINAL_ID_PATTERN.test(account.originalId)) problems.push('originalId must be gh_ + 12 hex');
  if (!TOKEN_PATTERN.test(account.token)) problems.push('token must be 3-32 letters or digits');
  try {
    aesKeyFromEncodingAESKey(account.encodingAESKey);
  } catch {
    problems.push('encodingAESKey must be 43 characters [A-Za-z0-9]');
  }
  if (!['plain', 'compatible', 'safe'].includes(account.mode)) problems.push('mode must be plain, compatible or safe');
  try {
    new URL(account.callbackUrl);
  } catch {
    problems.push('callbackUrl must be an absolute URL');
  }
  const badDomains = (account.oauthDomains ?? []).filter((d) => !OAUTH_DOMAIN_PATTERN.test(d));
  if (badDomains.length > 0) problems.push(`oauthDomains must be host names with an optional port, no scheme or path (bad: ${badDomains.join(', ')})`);
  if (problems.length > 0) throw new Error(`invalid simulated account ${account.appId}: ${problems.join('; ')}`);
}

/** Mints openids for one account's new followers. */
export interface FollowerGenerator {
  next(): string;
}

/**
 * Openids of one account share their first six characters on Tencent (e.g.
 * `oia2Tj…` throughout the gh_7f083739789a samples), so the prefix is derived
 * from the AppID and only the tail is random; ids never repeat within a
 * generator.
 */
export function createFollowerGenerator(account: Pick<SimulatedAccount, 'appId'>, options: { seed?: string } = {}): FollowerGenerator {
  const prefix = 'o' + openidPrefixTail(account.appId);
  const rng = options.seed === undefined ? cryptoRng : seededRng(`followers:${options.seed}:${account.appId}`);
  const issued = new Set<string>();
  return {
    next() {
      for (;;) {
        const openid = prefix + randomBase64Url(rng, 22);
        if (!issued.has(openid)) {
          issued.add(openid);
          return openid;
        }
      }
    },
  };
}

function openidPrefixTail(appId: string): string {
  return createHash('sha256').update(`openid-prefix:${appId}`).digest('base64url').slice(0, 5);
}
