/**
 * Test wiring for the upstream edge: a Tencent simulator (manual clock) whose
 * stable_token calls are counted, and "replicas" — each a createUpstream on
 * its own database connection, all sharing one database and one key store,
 * as gateway replicas do.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { MemoryKeyStore } from '../../archive/crypto/memory-key-store';
import { createDataSource, type DatabaseConfig } from '../../db/data-source';
import { ConnectionGate } from '../../db/connection-gate';
import { createSimulatedAccount, type SimulatedAccount } from '../../simulator/accounts';
import { createManualClock, type ManualClock } from '../../simulator/clock';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator, type TencentSimulatorOptions } from '../../simulator/simulator';
import { tencentConfigSchema, type TencentConfig, type WecomCorpConfig } from '../config';
import { createUpstream, type Upstream } from '../create-upstream';
import type { UpstreamHooks, TokenRefreshEvent, ApiErrorEvent } from '../hooks';

/** A stable_token request the simulator answered. */
export interface StableTokenCall {
  appId: string | undefined;
  force: boolean;
  callerIp: string;
  /** The token handed out, or the errcode. */
  granted: string | number;
}

export interface SimulatorHarness {
  sim: TencentSimulator;
  clock: ManualClock;
  oa: ListeningSimulator;
  wecom: ListeningSimulator;
  /** Every stable_token request, oldest first. */
  stableCalls: StableTokenCall[];
  /** Make the next stable_token requests answer this errcode instead (a Tencent outage, say). */
  failStableToken(errcode: -1 | 45009 | null): void;
  /** A forced refresh by someone else holding the AppSecret (not counted in stableCalls). */
  forceBehindTheGatewaysBack(account: { appId: string; appSecret: string }): void;
  close(): Promise<void>;
}

/** Start a simulator with a manual clock and count its stable_token requests. */
export async function startSimulator(options: Partial<TencentSimulatorOptions> = {}): Promise<SimulatorHarness> {
  const clock = createManualClock();
  const sim = createTencentSimulator({ accounts: [], ...options, clock });
  const stableCalls: StableTokenCall[] = [];
  let failWith: -1 | 45009 | null = null;
  const issue = sim.tokens.issueStableToken.bind(sim.tokens);
  // Counting at the token store sees exactly what Tencent would have been asked.
  sim.tokens.issueStableToken = (request) => {
    const grant = failWith !== null ? ({ ok: false, errcode: failWith } as const) : issue(request);
    stableCalls.push({ appId: request.appId, force: request.forceRefresh, callerIp: request.callerIp, granted: grant.ok ? grant.accessToken : grant.errcode });
    return grant;
  };
  const oa = await sim.listen();
  const wecom = await sim.listenWecom();
  return {
    sim,
    clock,
    oa,
    wecom,
    stableCalls,
    failStableToken(errcode) {
      failWith = errcode;
    },
    forceBehindTheGatewaysBack(account) {
      issue({ grantType: 'client_credential', appId: account.appId, secret: account.appSecret, forceRefresh: true, callerIp: 'test' });
    },
    async close() {
      await oa.close();
      await wecom.close();
    },
  };
}

/** A fresh OA account (pass it to startSimulator, or register it for tokens only with addAccount). */
export function newAccount(options: { ipWhitelist?: string[] } = {}): SimulatedAccount {
  return createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', ...options });
}

/** A fresh OA account known to the simulator's token endpoints only (enough for token tests). */
export function addAccount(h: SimulatorHarness, options: { ipWhitelist?: string[] } = {}): SimulatedAccount {
  const account = newAccount(options);
  h.sim.tokens.addAccount(account);
  return account;
}

/** Config pointing at the simulator, with policy overrides. */
export function testConfig(h: { oa: { url: string }; wecom: { url: string } }, overrides: { timeoutMs?: number; tokens?: Record<string, number> } = {}): TencentConfig {
  return tencentConfigSchema.parse({ oaBaseUrl: h.oa.url, wecomBaseUrl: h.wecom.url, timeoutMs: overrides.timeoutMs ?? 2000, tokens: { leaseTtlMs: 30_000, waitTimeoutMs: 35_000, ...overrides.tokens } });
}

/** What a replica's hooks saw. */
export interface Recorded {
  refreshes: TokenRefreshEvent[];
  apiErrors: ApiErrorEvent[];
}

export interface Replica extends Upstream {
  recorded: Recorded;
  dataSource: DataSource;
  holderId: string;
}

export interface ReplicaOptions {
  config: TencentConfig;
  accounts?: readonly { appId: string; appSecret: string }[];
  corps?: readonly WecomCorpConfig[];
  keyStore: MemoryKeyStore;
  now: () => number;
  logger?: Logger;
  holderId?: string;
}

let replicaCount = 0;

/** A gateway replica: its own connection to the shared test database, its own memory and holder id. */
export async function startReplica(database: DatabaseConfig, options: ReplicaOptions): Promise<Replica> {
  const dataSource = await createDataSource(database).initialize();
  const recorded: Recorded = { refreshes: [], apiErrors: [] };
  const hooks: UpstreamHooks = { onTokenRefresh: (e) => recorded.refreshes.push(e), onApiError: (e) => recorded.apiErrors.push(e) };
  const holderId = options.holderId ?? `replica-${++replicaCount}`;
  const upstream = createUpstream({
    config: options.config,
    oaAccounts: options.accounts ?? [],
    wecomCorps: options.corps ?? [],
    dataSource,
    gate: ConnectionGate.for(dataSource),
    keyStore: options.keyStore,
    now: options.now,
    hooks,
    holderId,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    ...upstream,
    recorded,
    dataSource,
    holderId,
    close() {
      upstream.close();
    },
  };
}

/** Close replicas' clients and connections. */
export async function stopReplicas(replicas: Replica[]): Promise<void> {
  for (const replica of replicas.splice(0)) {
    replica.close();
    if (replica.dataSource.isInitialized) await replica.dataSource.destroy();
  }
}
