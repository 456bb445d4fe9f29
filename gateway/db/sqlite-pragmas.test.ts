import { openTestDatabase, type TestDatabase } from '../../test/db';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-pragmas';

describe('SQLite connection settings', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('sqlite');
  });
  afterAll(async () => {
    await db.drop();
  });

  const pragma = async (name: string) => Object.values((await db.dataSource.query(`PRAGMA ${name}`))[0])[0];

  it('uses WAL with synchronous=NORMAL (durable across a process crash)', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
  });

  it('enforces foreign keys and waits for locks instead of failing at once', async () => {
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(SQLITE_BUSY_TIMEOUT_MS);
  });
});
