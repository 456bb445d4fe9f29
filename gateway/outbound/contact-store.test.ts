import { openTestDatabase, type TestDatabase } from '../../test/db';
import { createDataSource } from '../db/data-source';
import { ConnectionGate } from '../db/connection-gate';
import { OA_CONTACT_ENTITY, type OaContactRow } from '../db/entities';
import { ContactStore } from './contact-store';

// Two replicas observing the same new followers at once: their inserts race on the primary key.
describe('follower view written by two replicas (postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps every follower and the latest window of each when the replicas race on the same new followers', async () => {
    const other = await createDataSource(db.config).initialize();
    const errors: unknown[] = [];
    const stores = [db.dataSource, other].map((ds) => new ContactStore(ds, ConnectionGate.for(ds), { now: Date.now, flushMs: 5, onError: (err) => errors.push(err) }));
    try {
      const followers = Array.from({ length: 300 }, (_, i) => `race-${i}`);
      for (let round = 0; round < 5; round++) {
        stores.forEach((store, replica) => {
          for (const openidBidx of followers) store.observe({ accountId: 'oa-1', openidBidx, trigger: 'message', atMs: 1_000 + round * 10 + replica });
        });
        await Promise.all(stores.map((s) => s.flush()));
      }
      // Whatever failed was put back and is retried: wait for the queues to drain.
      for (let i = 0; i < 300; i++) {
        const rows = await db.dataSource.getRepository<OaContactRow>(OA_CONTACT_ENTITY).find();
        if (rows.length === followers.length && rows.every((r) => r.windowAt === 1_041)) break;
        await new Promise((r) => setTimeout(r, 100));
        await Promise.all(stores.map((s) => s.flush()));
      }
      const rows = await db.dataSource.getRepository<OaContactRow>(OA_CONTACT_ENTITY).find();
      expect(rows).toHaveLength(followers.length);
      // The latest observation of each follower won: round 4, replica 1.
      expect(new Set(rows.map((r) => r.windowAt))).toEqual(new Set([1_041]));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await other.destroy();
    }
    // Races are expected and reported; none may have lost an observation (checked above).
    expect(errors.every((e) => e instanceof Error)).toBe(true);
  });
});
