/**
 * A real gateway serving the WeCom content sidebar, for the Chromium tests:
 * its own database, the Tencent simulator's WeCom (web authorization,
 * jsapi tickets, media upload; its browser-facing side reached as
 * `localhost`, another site, as open.weixin.qq.com is), and the chat
 * archive pulled from the Finance SDK stand-in, so what the page sends can
 * come back as captured messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { Actor } from '../../gateway/auth/actor';
import { loadConfig } from '../../gateway/config/load-config';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import { createLogger } from '../../gateway/observability/logger';
import type { ContentItem, CreateContentItemRequest } from '../../gateway/admin-api/ports';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator } from '../../gateway/simulator/simulator';
import { createSimulatedCorp, type SimulatedCorp } from '../../gateway/simulator/state/wecom-corps';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../db';
import { freePort } from '../free-port';
import { KEYS, SECRET } from '../msgaudit/msgaudit-harness';

export const CORP = 'bank-corp';
export const RM = 'rm.zhang';
export const AGENT_ID = 1000002;

const AUTHOR: Actor = { subject: 'author', roles: ['compliance-officer'], groups: [], via: 'oidc' };
const APPROVER: Actor = { subject: 'approver', roles: ['compliance-supervisor'], groups: [], via: 'oidc' };

export interface SidebarHarness {
  gateway: Gateway;
  /** The gateway's public base URL (http://127.0.0.1:port). */
  url: string;
  sim: TencentSimulator;
  corp: SimulatedCorp;
  /** The simulator's browser-facing WeCom base, on `localhost`. */
  simBrowserUrl: string;
  /** An approved item (created, submitted, approved by two officers). */
  approve(request: CreateContentItemRequest): Promise<ContentItem>;
  /** A draft that is never approved. */
  draft(request: CreateContentItemRequest): Promise<ContentItem>;
  /** An item approved, then retired. */
  retired(request: CreateContentItemRequest): Promise<ContentItem>;
  /** Everything the gateway logged (debug and up). */
  logs(): string;
  close(): Promise<void>;
}

/** Simulator, stand-in data (an empty archive for the corp) and gateway for one test file. */
export async function startSidebarHarness(kind: DatabaseKind, standin: FinanceStandin): Promise<SidebarHarness> {
  const db: TestDatabase = await openTestDatabase(kind);
  await db.dataSource.destroy();
  const dataDir = mkdtempSync(join(tmpdir(), 'cgw-sidebar-'));
  const corp = createSimulatedCorp({ members: [RM, 'lisi'] });
  let logText = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((logText += chunk.toString('utf8')), done()) });
  const sim = createTencentSimulator({ accounts: [], corps: [corp], attemptTimeoutMs: 5000 });
  const wecom: ListeningSimulator = await sim.listenWecom(0, '127.0.0.1');
  const simBrowserUrl = wecom.url.replace('127.0.0.1', 'localhost');
  standin.control.load({ corps: { [corp.corpId]: { secret: SECRET, chatdata: [] } } });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port, shutdownGraceMs: 2000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      logging: { level: 'debug' },
      tencent: { wecomBaseUrl: wecom.url, timeoutMs: 3000 },
      msgaudit: { sdkPath: standin.libraryPath, pullIntervalMs: 60_000, backoffBaseMs: 50, backoffMaxMs: 400, leaseTtlMs: 5000, statusIntervalMs: 3_600_000 },
      corps: [{ id: CORP, corpId: corp.corpId, agents: [{ agentId: AGENT_ID, secret: corp.agents[0]!.secret }], msgaudit: { secret: SECRET, privateKeys: { 1: KEYS[1].pkcs1Pem, 2: KEYS[2].pkcs8Pem } } }],
      consent: { publicBaseUrl: url, capture: false },
      contentLibrary: { sidebar: { oauthAuthorizeUrl: `${simBrowserUrl}/connect/oauth2/authorize`, corps: [{ corp: CORP, agentId: AGENT_ID }] } },
    },
  });
  let gateway: Gateway;
  try {
    gateway = await createGateway(config, { housekeeping: false, logger: createLogger('debug', sink) });
    await gateway.listen(port);
  } catch (err) {
    await Promise.allSettled([wecom.close(), db.drop()]);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const port_ = gateway.contentLibrary.ports.content;
  const created = async (request: CreateContentItemRequest) => (await port_.create(request, AUTHOR)).result.item;
  const approve = async (request: CreateContentItemRequest) => {
    const item = await created(request);
    await port_.transition('submit', item.id, { version: 1 }, AUTHOR);
    return (await port_.transition('approve', item.id, { version: 1 }, APPROVER)).result.item;
  };
  return {
    gateway, url, sim, corp, simBrowserUrl, approve,
    logs: () => logText,
    draft: created,
    async retired(request) {
      const item = await approve(request);
      return (await port_.transition('retire', item.id, { version: 1, note: 'withdrawn' }, APPROVER)).result.item;
    },
    async close() {
      await gateway.close();
      await wecom.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
