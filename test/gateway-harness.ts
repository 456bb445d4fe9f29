/**
 * A real gateway for end-to-end tests: its own database (SQLite or
 * PostgreSQL, cloned from the migrated template), its own key store and PKI in
 * a temp directory, listening on a free port, with a Tencent simulator whose
 * account points at it. Configuration goes through loadConfig, as in production.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../gateway/config/load-config';
import type { GatewayConfig, MessageMode } from '../gateway/config/schema';
import { createGateway, type Gateway } from '../gateway/create-gateway';
import { createSimulatedAccount, type SimulatedAccount } from '../gateway/simulator/accounts';
import { createTencentSimulator, type TencentSimulator } from '../gateway/simulator/simulator';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './db';
import type { AppCredentials } from './internal-apps';

export interface HarnessApp {
  id: string;
  credentials: AppCredentials & { appSecret: string };
  url: string;
  mode?: MessageMode;
  replies?: boolean;
}

export interface HarnessOptions {
  kind: DatabaseKind;
  accountMode?: MessageMode;
  apps?: HarnessApp[];
  /** Extra configuration merged before validation (e.g. forwarding timings, queue). */
  overlay?: Record<string, unknown>;
  logger?: Logger;
  /** Simulator per-attempt timeout (Tencent: 5 s). */
  attemptTimeoutMs?: number;
  /** Reuse a database and data directory (restart tests). */
  reuse?: { db: TestDatabase; dataDir: string; account: SimulatedAccount };
}

export interface Harness {
  gateway: Gateway;
  config: GatewayConfig;
  url: string;
  account: SimulatedAccount;
  accountId: string;
  sim: TencentSimulator;
  db: TestDatabase;
  dataDir: string;
  /** Close the gateway (graceful); keeps the database unless `drop` is true. */
  close(opts?: { drop?: boolean }): Promise<void>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % 62]).join('');

/** Fresh gateway-issued credentials for a test app. */
export function testAppCredentials(): AppCredentials & { appSecret: string } {
  return { appId: `wx${randomBytes(8).toString('hex')}`, appSecret: randomBytes(16).toString('hex'), token: alnum(24), encodingAESKey: alnum(43) };
}

/** The configuration a harness gateway runs with (exported for CLI tests that need the same file). */
export function harnessConfig(db: TestDatabase, dataDir: string, account: SimulatedAccount, options: HarnessOptions): GatewayConfig {
  const accountId = 'test-oa';
  return loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 3000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      forwarding: { timeoutMs: 2000, backoffBaseMs: 50, backoffMaxMs: 500, sweepIntervalMs: 200, maxAttempts: 5 },
      logging: { level: 'silent' },
      // Inbound tests count archive rows and deliveries: the consent notice a follow triggers is tested on its own (test/consent).
      consent: { capture: false },
      accounts: [{ id: accountId, appId: account.appId, appSecret: account.appSecret, originalId: account.originalId, token: account.token, encodingAESKey: account.encodingAESKey, mode: account.mode }],
      apps: (options.apps ?? []).map((a) => ({
        id: a.id,
        credentials: a.credentials,
        callbackUrl: a.url,
        mode: a.mode ?? 'safe',
        subscribes: [accountId],
        repliesFor: a.replies ? [accountId] : [],
      })),
      ...(options.overlay ?? {}),
    },
  });
}

/** Start a gateway and a simulator for one test file. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const db = options.reuse?.db ?? (await openTestDatabase(options.kind));
  if (db.dataSource.isInitialized) await db.dataSource.destroy(); // the gateway opens its own
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'cgw-gw-'));
  const account = options.reuse?.account ?? createSimulatedAccount({ callbackUrl: 'http://placeholder/', mode: options.accountMode ?? 'safe' });
  const config = harnessConfig(db, dataDir, account, options);
  const gateway = await createGateway(config, options.logger ? { logger: options.logger } : {});
  const { port } = await gateway.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const accountId = config.accounts[0]!.id;
  const live: SimulatedAccount = { ...account, callbackUrl: `${url}/callback/oa/${accountId}` };
  const sim = createTencentSimulator({ accounts: [live], attemptTimeoutMs: options.attemptTimeoutMs ?? 5000 });
  return {
    gateway, config, url, account: live, accountId, sim, db, dataDir,
    async close(opts = {}) {
      await gateway.close();
      if (opts.drop) {
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
