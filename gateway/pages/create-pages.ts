/**
 * Wiring for the composition root: builds the pages' collaborators from
 * configuration (the OAuth edge on its own OA client, the assertion verifier,
 * the session key, blind indexes) around the consent ports, and returns the
 * middleware to mount.
 */
import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { exchangeOAuthCode, oauthAuthorizeUrl } from '../../connectors/wechat/api/oauth';
import { TencentApiClient } from '../../connectors/wechat/api/tencent-api-client';
import { blindIndex } from '../archive/crypto/blind-index';
import type { KeyStore } from '../archive/crypto/key-store';
import type { AuditLog } from '../audit/audit-log';
import type { BindConfig, ConsentConfig } from '../consent/config';
import type { Bindings, ConsentLedger, ConsentNotices, PageStates } from '../consent/ports';
import type { TencentConfig } from '../upstream/config';
import { createAssertionVerifier } from './bind-assertion';
import { consentPages } from './consent-pages';
import type { PageAccount, PageDeps, PageOAuth } from './page-deps';
import { pageSessionKey } from './page-session';

export interface PagesWiring {
  accounts: readonly PageAccount[];
  tencent: Pick<TencentConfig, 'oaBaseUrl' | 'oauthAuthorizeUrl' | 'timeoutMs' | 'caFile' | 'maxResponseBytes'>;
  consent: ConsentConfig;
  bind: BindConfig;
  ports: { ledger: ConsentLedger; notices: ConsentNotices; bindings: Bindings; pageStates: PageStates };
  keyStore: KeyStore;
  audit: Pick<AuditLog, 'record'>;
  logger: Logger;
  now?: () => number;
}

/** The OAuth edge over an OA API client. */
export function tencentPageOAuth(client: TencentApiClient, authorizeUrl: string): PageOAuth {
  return {
    authorizeUrl: (account, redirectUri, state) => oauthAuthorizeUrl({ authorizeUrl, appId: account.appId, redirectUri, state }),
    exchange: (account, code) => exchangeOAuthCode(client, account, code),
  };
}

/** The consent and bind pages, ready to mount; `close` drops the OA client's idle connections. @throws Error when tencent.caFile or bind.assertion.publicKeyPem cannot be read */
export function createConsentPages(wiring: PagesWiring): { middleware: Middleware; deps: PageDeps; close(): void } {
  const now = wiring.now ?? Date.now;
  let ca: Buffer | undefined;
  if (wiring.tencent.caFile) {
    try {
      ca = readFileSync(wiring.tencent.caFile);
    } catch (err) {
      throw new Error(`tencent.caFile ${wiring.tencent.caFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  // Its own client: OAuth exchanges are rare and must not queue behind message traffic.
  const client = new TencentApiClient({ product: 'oa', baseUrl: wiring.tencent.oaBaseUrl, timeoutMs: wiring.tencent.timeoutMs, maxResponseBytes: wiring.tencent.maxResponseBytes, maxSockets: 16, ...(ca ? { ca } : {}) });
  const indexKey = wiring.keyStore.indexKey();
  const deps: PageDeps = {
    accounts: new Map(wiring.accounts.map((a) => [a.id, { id: a.id, appId: a.appId, appSecret: a.appSecret }])),
    consent: wiring.consent,
    bind: wiring.bind,
    ...wiring.ports,
    oauth: tencentPageOAuth(client, wiring.tencent.oauthAuthorizeUrl),
    assertions: wiring.bind.loginUrl && wiring.bind.assertion ? createAssertionVerifier(wiring.bind.assertion, now) : null,
    sessionKey: pageSessionKey(indexKey),
    subjectIndex: (id) => blindIndex(indexKey, 'subject', id),
    customerIndex: (id) => blindIndex(indexKey, 'customer', id),
    audit: wiring.audit,
    logger: wiring.logger,
    now,
  };
  return { middleware: consentPages(deps), deps, close: () => client.close() };
}
