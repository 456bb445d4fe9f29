/**
 * One puller per corp across replicas: only the lease holder pulls, a
 * replica whose lease was taken over cannot commit a batch (the lease is
 * re-checked and the cursor compared-and-set inside the archive
 * transaction), and a standby takes over when the holder stops. On SQLite
 * and PostgreSQL; two whole gateways on PostgreSQL only (SQLite allows one
 * writer process, and two in one process block each other in its
 * synchronous driver).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import { loadFinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/load-finance-sdk';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { Gateway } from '../../gateway/create-gateway';
import { CursorMovedError } from '../../gateway/msgaudit/failures';
import { MsgauditPuller } from '../../gateway/msgaudit/msgaudit-puller';
import { pullBatch } from '../../gateway/msgaudit/pull-batch';
import { LeaseLostError } from '../../gateway/upstream/lease-store';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { until } from '../until';
import { fakeFinanceSdk, fakeKeyring, fakeTexts } from './fake-finance-sdk';
import {
  archived, CORP, cursorAt, cursorOf, msgauditConfig, newCorpId, sealed, SECRET, startGateway, testKeyring, textMessage,
} from './msgaudit-harness';

const standin = useFinanceStandin();

for (const kind of DATABASE_KINDS) {
  describe(`msgaudit puller fencing [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-fence-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const gatewayFor = (corpId: string): Promise<Gateway> => startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId }));
    const loadTexts = (corpId: string, n: number) =>
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: Array.from({ length: n }, (_, i) => sealed(i + 1, textMessage(i + 1))) } } });

    it('lets only the lease holder of two pullers on one database pull, and the standby take over when the holder stops', async () => {
      const corpId = newCorpId();
      loadTexts(corpId, 3);
      const gateway = standin.track(await gatewayFor(corpId));
      await cursorAt(gateway, corpId, '3');
      const holder = gateway.msgaudit.pullers.get(CORP)!;
      expect(holder.state).toBe('holding');

      const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath)));
      await sdk.init(corpId, SECRET);
      const other = new MsgauditPuller({
        corp: { accountId: CORP, corpId }, sdk: async () => sdk, keyring: testKeyring(), archive: gateway.msgaudit.archive,
        cursors: gateway.msgaudit.cursors, leases: gateway.msgaudit.leases,
        policy: { batchLimit: 1000, pullIntervalMs: 60_000, leaseTtlMs: 5000, backoffBaseMs: 50, backoffMaxMs: 200, decryptChunk: 50, callOptions: {} },
        logger: pino({ level: 'silent' }), now: Date.now,
      });
      const otherPulls: string[] = [];
      other.onPull((result) => otherPulls.push(result.toSeq));
      other.start();
      try {
        await until('the second puller to try the lease', () => (other.state === 'standby' ? true : undefined));
        loadTexts(corpId, 6);
        other.wakeUp();
        holder.wakeUp();
        await cursorAt(gateway, corpId, '6');
        expect(other.state).toBe('standby');
        expect(otherPulls).toEqual([]);

        await holder.stop(); // releases the lease
        loadTexts(corpId, 8);
        await until('the standby to take the lease', () => (other.state === 'holding' ? true : undefined), 10_000);
        await cursorAt(gateway, corpId, '8');
        expect(otherPulls).toContain('8');
        expect((await archived(gateway, corpId)).map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      } finally {
        await other.stop();
      }
    });

    // Two whole gateways in one process need a database with several writers: SQLite's synchronous driver would
    // block one on the other. On SQLite the same property is proven above with two pullers sharing one gateway.
    if (kind === 'postgres') it('lets only one of two gateways pull a corp, and the other take over when it closes', async () => {
      const corpId = newCorpId();
      loadTexts(corpId, 3);
      const a = await gatewayFor(corpId);
      let aClosed = false;
      const b = standin.track(await gatewayFor(corpId));
      try {
        await cursorAt(a, corpId, '3');
        expect(a.msgaudit.pullers.get(CORP)!.state).toBe('holding');
        expect(b.msgaudit.pullers.get(CORP)!.state).toBe('standby');

        loadTexts(corpId, 6);
        a.msgaudit.wakeUp(CORP);
        b.msgaudit.wakeUp(CORP);
        await cursorAt(a, corpId, '6');
        expect(await b.metrics.registry.getSingleMetricAsString('cgw_msgaudit_pulls_total')).not.toContain('corp="bank-corp"');

        await a.close(); // releases the lease
        aClosed = true;
        loadTexts(corpId, 8);
        await until('the standby to take the lease', () => (b.msgaudit.pullers.get(CORP)!.state === 'holding' ? true : undefined), 10_000);
        await cursorAt(b, corpId, '8');
        expect((await archived(b, corpId)).map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      } finally {
        if (!aClosed) await a.close();
      }
    });

    it('refuses the commit of a puller whose lease was taken over: nothing of its batch is archived', async () => {
      const corpId = newCorpId();
      standin.control.load({ corps: {} });
      const gateway = standin.track(await gatewayFor(newCorpId()));
      // The gateway's own stores: on SQLite they share its connection gate, as every store of a process must.
      const { cursors, leases, archive } = gateway.msgaudit;
      const t0 = Date.now();
      await cursors.open(corpId, CORP, t0);
      const stale = (await leases.acquire(`msgaudit:${corpId}`, 'replica-a', 5000, t0))!;
      // replica-a stalls past its TTL; replica-b takes over.
      expect(await leases.acquire(`msgaudit:${corpId}`, 'replica-b', 5000, t0 + 6000)).not.toBeNull();

      const attempt = pullBatch({
        corp: { accountId: CORP, corpId }, sdk: fakeFinanceSdk(fakeTexts(3)), keyring: fakeKeyring, archive, cursors, lease: stale,
        limit: 1000, callOptions: {}, decryptChunk: 50, now: () => t0 + 1000,
      });
      await expect(attempt).rejects.toBeInstanceOf(LeaseLostError);
      expect(await archived(gateway, corpId)).toEqual([]);
      expect((await cursorOf(gateway, corpId))!.lastSeq).toBe('0');
    });

    it('refuses the commit of a batch pulled from a cursor another puller has moved since', async () => {
      const corpId = newCorpId();
      standin.control.load({ corps: {} });
      const gateway = standin.track(await gatewayFor(newCorpId()));
      const { cursors, leases, archive: writer } = gateway.msgaudit;
      await cursors.open(corpId, CORP, Date.now());
      const lease = (await leases.acquire(`msgaudit:${corpId}`, 'replica-a', 30_000, Date.now()))!;

      // The view a slow batch started from…
      const stale = (await cursors.read(corpId))!;
      // …then another batch commits (same lease here: the compare-and-set alone must refuse).
      const deps = { corp: { accountId: CORP, corpId }, sdk: fakeFinanceSdk(fakeTexts(4)), keyring: fakeKeyring, archive: writer, cursors, lease, limit: 2, callOptions: {}, decryptChunk: 50, now: Date.now };
      expect(await pullBatch(deps)).toMatchObject({ toSeq: '2', archived: 2 });
      const late = writer.appendAll(
        [{ recordType: 'wecom.msgaudit.raw', accountId: CORP, subject: null, occurredAtMs: Date.now(), dedupeKey: `late-${corpId}`, payload: { corpId, seq: '1' }, outbox: [] }],
        cursors.advanceEffect(stale, lease, { lastSeq: '1', pulledAt: Date.now(), caughtUp: false, newestMessageAt: null, skippedSeqs: 0, newRaw: () => 0, now: Date.now }),
      );
      await expect(late).rejects.toBeInstanceOf(CursorMovedError);
      expect((await archived(gateway, corpId)).map((r) => [r.seq, r.recordType])).toEqual([['1', 'wecom.msgaudit'], ['2', 'wecom.msgaudit']]);
      expect((await cursorOf(gateway, corpId))!.lastSeq).toBe('2');
    });
  });
}
