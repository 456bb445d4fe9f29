import type { DataSource } from 'typeorm';
import { describeEachDatabase, openTestDatabase, type TestDatabase } from '../../test/db';
import { createDataSource, type DatabaseConfig } from './data-source';
import { isUniqueViolation } from './errors';
import { CHAIN_HEAD_ENTITY, OA_CONTACT_ENTITY, type ChainHeadRow, type OaContactRow } from './entities';
import { insertRows, selectWhereIn, updateRows, updateWhere } from './statements';

const BIG = 2 ** 40 + 3;

const contact = (i: number, over: Partial<OaContactRow> = {}): OaContactRow => ({
  accountId: 'oa-1', openidBidx: `bidx-${i}`, subscribed: 1, windowTrigger: 'message', windowAt: BIG + i, sentSince: 0, updatedAt: BIG, ...over,
});

describeEachDatabase('hot-path statements', (db) => {
  it('inserts rows in multi-row statements and reads them back by IN, through the bigint transformer', async () => {
    const m = db.dataSource.manager;
    expect(await insertRows(m, OA_CONTACT_ENTITY, Array.from({ length: 1203 }, (_, i) => contact(i)))).toBe(true);
    const rows = await selectWhereIn(m, OA_CONTACT_ENTITY, ['openidBidx', 'windowAt', 'windowTrigger'], 'openidBidx', Array.from({ length: 1203 }, (_, i) => `bidx-${i}`));
    expect(rows).toHaveLength(1203);
    const one = rows.find((r) => r.openidBidx === 'bidx-1202');
    expect(one).toEqual({ openidBidx: 'bidx-1202', windowAt: BIG + 1202, windowTrigger: 'message' });
    expect(typeof one!.windowAt).toBe('number');
  });

  it('selects with an extra equality and finds nothing for unknown keys', async () => {
    const m = db.dataSource.manager;
    await insertRows(m, OA_CONTACT_ENTITY, [contact(1, { accountId: 'oa-2', openidBidx: 'x-1' }), contact(2, { accountId: 'oa-3', openidBidx: 'x-1' })]);
    expect(await selectWhereIn(m, OA_CONTACT_ENTITY, ['accountId'], 'openidBidx', ['x-1'], { accountId: 'oa-3' })).toEqual([{ accountId: 'oa-3' }]);
    expect(await selectWhereIn(m, OA_CONTACT_ENTITY, ['accountId'], 'openidBidx', ['nobody'])).toEqual([]);
  });

  it('refuses rows of different shapes without writing any', async () => {
    const m = db.dataSource.manager;
    const { windowAt: _dropped, ...withoutWindow } = contact(7, { openidBidx: 'shape-2' });
    expect(await insertRows(m, OA_CONTACT_ENTITY, [contact(6, { openidBidx: 'shape-1' }), withoutWindow as unknown as OaContactRow])).toBe(false);
    expect(await selectWhereIn(m, OA_CONTACT_ENTITY, ['openidBidx'], 'openidBidx', ['shape-1', 'shape-2'])).toEqual([]);
  });

  it('updates by equality, with SQL expressions computed from the row, and counts the rows changed', async () => {
    const m = db.dataSource.manager;
    await insertRows(m, OA_CONTACT_ENTITY, [contact(1, { openidBidx: 'u-1', sentSince: 4 })]);
    const where = { accountId: 'oa-1', openidBidx: 'u-1' };
    expect(await updateWhere(m, OA_CONTACT_ENTITY, where, { sentSince: () => 'sent_since + 1', updatedAt: BIG + 9 })).toBe(1);
    expect(await updateWhere(m, OA_CONTACT_ENTITY, where, { sentSince: () => 'sent_since + 1', updatedAt: BIG + 10 })).toBe(1);
    expect(await updateWhere(m, OA_CONTACT_ENTITY, { ...where, openidBidx: 'nobody' }, { updatedAt: 1 })).toBe(0);
    const row = await db.dataSource.getRepository<OaContactRow>(OA_CONTACT_ENTITY).findOneByOrFail(where);
    expect(row).toMatchObject({ sentSince: 6, updatedAt: BIG + 10 });
    await expect(updateWhere(m, OA_CONTACT_ENTITY, { windowAt: null }, { updatedAt: 1 })).rejects.toThrow(/plain value/);
  });

  it('runs inside a transaction and rolls back with it', async () => {
    await expect(db.dataSource.transaction(async (m) => {
      await insertRows(m, OA_CONTACT_ENTITY, [contact(1, { openidBidx: 'tx-1' })]);
      expect(await selectWhereIn(m, OA_CONTACT_ENTITY, ['openidBidx'], 'openidBidx', ['tx-1'])).toHaveLength(1);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await selectWhereIn(db.dataSource.manager, OA_CONTACT_ENTITY, ['openidBidx'], 'openidBidx', ['tx-1'])).toEqual([]);
  });

  it('updates many rows each to its own values, in chunks, leaving other rows alone', async () => {
    const m = db.dataSource.manager;
    const n = 1203; // 181 rows per statement (SQL Server's parameter cap): 7 statements
    await insertRows(m, OA_CONTACT_ENTITY, Array.from({ length: n }, (_, i) => contact(i, { openidBidx: `many-${i}` })));
    await insertRows(m, OA_CONTACT_ENTITY, [contact(0, { accountId: 'oa-other', openidBidx: 'many-0' })]);
    const updated = Array.from({ length: n }, (_, i) => ({
      openidBidx: `many-${i}`, subscribed: i % 2, windowTrigger: i % 3 === 0 ? null : `t${i % 7}`, windowAt: i % 5 === 0 ? null : BIG * 2 + i, sentSince: i, updatedAt: BIG + i,
    }));
    // The same key twice: its last row is written.
    const rows = [...updated, { ...updated[5]!, sentSince: 999 }];
    expect(await updateRows(m, OA_CONTACT_ENTITY, 'openidBidx', ['subscribed', 'windowTrigger', 'windowAt', 'sentSince', 'updatedAt'], rows, { accountId: 'oa-1' })).toBe(n);
    const read = await selectWhereIn(m, OA_CONTACT_ENTITY, ['openidBidx', 'subscribed', 'windowTrigger', 'windowAt', 'sentSince', 'updatedAt'], 'openidBidx', updated.map((u) => u.openidBidx), { accountId: 'oa-1' });
    const byKey = new Map(read.map((r) => [r.openidBidx, r]));
    for (const u of updated) expect(byKey.get(u.openidBidx)).toEqual(u.openidBidx === 'many-5' ? { ...u, sentSince: 999 } : u);
    expect(await selectWhereIn(m, OA_CONTACT_ENTITY, ['windowAt', 'sentSince'], 'openidBidx', ['many-0'], { accountId: 'oa-other' })).toEqual([{ windowAt: BIG, sentSince: 0 }]);
    expect(await updateRows(m, OA_CONTACT_ENTITY, 'openidBidx', ['sentSince'], [{ openidBidx: 'nobody', sentSince: 1 }], { accountId: 'oa-1' })).toBe(0);
  });

  it('reads rows in the order asked, and with a lock inside a transaction', async () => {
    const m = db.dataSource.manager;
    await insertRows(m, OA_CONTACT_ENTITY, ['c', 'a', 'b'].map((k, i) => contact(i, { openidBidx: `ord-${k}` })));
    const order = { orderBy: ['openidBidx'] };
    expect((await selectWhereIn(m, OA_CONTACT_ENTITY, ['openidBidx'], 'openidBidx', ['ord-b', 'ord-c', 'ord-a'], {}, order)).map((r) => r.openidBidx)).toEqual(['ord-a', 'ord-b', 'ord-c']);
    await db.dataSource.transaction(async (tx) => {
      expect(await selectWhereIn(tx, OA_CONTACT_ENTITY, ['openidBidx'], 'openidBidx', ['ord-c', 'ord-a'], {}, { ...order, lock: true })).toEqual([{ openidBidx: 'ord-a' }, { openidBidx: 'ord-c' }]);
      if (db.kind !== 'postgres') return; // SQLite: one writer, no row locks to take
      // Another connection cannot lock the rows this transaction holds, and can lock the one it does not.
      const other = db.dataSource.createQueryRunner();
      try {
        const tryLock = (k: string) => other.query(`SELECT openid_bidx FROM oa_contact WHERE openid_bidx = $1 FOR UPDATE NOWAIT`, [k]).then(() => 'free', (e: { driverError?: { code?: string } }) => e.driverError?.code);
        await other.startTransaction();
        expect(await tryLock('ord-a')).toBe('55P03');
        await other.rollbackTransaction();
        await other.startTransaction();
        expect(await tryLock('ord-b')).toBe('free');
        await other.rollbackTransaction();
      } finally {
        await other.release();
      }
    });
  });

  it('reports a duplicate key as a unique violation, as TypeORM would', async () => {
    const m = db.dataSource.manager;
    const head: ChainHeadRow = { shard: 77, seq: 1, headHash: 'a'.repeat(64), updatedAt: 1 };
    await insertRows(m, CHAIN_HEAD_ENTITY, [head]);
    const err = await insertRows(m, CHAIN_HEAD_ENTITY, [head]).then(() => null, (e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });
});

describe('prepared statements on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await db?.drop();
  });

  // pg_prepared_statements lists what this session prepared: read it on the connection that ran the statement.
  const preparedAfterOneSelect = (ds: DataSource) => ds.transaction(async (m) => {
    await selectWhereIn(m, OA_CONTACT_ENTITY, ['openidBidx'], 'openidBidx', ['p-1']);
    return ((await m.query('SELECT name FROM pg_prepared_statements')) as { name: string }[]).map((r) => r.name).filter((n) => n.startsWith('cgw_'));
  });

  it('prepares hot-path statements once per connection by default', async () => {
    expect(await preparedAfterOneSelect(db.dataSource)).toHaveLength(1);
  });

  it('runs them unnamed with database.preparedStatements: false (a transaction-pooling PgBouncer)', async () => {
    const ds = await createDataSource({ ...(db.config as Extract<DatabaseConfig, { type: 'postgres' }>), preparedStatements: false }).initialize();
    try {
      expect(await preparedAfterOneSelect(ds)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
