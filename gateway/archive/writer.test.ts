import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki } from '../../certs/pki';
import { describeEachDatabase, openTestDatabase } from '../../test/db';
import { createDataSource } from '../db/data-source';
import { ARCHIVE_RECORD_ENTITY, CALLBACK_NONCE_ENTITY, OUTBOX_ENTITY, type OutboxRow } from '../db/entities';
import { MemoryKeyStore } from './crypto/memory-key-store';
import { blindIndex } from './crypto/blind-index';
import { ArchiveReader } from './reader';
import { Checkpointer } from './checkpointer';
import { TypeOrmArchiveStore } from './typeorm-store';
import { TypeOrmCheckpointStore } from './typeorm-checkpoint-store';
import { verifyArchive } from './verify/verify-archive';
import { ArchiveBusyError, NonceReplayError, ArchiveWriter } from './writer';
import type { ArchiveEntry } from './types';
import type { DataSource } from 'typeorm';

const pki = ensureDevPki(join(mkdtempSync(join(tmpdir(), 'cgw-writer-pki-')), 'pki'));

function entry(n: number, over: Partial<ArchiveEntry> = {}): ArchiveEntry {
  return {
    recordType: 'oa.inbound',
    accountId: n % 2 ? 'retail-oa' : 'wealth-oa',
    subject: `oUser${n % 7}`,
    occurredAtMs: 1_795_000_000_000 + n * 1000,
    dedupeKey: `key-${n}`,
    payload: { n, text: `消息 ${n}` },
    outbox: [{ kind: 'forward', target: 'crm' }, { kind: 'forward', target: 'bot' }],
    ...over,
  };
}

function writerFor(dataSource: DataSource, keyStore: MemoryKeyStore, batches: number[] = []): ArchiveWriter {
  return new ArchiveWriter({ store: new TypeOrmArchiveStore(dataSource), keyStore, shards: 4, maxBatch: 64, now: Date.now, onBatch: (size) => batches.push(size) });
}

describeEachDatabase('ArchiveWriter', (db) => {
  const keyStore = new MemoryKeyStore();
  let writer: ArchiveWriter;
  const batches: number[] = [];
  const count = (entity: string) => db.dataSource.getRepository(entity).count();

  beforeAll(async () => {
    writer = writerFor(db.dataSource, keyStore, batches);
    await writer.init();
  });

  it('answers a fresh entry whose key exists after all as a duplicate, after one rerun, without touching its batch mates', async () => {
    const first = await writer.append(entry(9001));
    const effects: string[] = [];
    const before = await count(ARCHIVE_RECORD_ENTITY);
    const [clash, mate] = await Promise.all([
      writer.append(entry(9001, { fresh: true, effects: async () => void effects.push('clash') })),
      writer.append(entry(9002, { fresh: true, effects: async () => void effects.push('mate') })),
    ]);
    expect(clash).toMatchObject({ duplicate: true, recordId: first.recordId });
    expect(mate.duplicate).toBe(false);
    expect(effects).toEqual(['mate']);
    expect(await count(ARCHIVE_RECORD_ENTITY)).toBe(before + 1);
  });

  describe("'unless-seen-here' entries (Tencent pushes)", () => {
    const push = (n: number, body: string) => entry(n, { fresh: 'unless-seen-here', nonce: { key: `push-nonce-${n}`, bodyHash: body, expiresAtMs: 9_999_999_999_999 } });

    it('looks up a retry this writer saw: a duplicate without a rerun; a replayed nonce with another body is refused', async () => {
      const reruns: number[] = [];
      const w = new ArchiveWriter({ store: new TypeOrmArchiveStore(db.dataSource), keyStore, shards: 4, maxBatch: 64, now: Date.now, onRerun: () => reruns.push(1) });
      const first = await w.append(push(9100, 'body-a'));
      expect(first.duplicate).toBe(false);
      expect(await w.append(push(9100, 'body-a'))).toMatchObject({ duplicate: true, recordId: first.recordId });
      await expect(w.append({ ...push(9101, 'body-b'), nonce: { key: 'push-nonce-9100', bodyHash: 'body-b', expiresAtMs: 9_999_999_999_999 } })).rejects.toBeInstanceOf(NonceReplayError);
      expect(reruns).toEqual([]);
    });

    it('answers a retry or replay that reached another replica first after one rerun, without losing its batch mates', async () => {
      const reruns: number[] = [];
      const other = writerFor(db.dataSource, keyStore);
      const w = new ArchiveWriter({ store: new TypeOrmArchiveStore(db.dataSource), keyStore, shards: 4, maxBatch: 64, now: Date.now, onRerun: () => reruns.push(1) });
      const first = await other.append(push(9200, 'body-a'));
      await other.append(push(9201, 'body-a'));
      const before = await count(ARCHIVE_RECORD_ENTITY);
      const [retry, replay, mate] = await Promise.allSettled([
        w.append(push(9200, 'body-a')),
        w.append({ ...push(9202, 'body-c'), nonce: { key: 'push-nonce-9201', bodyHash: 'body-c', expiresAtMs: 9_999_999_999_999 } }),
        w.append(push(9203, 'body-d')),
      ]);
      expect(retry).toMatchObject({ status: 'fulfilled', value: { duplicate: true, recordId: first.recordId } });
      expect(replay).toMatchObject({ status: 'rejected', reason: expect.any(NonceReplayError) });
      expect(mate).toMatchObject({ status: 'fulfilled', value: { duplicate: false } });
      expect(await count(ARCHIVE_RECORD_ENTITY)).toBe(before + 1);
      expect(reruns.length).toBeGreaterThanOrEqual(1);
    });
  });

  it('commits the record, its outbox rows and its nonce together, with identifiers only as blind indexes', async () => {
    const result = await writer.append(entry(1, { nonce: { key: 'n1', bodyHash: 'b1', expiresAtMs: 1 } }));
    expect(result.duplicate).toBe(false);
    expect(result.outboxIds.map((o) => o.target).sort()).toEqual(['bot', 'crm']);
    const row = await db.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).findOneByOrFail({ id: result.recordId });
    expect(row.subjectBidx).toBe(blindIndex(keyStore.indexKey(), 'subject', 'oUser1'));
    expect(row.accountBidx).toBe(blindIndex(keyStore.indexKey(), 'account', 'retail-oa'));
    const stored = JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
    expect(stored).not.toContain('oUser1');
    expect(stored).not.toContain('retail-oa');
    expect(stored).not.toContain('消息');
    const outbox = await db.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY).findBy({ recordId: result.recordId });
    expect(outbox.map((o) => o.status)).toEqual(['pending', 'pending']);
    expect(await db.dataSource.getRepository(CALLBACK_NONCE_ENTITY).countBy({ nonceKey: 'n1' })).toBe(1);
  });

  it('decrypts what it wrote', async () => {
    const result = await writer.append(entry(2));
    const opened = await new ArchiveReader((id) => new TypeOrmArchiveStore(db.dataSource).load(id), keyStore).open(result.recordId);
    expect(opened.payload).toEqual({ n: 2, text: '消息 2' });
    expect(opened.subject).toBe('oUser2');
  });

  it('answers a second append with the same dedupe key with the first record and writes nothing', async () => {
    const first = await writer.append(entry(3));
    const before = [await count(ARCHIVE_RECORD_ENTITY), await count(OUTBOX_ENTITY)];
    const again = await writer.append(entry(3, { payload: { other: true } }));
    const byTarget = (o: { target: string }[]) => [...o].sort((x, y) => x.target.localeCompare(y.target));
    expect({ ...again, outboxIds: byTarget(again.outboxIds) }).toEqual({ ...first, outboxIds: byTarget(first.outboxIds), duplicate: true });
    expect([await count(ARCHIVE_RECORD_ENTITY), await count(OUTBOX_ENTITY)]).toEqual(before);
  });

  it('dedupes twins inside one batch', async () => {
    const results = await Promise.all([writer.append(entry(4)), writer.append(entry(4)), writer.append(entry(4))]);
    expect(new Set(results.map((r) => r.recordId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
  });

  it('refuses a nonce seen with another body and accepts it again with the same body', async () => {
    await writer.append(entry(5, { nonce: { key: 'n5', bodyHash: 'body-a', expiresAtMs: 1 } }));
    await expect(writer.append(entry(6, { nonce: { key: 'n5', bodyHash: 'body-b', expiresAtMs: 1 } }))).rejects.toBeInstanceOf(NonceReplayError);
    const retry = await writer.append(entry(5, { nonce: { key: 'n5', bodyHash: 'body-a', expiresAtMs: 1 } }));
    expect(retry.duplicate).toBe(true);
    expect(await db.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).countBy({ dedupeBidx: blindIndex(keyStore.indexKey(), 'dedupe', 'key-6') })).toBe(0);
  });

  it('purges nonces past their window and keeps the rest', async () => {
    await writer.append(entry(7, { nonce: { key: 'n-old', bodyHash: 'b', expiresAtMs: 1000 } }));
    await writer.append(entry(8, { nonce: { key: 'n-live', bodyHash: 'b', expiresAtMs: 9_000_000_000_000 } }));
    const purged = await new TypeOrmArchiveStore(db.dataSource).purgeExpiredNonces(2000);
    expect(purged).toBeGreaterThanOrEqual(1);
    const nonces = db.dataSource.getRepository(CALLBACK_NONCE_ENTITY);
    expect(await nonces.countBy({ nonceKey: 'n-old' })).toBe(0);
    expect(await nonces.countBy({ nonceKey: 'n-live' })).toBe(1);
  });

  it('group-commits concurrent appends into batches and every chain verifies', async () => {
    batches.length = 0;
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => writer.append(entry(100 + i))));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(300);
    const checkpointer = new Checkpointer({ store: new TypeOrmCheckpointStore(db.dataSource), signerKeyPem: pki.signer.keyPem, signerCertPem: pki.signer.certPem, intervalMs: 60_000, now: Date.now, logger: silent() });
    expect(await checkpointer.checkpoint()).not.toBeNull();
    expect(await checkpointer.checkpoint()).toBeNull(); // heads unchanged: no new checkpoint
    const report = await verifyArchive(db.dataSource, { trustedCaPem: pki.ca.certPem });
    expect(report.chainFindings).toEqual([]);
    expect(report.checkpointFindings).toEqual([]);
    expect(report.records).toBe(await count(ARCHIVE_RECORD_ENTITY));
  });

  it('refuses appends beyond maxPending at once instead of queueing them without bound', async () => {
    const w = new ArchiveWriter({ store: new TypeOrmArchiveStore(db.dataSource), keyStore, shards: 4, maxBatch: 8, maxPending: 5, now: Date.now });
    await w.init();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => w.append(entry(500 + i))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.reason instanceof ArchiveBusyError)).toBe(true);
    expect(await db.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).countBy({ dedupeBidx: blindIndex(keyStore.indexKey(), 'dedupe', 'key-507') })).toBe(0);
  });

  it('rejects every append of a batch whose transaction fails, leaving nothing behind', async () => {
    const broken = await openTestDatabase(db.kind);
    const w = writerFor(broken.dataSource, keyStore);
    await w.init();
    await broken.dataSource.destroy();
    await expect(w.append(entry(900))).rejects.toBeDefined();
    const reopened = await createDataSource(broken.config).initialize();
    expect(await reopened.getRepository(ARCHIVE_RECORD_ENTITY).count()).toBe(0);
    expect(await reopened.getRepository(OUTBOX_ENTITY).count()).toBe(0);
    await reopened.destroy();
    await broken.drop();
  });

  describe('appendAll', () => {
    const marker = (id: string) => ({ tokenHash: id.padEnd(64, '0'), appId: 'ingest', accountId: 'corp', product: 'wecom', issuedAt: 0, expiresAt: 0, revokedAt: null });
    const group = (from: number, n: number) => Array.from({ length: n }, (_, k) => entry(10_000 + from + k, { outbox: [] }));

    it('commits every entry and the group effect in one transaction, in order, on one chain', async () => {
      const results = await writer.appendAll(group(0, 300), async (tx) => tx.insert('AppToken', marker('aa01')));
      expect(results).toHaveLength(300);
      expect(results.every((r) => !r.duplicate)).toBe(true);
      const rows = await db.dataSource.getRepository<{ id: string; shard: number; shardSeq: number }>(ARCHIVE_RECORD_ENTITY).findBy(results.map((r) => ({ id: r.recordId })));
      expect(new Set(rows.map((r) => r.shard)).size).toBe(1);
      const bySeq = new Map(rows.map((r) => [r.id, r.shardSeq]));
      const seqs = results.map((r) => bySeq.get(r.recordId)!);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(await db.dataSource.getRepository('AppToken').countBy({ appId: 'ingest' })).toBe(1);
    });

    it('writes nothing when the group effect throws', async () => {
      const before = await count(ARCHIVE_RECORD_ENTITY);
      await expect(writer.appendAll(group(1000, 5), async () => {
        throw new Error('checkpoint moved elsewhere');
      })).rejects.toThrow('checkpoint moved elsewhere');
      expect(await count(ARCHIVE_RECORD_ENTITY)).toBe(before);
    });

    it('answers a re-run as duplicates and still runs the group effect', async () => {
      const first = await writer.appendAll(group(2000, 3));
      const again = await writer.appendAll(group(2000, 3), async (tx) => tx.insert('AppToken', marker('aa02')));
      expect(again.map((r) => r.duplicate)).toEqual([true, true, true]);
      expect(again.map((r) => r.recordId)).toEqual(first.map((r) => r.recordId));
      expect(await db.dataSource.getRepository('AppToken').countBy({ tokenHash: marker('aa02').tokenHash })).toBe(1);
    });

    it('keeps concurrent single appends and groups apart, and the archive still verifies', async () => {
      const singles = Promise.all(Array.from({ length: 50 }, (_, k) => writer.append(entry(20_000 + k))));
      const groups = Promise.all([writer.appendAll(group(3000, 40)), writer.appendAll(group(4000, 40))]);
      await Promise.all([singles, groups]);
      const report = await verifyArchive(db.dataSource, { trustedCaPem: pki.ca.certPem });
      expect(report.chainFindings).toEqual([]);
      expect(report.records).toBe(await count(ARCHIVE_RECORD_ENTITY));
    });
  });
});

describe('ArchiveWriter replicas [postgres]', () => {
  it('two writers on one database interleave on the shard chains without losing or duplicating a record', async () => {
    const db = await openTestDatabase('postgres');
    const other = await createDataSource(db.config).initialize();
    const keyStore = new MemoryKeyStore();
    const a = writerFor(db.dataSource, keyStore);
    const b = writerFor(other, keyStore);
    await a.init();
    await b.init();
    // Each key goes to both replicas: exactly one record per key must survive.
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => [a.append(entry(i)), b.append(entry(i))]).flat());
    const ids = new Map<string, Set<string>>();
    results.forEach((r, i) => ids.set(`key-${Math.floor(i / 2)}`, (ids.get(`key-${Math.floor(i / 2)}`) ?? new Set()).add(r.recordId)));
    expect([...ids.values()].every((s) => s.size === 1)).toBe(true);
    expect(await db.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).count()).toBe(200);
    const report = await verifyArchive(db.dataSource, { trustedCaPem: pki.ca.certPem });
    expect(report.chainFindings).toEqual([]);
    await other.destroy();
    await db.drop();
  });
});

describe('ArchiveWriter batch scheduling [postgres]', () => {
  // Records each transaction's shard and how many ran at once.
  function observedStore(dataSource: DataSource) {
    const store = new TypeOrmArchiveStore(dataSource);
    const seen = { shards: new Set<number>(), running: 0, maxRunning: 0 };
    const transaction = store.transaction.bind(store);
    store.transaction = (nowMs, fn) => transaction(nowMs, async (tx) => {
      seen.running += 1;
      seen.maxRunning = Math.max(seen.maxRunning, seen.running);
      const lock = tx.lockChainHead.bind(tx);
      tx.lockChainHead = async (shard) => {
        seen.shards.add(shard);
        return lock(shard);
      };
      try {
        await new Promise((r) => setTimeout(r, 20)); // a slow commit: later appends pile up meanwhile
        return await fn(tx);
      } finally {
        seen.running -= 1;
      }
    });
    return { store, seen };
  }

  it('starts a second batch beside a running one only once parallelBatchMin appends wait', async () => {
    const db = await openTestDatabase('postgres');
    try {
      const keyStore = new MemoryKeyStore();
      const few = observedStore(db.dataSource);
      const a = new ArchiveWriter({ store: few.store, keyStore, shards: 4, maxBatch: 64, parallelBatchMin: 8, now: Date.now });
      await a.init();
      const first = a.append(entry(1));
      await new Promise((r) => setImmediate(r));
      await Promise.all([first, ...Array.from({ length: 7 }, (_, i) => a.append(entry(10 + i)))]);
      expect(few.seen.maxRunning).toBe(1);

      const many = observedStore(db.dataSource);
      const b = new ArchiveWriter({ store: many.store, keyStore, shards: 4, maxBatch: 64, parallelBatchMin: 8, now: Date.now });
      const head = b.append(entry(100));
      await new Promise((r) => setImmediate(r));
      await Promise.all([head, ...Array.from({ length: 8 }, (_, i) => b.append(entry(110 + i)))]);
      expect(many.seen.maxRunning).toBe(2);
    } finally {
      await db.drop();
    }
  });

  it('a worker process of a host writes only its own shards', async () => {
    const db = await openTestDatabase('postgres');
    try {
      const keyStore = new MemoryKeyStore();
      const observed = [0, 1].map(() => observedStore(db.dataSource));
      const writers = observed.map(({ store }, index) => new ArchiveWriter({ store, keyStore, shards: 6, maxBatch: 4, parallelBatchMin: 1, worker: { index, count: 2 }, now: Date.now }));
      await writers[0]!.init();
      await Promise.all(writers.flatMap((w, wi) => Array.from({ length: 60 }, (_, i) => w.append(entry(1000 * (wi + 1) + i)))));
      expect([...observed[0]!.seen.shards].sort()).toEqual([0, 2, 4]);
      expect([...observed[1]!.seen.shards].sort()).toEqual([1, 3, 5]);
      expect((await verifyArchive(db.dataSource, { trustedCaPem: pki.ca.certPem })).chainFindings).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});

function silent() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pino')({ level: 'silent' });
}
