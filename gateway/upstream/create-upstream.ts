/**
 * Factory for the Tencent call edge, called by the composition root: API
 * clients for OA and WeCom, one token source per OA account and per WeCom app
 * secret, the shared token manager and `callTencent`.
 */
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { TencentApiClient, type TencentRequest } from '../../connectors/wechat/api/tencent-api-client';
import type { KeyStore } from '../archive/crypto/key-store';
import { ConnectionGate } from '../db/connection-gate';
import { TencentCaller, type CallResult } from './call-tencent';
import type { TencentConfig, WecomCorpConfig } from './config';
import type { UpstreamHooks } from './hooks';
import { oaTokenKey, wecomTokenKey } from './token-key';
import { oaTokenSource, wecomTokenSource, type TokenSource } from './token-source';
import { TypeOrmLeaseStore } from './typeorm-lease-store';
import { UpstreamTokenStore } from './upstream-token-store';
import { UpstreamTokens } from './upstream-tokens';

export interface UpstreamDeps {
  config: TencentConfig;
  /** The OA accounts whose tokens the gateway holds (`config.accounts`). */
  oaAccounts: readonly { appId: string; appSecret: string }[];
  /** WeCom corps and their app secrets by name. */
  wecomCorps?: readonly WecomCorpConfig[];
  dataSource: DataSource;
  /** The composition root's gate (SQLite: one for every store). */
  gate?: ConnectionGate;
  keyStore: KeyStore;
  logger?: Logger;
  now?: () => number;
  hooks?: UpstreamHooks;
  /** Lease holder id of this replica (default host/pid/random). */
  holderId?: string;
}

export interface Upstream {
  tokens: UpstreamTokens;
  /** Call Tencent as `tokenKey` (see token-key.ts): token injected, one refresh-and-retry on a stale token. */
  callTencent(tokenKey: string, request: TencentRequest): Promise<CallResult>;
  /** Close idle connections to Tencent. */
  close(): void;
}

/** Build the upstream edge. @throws Error when tencent.caFile cannot be read */
export function createUpstream(deps: UpstreamDeps): Upstream {
  const { config } = deps;
  let ca: Buffer | undefined;
  if (config.caFile) {
    try {
      ca = readFileSync(config.caFile);
    } catch (err) {
      throw new Error(`tencent.caFile ${config.caFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const clientOptions = { timeoutMs: config.timeoutMs, maxResponseBytes: config.maxResponseBytes, maxSockets: config.maxSockets, ...(ca ? { ca } : {}) };
  const oaClient = new TencentApiClient({ ...clientOptions, product: 'oa', baseUrl: config.oaBaseUrl });
  const wecomClient = new TencentApiClient({ ...clientOptions, product: 'wecom', baseUrl: config.wecomBaseUrl });

  const sources = new Map<string, TokenSource>();
  for (const account of deps.oaAccounts) sources.set(oaTokenKey(account.appId), oaTokenSource(oaClient, account));
  for (const corp of deps.wecomCorps ?? []) {
    for (const [name, corpSecret] of Object.entries(corp.secrets)) sources.set(wecomTokenKey(corp.corpId, name), wecomTokenSource(wecomClient, { corpId: corp.corpId, corpSecret }));
  }

  const gate = deps.gate ?? ConnectionGate.for(deps.dataSource);
  const tokens = new UpstreamTokens({
    store: new UpstreamTokenStore(deps.dataSource, gate),
    leases: new TypeOrmLeaseStore(deps.dataSource, gate),
    keyStore: deps.keyStore,
    sources,
    policy: config.tokens,
    ...(deps.holderId ? { holderId: deps.holderId } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  });
  const caller = new TencentCaller(tokens, deps.hooks);
  return {
    tokens,
    callTencent: (tokenKey, request) => caller.callTencent(tokenKey, request),
    close() {
      oaClient.close();
      wecomClient.close();
    },
  };
}
