import { describeEachDatabase, type TestDatabaseHandle } from '../../test/db';
import { migrationStatus, runMigrations } from './data-source';
import { migrations } from './migrations';

const TABLES = ['archive_record', 'chain_head', 'checkpoint', 'outbox', 'callback_nonce'];
const ALL = migrations.map((Migration) => new Migration().name!);

async function existingTables(db: TestDatabaseHandle): Promise<string[]> {
  const runner = db.dataSource.createQueryRunner();
  try {
    // Sequential: TypeORM's PostgreSQL runner does not queue queries on its one connection.
    const present: string[] = [];
    for (const table of TABLES) if (await runner.hasTable(table)) present.push(table);
    return present;
  } finally {
    await runner.release();
  }
}

describeEachDatabase(
  'migrations from an empty database',
  (db) => {
    it('reports every migration pending before the first run', async () => {
      expect(await migrationStatus(db.dataSource)).toEqual({ applied: [], pending: ALL, unknown: [] });
    });

    it('runs every migration up and creates every table', async () => {
      expect(await runMigrations(db.dataSource)).toEqual(ALL);
      expect(await existingTables(db)).toEqual(TABLES);
      expect(await migrationStatus(db.dataSource)).toEqual({ applied: ALL, pending: [], unknown: [] });
    });

    it('is a no-op when run again', async () => {
      expect(await runMigrations(db.dataSource)).toEqual([]);
    });

    it('leaves nothing for synchronize to change: the entities match the migrated schema', async () => {
      const pending = await db.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    });

    it('reverts every migration down, dropping every table, and runs up again', async () => {
      for (let i = 0; i < ALL.length; i++) await db.dataSource.undoLastMigration({ transaction: 'all' });
      expect(await existingTables(db)).toEqual([]);
      expect((await migrationStatus(db.dataSource)).pending).toEqual(ALL);
      await runMigrations(db.dataSource);
      expect(await existingTables(db)).toEqual(TABLES);
    });
  },
  { empty: true },
);

describeEachDatabase('a cloned test database', (db) => {
  it('is already migrated from the template', async () => {
    expect(await migrationStatus(db.dataSource)).toEqual({ applied: ALL, pending: [], unknown: [] });
  });
});
