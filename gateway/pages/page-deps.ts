/**
 * What the consent and bind pages need, handed down by the composition root
 * (see pageDeps for the one-line wiring): the consent ports, the OAuth edge,
 * the session key, the audit log and configuration.
 */
import type { Logger } from 'pino';
import type { OAuthIdentity } from '../../connectors/wechat/api/oauth';
import type { AuditLog } from '../audit/audit-log';
import type { BindConfig, ConsentConfig } from '../consent/config';
import type { Bindings, ConsentLedger, ConsentNotices, PageStates } from '../consent/ports';
import type { AssertionVerifier } from './bind-assertion';

/** An OA account as the pages see it. */
export interface PageAccount {
  id: string;
  appId: string;
  appSecret: string;
}

/** Tencent's web authorization for the pages. */
export interface PageOAuth {
  /** The authorize URL for `account` (snsapi_base). */
  authorizeUrl(account: PageAccount, redirectUri: string, state: string): string;
  /** Who `code` names. @throws OAuthCodeError, TencentApiError */
  exchange(account: PageAccount, code: string): Promise<OAuthIdentity>;
}

export interface PageDeps {
  /** Configured OA accounts by configuration id. */
  accounts: ReadonlyMap<string, PageAccount>;
  consent: Pick<ConsentConfig, 'publicBaseUrl' | 'oauthStateTtlSeconds' | 'pageSessionTtlSeconds'>;
  bind: BindConfig;
  ledger: ConsentLedger;
  notices: ConsentNotices;
  bindings: Bindings;
  pageStates: PageStates;
  oauth: PageOAuth;
  /** Verifies the bank's assertion; null when binding is not configured. */
  assertions: AssertionVerifier | null;
  /** AES-256-GCM key of the page session cookie (pageSessionKey(indexKey)). */
  sessionKey: Buffer;
  /** Blind index of a Tencent id (the archive's `subject` index): the only form a person takes in audit rows. */
  subjectIndex(id: string): string;
  /** Blind index of a customer id. */
  customerIndex(id: string): string;
  audit: Pick<AuditLog, 'record'>;
  logger: Logger;
  now(): number;
}
