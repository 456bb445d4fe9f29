/**
 * A real gateway with its outbound side configured for end-to-end tests: one
 * OA account and one WeCom corp on the Tencent simulator (both products on
 * their own listeners), one internal app allowed to send through both, its
 * own database (SQLite or PostgreSQL), the bundled default policy unless a
 * test gives its own. The simulator's account pushes to the gateway.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../gateway/config/load-config';
import type { GatewayConfig } from '../../gateway/config/schema';
import { createGateway, type Gateway, type GatewayOptions } from '../../gateway/create-gateway';
import { createSimulatedAccount, type SimulatedAccount } from '../../gateway/simulator/accounts';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator } from '../../gateway/simulator/simulator';
import { createSimulatedCorp, type SimulatedCorp } from '../../gateway/simulator/state/wecom-corps';
import * as pushes from '../../gateway/simulator/pushes';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../db';
import { freePort } from '../free-port';
import { testAppCredentials } from '../gateway-harness';
import { adminTokenFor } from '../../gateway/admin-token';

export const ACCOUNT_ID = 'test-oa';
export const CORP_ID = 'test-corp';
export const APP_ID = 'crm';
export const TEMPLATE_ID = 'tpl-balance-notice';

export interface OutboundHarness {
  gateway: Gateway;
  config: GatewayConfig;
  /** The gateway's base URL. */
  url: string;
  /** SDK base for the OA account, e.g. http://127.0.0.1:P/oa/test-oa */
  oaBase: string;
  wecomBase: string;
  account: SimulatedAccount;
  corp: SimulatedCorp;
  sim: TencentSimulator;
  app: { appId: string; appSecret: string; corpId: string; corpSecret: string };
  adminToken: string;
  db: TestDatabase;
  dataDir: string;
  /**
   * A new follower who just wrote to the account (archived by the gateway, 48-hour window open) and is a
   * bank customer: bound to a customer id and consented to marketing, so templates and mass sends pass
   * the consent and binding rules.
   */
  followerWhoWrote(content?: string): Promise<string>;
  /** The same, but a stranger: no binding and no recorded consent. */
  strangerWhoWrote(content?: string): Promise<string>;
  close(opts?: { drop?: boolean }): Promise<void>;
}

export interface OutboundHarnessOptions {
  kind: DatabaseKind;
  /** Policy YAML to run instead of the bundled default. */
  policyYaml?: string;
  overlay?: Record<string, unknown>;
  /** A second app, `bot`, that subscribes to the account and answers its pushes with passive replies. */
  replier?: { credentials: ReturnType<typeof testAppCredentials>; url: string };
  /** Fields added to the harness app's configuration (e.g. eventsUrl). */
  appOverlay?: Record<string, unknown>;
  /** More apps, configured as given. */
  extraApps?: Record<string, unknown>[];
  /** More Official Accounts, configured as given (the simulator does not know them). */
  extraAccounts?: Record<string, unknown>[];
  /** createGateway's options (the clock, SSO verification hooks). */
  gatewayOptions?: GatewayOptions;
  /** Reuse database, data dir, simulator and ports (restart tests). */
  reuse?: { db: TestDatabase; dataDir: string; sim: TencentSimulator; account: SimulatedAccount; corp: SimulatedCorp; port: number; app: OutboundHarness['app']; listening: ListeningSimulator[] };
}

/** Start simulator and gateway for one test file. */
export async function startOutboundHarness(options: OutboundHarnessOptions): Promise<OutboundHarness> {
  const db = options.reuse?.db ?? (await openTestDatabase(options.kind));
  if (db.dataSource.isInitialized) await db.dataSource.destroy();
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'cgw-out-'));
  const port = options.reuse?.port ?? (await freePort());
  const account = options.reuse?.account ?? createSimulatedAccount({ callbackUrl: `http://127.0.0.1:${port}/callback/oa/${ACCOUNT_ID}`, mode: 'safe' });
  const corp = options.reuse?.corp ?? createSimulatedCorp({ members: ['rm-zhang', 'rm-li'] });
  const sim = options.reuse?.sim ?? createTencentSimulator({ accounts: [account], corps: [corp], attemptTimeoutMs: 5000, templates: { [account.appId]: { [TEMPLATE_ID]: ['first', 'remark'] } } });
  const listening = options.reuse?.listening ?? [await sim.listen(), await sim.listenWecom()];
  const app = options.reuse?.app ?? (() => {
    const creds = testAppCredentials();
    return { appId: creds.appId, appSecret: creds.appSecret, corpId: `ww${randomBytes(8).toString('hex')}`, corpSecret: randomBytes(32).toString('base64url').slice(0, 43), creds };
  })();
  const creds = 'creds' in app ? (app as { creds: ReturnType<typeof testAppCredentials> }).creds : { ...testAppCredentials(), appId: app.appId, appSecret: app.appSecret };
  let policyFile: string | undefined;
  if (options.policyYaml) {
    policyFile = join(dataDir, 'policy.yaml');
    writeFileSync(policyFile, options.policyYaml);
  }
  const config = loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port, shutdownGraceMs: 3000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      forwarding: { sweepIntervalMs: 200, backoffBaseMs: 50, backoffMaxMs: 500 },
      outbound: { backoffBaseMs: 50, backoffMaxMs: 300, inlineTimeoutMs: 3000, claimMs: 5000, maxAttempts: 6 },
      tencent: { oaBaseUrl: listening[0]!.url, wecomBaseUrl: listening[1]!.url, timeoutMs: 2000 },
      logging: { level: 'silent' },
      // Outbound tests count customer-service quota and received messages: the consent notice on follow is tested on its own (test/consent).
      consent: { capture: false },
      ...(policyFile ? { policy: { file: policyFile } } : {}),
      accounts: [{ id: ACCOUNT_ID, appId: account.appId, appSecret: account.appSecret, originalId: account.originalId, token: account.token, encodingAESKey: account.encodingAESKey, mode: account.mode }, ...(options.extraAccounts ?? [])],
      corps: [{ id: CORP_ID, corpId: corp.corpId, agents: corp.agents.map((a) => ({ agentId: a.agentId, secret: a.secret })), contactSecret: corp.contactSecret }],
      apps: [{
        id: APP_ID, credentials: { appId: app.appId, appSecret: app.appSecret, token: creds.token, encodingAESKey: creds.encodingAESKey },
        wecomCredentials: { corpId: app.corpId, corpSecret: app.corpSecret }, sends: [ACCOUNT_ID, CORP_ID], owners: ['crm-team'], ...(options.appOverlay ?? {}),
      }, ...(options.extraApps ?? []), ...(options.replier ? [{
        id: 'bot', credentials: options.replier.credentials, callbackUrl: options.replier.url, mode: 'safe', subscribes: [ACCOUNT_ID], repliesFor: [ACCOUNT_ID], owners: ['bot-team'],
      }] : [])],
      ...(options.overlay ?? {}),
    },
  });
  const gateway = await createGateway(config, options.gatewayOptions);
  await gateway.listen(port);
  const url = `http://127.0.0.1:${port}`;
  let gatewayClosed = false;
  const plainApp = { appId: app.appId, appSecret: app.appSecret, corpId: app.corpId, corpSecret: app.corpSecret };
  const strangerWhoWrote = async (content = '你好'): Promise<string> => {
    const openid = sim.newFollowerOpenid(account.appId);
    await sim.send(account.appId, pushes.subscribeEvent({ toUserName: account.originalId, fromUserName: openid }));
    await sim.send(account.appId, pushes.textMessage({ toUserName: account.originalId, fromUserName: openid, content }));
    await gateway.outbound.contacts.flush();
    return openid;
  };
  return {
    gateway, config, url, oaBase: `${url}/oa/${ACCOUNT_ID}`, wecomBase: `${url}/wecom/${CORP_ID}`, account, corp, sim, app: plainApp,
    adminToken: adminTokenFor(config), db, dataDir,
    strangerWhoWrote,
    async followerWhoWrote(content = '你好') {
      const openid = await strangerWhoWrote(content);
      const person = { kind: 'openid' as const, id: openid, accountId: ACCOUNT_ID };
      const at = Date.now();
      await gateway.consent.bindings.bind({ persons: [person], customerId: `CIF-${openid.slice(-10)}`, source: 'crm_api', occurredAt: at, evidence: { payload: { test: 'harness' }, dedupeKey: `harness-bind-${openid}` } });
      const notice = gateway.consent.notices.get('marketing', 'zh-CN')!;
      await gateway.consent.ledger.record({
        person, channel: 'oa_page', source: 'user', occurredAt: at, changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: notice.version, language: 'zh-CN' }],
        evidence: { payload: { test: 'harness' }, dedupeKey: `harness-consent-${openid}` },
      });
      return openid;
    },
    async close(opts = {}) {
      // Idempotent: restart tests close the in-process gateway first and drop everything at the end.
      if (!gatewayClosed) {
        gatewayClosed = true;
        await gateway.close();
      }
      if (opts.drop) {
        for (const l of listening) await l.close();
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
