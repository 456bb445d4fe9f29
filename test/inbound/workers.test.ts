/** server.workers: several gateway processes on one port, each a full gateway; only worker 0 does housekeeping. */
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pushes from '../../gateway/simulator/pushes';
import { createSimulatedAccount } from '../../gateway/simulator/accounts';
import { createTencentSimulator } from '../../gateway/simulator/simulator';
import { ConfigError, loadConfig } from '../../gateway/config/load-config';
import { ARCHIVE_RECORD_ENTITY, CHECKPOINT_ENTITY } from '../../gateway/db/entities';
import { createDataSource } from '../../gateway/db/data-source';
import { verifyArchive } from '../../gateway/archive/verify/verify-archive';
import { openTestDatabase } from '../db';
import { harnessConfig } from '../gateway-harness';
import { GatewayProcess, freePort, writeGatewayConfig } from '../faults/gateway-child';

describe('gateway workers', () => {
  it('refuses more than one worker on SQLite, naming the fix', () => {
    expect(() => loadConfig({ env: {}, overlay: { server: { workers: 2 } } })).toThrow(ConfigError);
    try {
      loadConfig({ env: {}, overlay: { server: { workers: 2 } } });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(/server\.workers: SQLite has one writer process/);
    }
  });

  it('serves callbacks from two worker processes on one PostgreSQL archive that still verifies as one set of chains', async () => {
    const db = await openTestDatabase('postgres');
    await db.dataSource.destroy();
    const dir = mkdtempSync(join(tmpdir(), 'cgw-workers-'));
    const account = createSimulatedAccount({ callbackUrl: 'http://placeholder/', mode: 'safe' });
    const port = await freePort();
    const config = { ...harnessConfig(db, dir, account, { kind: 'postgres' }) };
    config.server = { ...config.server, port, workers: 2 };
    writeGatewayConfig(join(dir, 'config.yaml'), config);
    const gateway = await GatewayProcess.start(join(dir, 'config.yaml'), join(dir, 'gateway.log'));
    try {
      const sim = createTencentSimulator({ accounts: [{ ...account, callbackUrl: `http://127.0.0.1:${port}/callback/oa/test-oa` }] });
      const reports = await Promise.all(
        Array.from({ length: 60 }, (_, i) => sim.send(account.appId, pushes.textMessage({ toUserName: account.originalId, fromUserName: sim.newFollowerOpenid(account.appId), content: `第${i}条`, msgId: String(8_000_000_000_000_000_000n + BigInt(i)) }))),
      );
      expect(reports.every((r) => r.outcome === 'acked')).toBe(true);
      // Every scrape shows the whole host, whichever worker takes its connection (each scrape a new one).
      for (let i = 0; i < 6; i++) {
        const text = await scrape(port);
        const archived = [...text.matchAll(/^cgw_callbacks_total\{[^}]*outcome="archived"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        expect(archived).toBe(60);
      }
    } finally {
      await gateway.stop();
    }
    const ds = await createDataSource(db.config).initialize();
    try {
      expect(await ds.getRepository(ARCHIVE_RECORD_ENTITY).count()).toBe(60);
      // Each worker wrote only its own chain shards (worker 0 the even ones, worker 1 the odd), and both served.
      const shards = (await ds.getRepository<{ shard: number }>(ARCHIVE_RECORD_ENTITY).find({ select: { shard: true } })).map((r) => r.shard % 2);
      expect(new Set(shards)).toEqual(new Set([0, 1]));
      // Only worker 0 checkpoints, so the final checkpoint at shutdown is a single one.
      expect(await ds.getRepository(CHECKPOINT_ENTITY).count()).toBe(1);
      const report = await verifyArchive(ds, { trustedCaPem: readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8') });
      expect(report.chainFindings).toEqual([]);
      expect(report.checkpointFindings).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** GET /metrics on a connection of its own. */
function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    }).on('error', reject);
  });
}
