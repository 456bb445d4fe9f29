/** Operations on a real gateway: health, readiness, metrics, and a graceful shutdown that finishes in-flight callbacks. */
import * as pushes from '../../gateway/simulator/pushes';
import { ARCHIVE_RECORD_ENTITY } from '../../gateway/db/entities';
import { createDataSource } from '../../gateway/db/data-source';
import { DATABASE_KINDS } from '../db';
import { startHarness, testAppCredentials } from '../gateway-harness';
import { startCoWechatApp } from '../internal-apps';

describe.each(DATABASE_KINDS)('operations [%s]', (kind) => {
  it('reports liveness, readiness of database and queue, and counts callbacks in /metrics', async () => {
    const creds = testAppCredentials();
    const app = await startCoWechatApp(creds);
    const h = await startHarness({ kind, apps: [{ id: 'crm', credentials: creds, url: app.url }] });
    try {
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${h.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: [{ name: 'database', ok: true }, { name: 'queue', ok: true }] });
      await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: h.sim.newFollowerOpenid(h.account.appId), content: 'hi' }));
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      expect(metrics).toMatch(/cgw_callbacks_total\{account="test-oa",outcome="archived"\} 1/);
      expect(metrics).toMatch(/cgw_archive_batch_size_count \d+/);
      expect(metrics).toMatch(/cgw_process_resident_memory_bytes/);
    } finally {
      await h.close({ drop: true });
      await app.close();
    }
  });

  it('finishes a callback that is in flight when shutdown starts: Tencent gets its reply and the record is committed', async () => {
    const creds = testAppCredentials();
    const app = await startCoWechatApp(creds, () => ({ delayMs: 700, then: '稍等，马上为您处理' }));
    const h = await startHarness({ kind, apps: [{ id: 'bot', credentials: creds, url: app.url, replies: true }] });
    let closed = false;
    try {
      const inFlight = h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: h.sim.newFollowerOpenid(h.account.appId), content: '在吗' }));
      await new Promise((r) => setTimeout(r, 250));
      const closing = h.close();
      closed = true;
      const report = await inFlight;
      await closing;
      expect(report.outcome).toBe('replied');
      expect(report.attempts).toHaveLength(1);
      const ds = await createDataSource(h.db.config).initialize();
      const types = (await ds.getRepository(ARCHIVE_RECORD_ENTITY).find({ select: { recordType: true } })).map((r) => r.recordType).sort();
      await ds.destroy();
      expect(types).toEqual(['oa.inbound', 'oa.reply']);
    } finally {
      if (!closed) await h.close();
      await h.db.drop();
      await app.close();
    }
  });
});
