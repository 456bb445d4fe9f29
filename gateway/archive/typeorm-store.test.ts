import { describeEachDatabase } from '../../test/db';
import { ConnectionGate } from '../db/connection-gate';
import { OA_CONTACT_ENTITY, type OaContactRow } from '../db/entities';
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
