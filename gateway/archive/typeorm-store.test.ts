import { describeEachDatabase } from '../../test/db';
import { ConnectionGate } from '../db/connection-gate';
import { CHAIN_HEAD_ENTITY, OA_CONTACT_ENTITY, type ChainHeadRow, type OaContactRow } from '../db/entities';
import { TypeOrmArchiveStore } from './typeorm-store';

const row = (openidBidx: string, over: Partial<OaContactRow> = {}): OaContactRow => ({
  accountId: 'oa-1', openidBidx, subscribed: 1, windowTrigger: 'message', windowAt: 1_000, sentSince: 0, updatedAt: 1_000, ...over,
});

describeEachDatabase('archive transaction: gathered inserts and updates', (db) => {
  const contacts = () => db.dataSource.getRepository<OaContactRow>(OA_CONTACT_ENTITY);

  it('applies gathered updates once per occurrence, keeps differing values apart, and sees rows inserted in the same batch', async () => {
    const store = new TypeOrmArchiveStore(db.dataSource, ConnectionGate.for(db.dataSource));
    await contacts().insert([row('a'), row('b'), row('c', { accountId: 'oa-2' })]);
    await store.transaction(5_000, async (tx) => {
      await tx.insert(OA_CONTACT_ENTITY, { ...row('new') });
      const bump = { sentSince: () => 'sent_since + 1', updatedAt: tx.nowMs };
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-1', openidBidx: 'a' }, bump);
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-1', openidBidx: 'a' }, bump);
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-1', openidBidx: 'b' }, bump);
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-1', openidBidx: 'new' }, bump);
      // Another account's guard: not the same shape, so not merged into the oa-1 statement; c is on oa-2 and changes.
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-2', openidBidx: 'c' }, { windowTrigger: 'payment', updatedAt: tx.nowMs });
      // The guard holds: b is not on oa-2, so this changes nothing.
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-2', openidBidx: 'b' }, { windowTrigger: 'payment', updatedAt: tx.nowMs });
    });
    const byId = new Map((await contacts().find()).map((r) => [`${r.accountId}|${r.openidBidx}`, r]));
    expect(byId.get('oa-1|a')).toMatchObject({ sentSince: 2, updatedAt: 5_000 });
    expect(byId.get('oa-1|b')).toMatchObject({ sentSince: 1, windowTrigger: 'message', updatedAt: 5_000 });
    expect(byId.get('oa-1|new')).toMatchObject({ sentSince: 1, updatedAt: 5_000 });
    expect(byId.get('oa-2|c')).toMatchObject({ sentSince: 0, windowTrigger: 'payment', updatedAt: 5_000 });
  });

  it('writes nothing gathered when the transaction fails', async () => {
    const store = new TypeOrmArchiveStore(db.dataSource, ConnectionGate.for(db.dataSource));
    await contacts().insert([row('z')]);
    await expect(store.transaction(9_000, async (tx) => {
      await tx.insert(OA_CONTACT_ENTITY, { ...row('zz') });
      tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: 'oa-1', openidBidx: 'z' }, { sentSince: 5, updatedAt: tx.nowMs });
      await tx.insert(OA_CONTACT_ENTITY, { ...row('z') }); // duplicate key: the flush at commit fails
    })).rejects.toThrow();
    expect(await contacts().findOneBy({ openidBidx: 'zz' })).toBeNull();
    expect(await contacts().findOneBy({ openidBidx: 'z' })).toMatchObject({ sentSince: 0 });
  });
});

describeEachDatabase('archive transaction: chain head and effects', (db) => {
  const heads = () => db.dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY);
  const store = () => new TypeOrmArchiveStore(db.dataSource, ConnectionGate.for(db.dataSource));
  const HASH = 'ab'.repeat(32);

  beforeAll(async () => {
    await store().ensureChainHeads(2, () => '00'.repeat(32), 1);
  });

  it('locks the head, runs the effects in the same transaction, and writes the new head with the commit', async () => {
    await store().transaction(7_000, async (tx) => {
      expect(await tx.lockChainHead(1)).toEqual({ seq: 0, hash: '00'.repeat(32) });
      await tx.update(OA_CONTACT_ENTITY, { accountId: 'nobody', openidBidx: 'x' }, { sentSince: 1 });
      await tx.insert(OA_CONTACT_ENTITY, { ...row('head-1') });
      // An effect's own lookup sees the row gathered before it: the transaction is one.
      expect(await tx.findOne<OaContactRow>(OA_CONTACT_ENTITY, { openidBidx: 'head-1' })).toMatchObject({ accountId: 'oa-1' });
      await tx.setChainHead(1, 3, HASH, tx.nowMs);
    });
    expect(await heads().findOneByOrFail({ shard: 1 })).toMatchObject({ seq: 3, headHash: HASH, updatedAt: 7_000 });
    expect(await db.dataSource.getRepository(OA_CONTACT_ENTITY).countBy({ openidBidx: 'head-1' })).toBe(1);
  });

  it('rolls back the head and the effects together when anything fails after the lock, and the connection is usable again', async () => {
    await expect(store().transaction(8_000, async (tx) => {
      await tx.lockChainHead(0);
      await tx.insert(OA_CONTACT_ENTITY, { ...row('head-2') });
      await tx.setChainHead(0, 9, HASH, tx.nowMs);
      await tx.insert(OA_CONTACT_ENTITY, { ...row('head-2') }); // the same key twice: the flush before commit fails
    })).rejects.toThrow();
    expect(await heads().findOneByOrFail({ shard: 0 })).toMatchObject({ seq: 0 });
    expect(await db.dataSource.getRepository(OA_CONTACT_ENTITY).countBy({ openidBidx: 'head-2' })).toBe(0);
    // Every pooled connection still works (none was returned inside an aborted transaction).
    await Promise.all(Array.from({ length: 25 }, () => heads().count()));
  });

  it('refuses a head value that is not an integer sequence and a hex SHA-256, writing nothing', async () => {
    for (const [seq, hash] of [[1.5, HASH], [2, `${HASH.slice(2)}'x`], [2, 'AB'.repeat(32)]] as const) {
      await expect(store().transaction(9_000, async (tx) => {
        await tx.lockChainHead(1);
        await tx.setChainHead(1, seq, hash, tx.nowMs);
      })).rejects.toThrow();
    }
    expect(await heads().findOneByOrFail({ shard: 1 })).toMatchObject({ seq: 3, headHash: HASH });
  });
});
