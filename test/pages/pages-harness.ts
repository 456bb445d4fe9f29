/**
 * A real gateway serving the consent and bind pages, for the Chromium tests:
 * its own database (SQLite or PostgreSQL), the Tencent simulator's OAuth
 * (reached as `localhost`, another site, as open.weixin.qq.com is), and the
 * fake bank's login page (same site as the gateway, as a bank's own domain
 * would be). Configuration goes through loadConfig, as in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../gateway/config/load-config';
import type { GatewayConfig } from '../../gateway/config/schema';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import type { PersonRef } from '../../gateway/consent/ports';
import { createSimulatedAccount, type SimulatedAccount } from '../../gateway/simulator/accounts';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator } from '../../gateway/simulator/simulator';
import * as pushes from '../../gateway/simulator/pushes';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../db';
import { freePort } from '../free-port';
import { startFakeBank, type FakeBank } from './fake-bank';

export const ACCOUNT_ID = 'bank-oa';

export interface PagesHarness {
  gateway: Gateway;
  config: GatewayConfig;
  /** The gateway's public base URL. */
  url: string;
  /** The simulator's browser-facing base (open.weixin.qq.com stand-in), on `localhost`. */
  simBrowserUrl: string;
  account: SimulatedAccount;
  sim: TencentSimulator;
  bank: FakeBank;
  /** A new follower (subscribe pushed through the gateway). */
  follower(): Promise<string>;
  /** The URL that makes the phone this WeChat user and opens `path` on the gateway (as tapping a link in WeChat). */
  openInWechat(openid: string, path: string): string;
  person(openid: string): PersonRef;
  close(): Promise<void>;
}

/** Start simulator, bank and gateway for one test file. */
export async function startPagesHarness(kind: DatabaseKind): Promise<PagesHarness> {
  const db: TestDatabase = await openTestDatabase(kind);
  if (db.dataSource.isInitialized) await db.dataSource.destroy();
  const dataDir = mkdtempSync(join(tmpdir(), 'cgw-pages-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const account = createSimulatedAccount({ callbackUrl: `${url}/callback/oa/${ACCOUNT_ID}`, mode: 'safe', oauthDomains: [`127.0.0.1:${port}`], openPlatformBound: true });
  const sim = createTencentSimulator({ accounts: [account], attemptTimeoutMs: 5000 });
  const oa: ListeningSimulator = await sim.listen(0, '127.0.0.1');
  const simBrowserUrl = oa.url.replace('127.0.0.1', 'localhost');
  const bank = await startFakeBank();
  const config = loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port, shutdownGraceMs: 3000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      forwarding: { sweepIntervalMs: 200, backoffBaseMs: 50, backoffMaxMs: 500 },
      tencent: { oaBaseUrl: oa.url, oauthAuthorizeUrl: `${simBrowserUrl}/connect/oauth2/authorize`, timeoutMs: 2000 },
      logging: { level: 'silent' },
      accounts: [{ id: ACCOUNT_ID, appId: account.appId, appSecret: account.appSecret, originalId: account.originalId, token: account.token, encodingAESKey: account.encodingAESKey, mode: account.mode }],
      consent: { publicBaseUrl: url, capture: false },
      bind: { loginUrl: bank.loginUrl, assertion: { issuer: bank.issuer, jwksUrl: bank.jwksUrl, customerClaim: 'cif', algorithms: ['ES256'] } },
    },
  });
  let gateway: Gateway;
  try {
    gateway = await createGateway(config);
    await gateway.listen(port);
  } catch (err) {
    await Promise.allSettled([oa.close(), bank.close(), db.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    gateway, config, url, simBrowserUrl, account, sim, bank,
    async follower() {
      const openid = sim.newFollowerOpenid(account.appId);
      await sim.send(account.appId, pushes.subscribeEvent({ toUserName: account.originalId, fromUserName: openid }));
      return openid;
    },
    openInWechat(openid, path) {
      return `${simBrowserUrl}/sim/wechat-client/login?${new URLSearchParams({ appid: account.appId, openid, next: `${url}${path}` })}`;
    },
    person: (openid) => ({ kind: 'openid', id: openid, accountId: ACCOUNT_ID }),
    async close() {
      await gateway.close();
      await oa.close();
      await bank.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
