/**
 * A real gateway and the Tencent simulator for RM departure tests: one WeCom
 * corp (contact secret, callback pointing at the gateway) whose members are
 * four RMs, its own database (SQLite or PostgreSQL, cloned from the migrated
 * template), and ONE manual clock for both, so a test moves 24 hours or 90
 * days ahead and the gateway's rule checks and the simulator's takeovers see
 * the same time. The runner does not tick (handover.tickMs 0): tests run it
 * with `gateway.handover.runDue()`. `restart()` closes the gateway and starts
 * another on the same database, data directory, simulator and port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { adminTokenFor } from '../../gateway/admin-token';
import type { OpenedRecord } from '../../gateway/archive/reader';
import { loadConfig } from '../../gateway/config/load-config';
import type { GatewayConfig } from '../../gateway/config/schema';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import { HANDOVER_RECORD_ENTITY, type HandoverRecordRow } from '../../gateway/db/entities';
import { createManualClock, type ManualClock } from '../../gateway/simulator/clock';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator } from '../../gateway/simulator/simulator';
import { createSimulatedCorp, type SimulatedCorp } from '../../gateway/simulator/state/wecom-corps';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../db';
import { freePort } from '../free-port';

export const CORP_ID = 'bank-corp';
export const RMS = ['rm-zhang', 'rm-li', 'rm-wang', 'rm-zhao'] as const;
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface HandoverHarnessOptions {
  kind: DatabaseKind;
  /** Merged into the configuration (e.g. admin.oidc). */
  overlay?: Record<string, unknown>;
  /** Simulator limits (e.g. a small transfer_result page). */
  wecomLimits?: Record<string, number>;
  logger?: Logger;
}

export interface HandoverHarness {
  gateway: Gateway;
  config: GatewayConfig;
  url: string;
  sim: TencentSimulator;
  clock: ManualClock;
  corp: SimulatedCorp;
  db: TestDatabase;
  adminToken: string;
  /** POST/GET the admin API as `token` (default the local admin token). */
  admin(path: string, options?: { token?: string; json?: unknown; method?: string }): Promise<{ status: number; contentType: string; body: any }>;
  /** Archive record `id`, decrypted. */
  record(id: string): Promise<OpenedRecord>;
  /** A hand-over's archive records, decrypted, by the time they happened (the manual clock gives one instant to a whole run). */
  handoverRecords(jobId: string): Promise<OpenedRecord[]>;
  /** Deliver the callbacks the simulator has queued (transfer_fail, del_external_contact) and wait for them. */
  settleCallbacks(): Promise<void>;
  /** Close the gateway and start another on the same database, simulator and port (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Start simulator and gateway for one test file (or one database kind of it). */
export async function startHandoverHarness(options: HandoverHarnessOptions): Promise<HandoverHarness> {
  const db = await openTestDatabase(options.kind);
  if (db.dataSource.isInitialized) await db.dataSource.destroy(); // the gateway opens its own
  const dataDir = mkdtempSync(join(tmpdir(), 'cgw-handover-'));
  const port = await freePort();
  const clock = createManualClock(Date.UTC(2031, 2, 3, 2, 0, 0));
  const corp = createSimulatedCorp({ members: [...RMS], externalContactCount: 0, callbackUrl: `http://127.0.0.1:${port}/callback/wecom/${CORP_ID}` });
  const sim = createTencentSimulator({ accounts: [], corps: [corp], clock, attemptTimeoutMs: 5000, ...(options.wecomLimits ? { wecomLimits: options.wecomLimits } : {}) });
  const listening: ListeningSimulator[] = [await sim.listen(), await sim.listenWecom()];
  const config = loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port, shutdownGraceMs: 3000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      tencent: { oaBaseUrl: listening[0]!.url, wecomBaseUrl: listening[1]!.url, timeoutMs: 2000 },
      logging: { level: 'silent' },
      admin: { localToken: { enabled: true } },
      handover: { tickMs: 0, pollIntervalMs: HOUR, backoffBaseMs: 60_000, backoffMaxMs: 600_000, maxAttempts: 3, leaseMs: 30_000 },
      corps: [{
        id: CORP_ID, corpId: corp.corpId, agents: corp.agents.map((a) => ({ agentId: a.agentId, secret: a.secret })), contactSecret: corp.contactSecret,
        callback: { token: corp.token, encodingAESKey: corp.encodingAESKey },
      }],
      ...(options.overlay ?? {}),
    },
  });
  const boot = async (): Promise<Gateway> => {
    const gateway = await createGateway(config, { now: () => clock.now(), ...(options.logger ? { logger: options.logger } : {}) });
    await gateway.listen(port);
    return gateway;
  };
  let closed = false;
  const url = `http://127.0.0.1:${port}`;
  const harness: HandoverHarness = {
    gateway: await boot(), config, url, sim, clock, corp, db, adminToken: adminTokenFor(config),
    async admin(path, { token, json, method } = {}) {
      const response = await fetch(`${url}/admin/v1${path}`, {
        method: method ?? (json === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${token ?? harness.adminToken}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      const contentType = response.headers.get('content-type') ?? '';
      const text = await response.text();
      return { status: response.status, contentType, body: /json/.test(contentType) && text ? JSON.parse(text) : text };
    },
    record: (id) => harness.gateway.outbound.reader.open(id),
    async handoverRecords(jobId) {
      const links = await harness.gateway.dataSource.getRepository<HandoverRecordRow>(HANDOVER_RECORD_ENTITY).find({ where: { jobId } });
      const records = await Promise.all(links.map((l) => harness.record(l.recordId)));
      return records.sort((a, b) => a.occurredAtMs - b.occurredAtMs);
    },
    async settleCallbacks() {
      await sim.settled();
    },
    async restart() {
      await harness.gateway.close();
      harness.gateway = await boot();
    },
    async close() {
      if (closed) return;
      closed = true;
      await sim.settled();
      await harness.gateway.close();
      for (const l of listening) await l.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
