/**
 * Multi-row INSERT for the archive's hot path, written with the driver's own
 * identifier quoting and parameter placeholders ($n on PostgreSQL, ? on SQLite,
 * @n on SQL Server), so the SQL stays portable while skipping the query
 * builder, whose per-row bookkeeping cost more than the database did. The SQL
 * text is cached per table, column list and row count, and runs as a prepared
 * statement on PostgreSQL (statements.ts).
 */
import type { EntityManager } from 'typeorm';
import { chunk, rowsPerStatement } from './chunk';
import { runStatement } from './statements';

const sqlCache = new WeakMap<object, Map<string, string>>();

function insertSql(manager: EntityManager, table: string, columns: readonly string[], rowCount: number): string {
  const driver = manager.connection.driver;
  let cache = sqlCache.get(driver);
  if (!cache) sqlCache.set(driver, (cache = new Map()));
  const key = `${table}|${columns.join(',')}|${rowCount}`;
  let sql = cache.get(key);
  if (!sql) {
    const tuples: string[] = [];
    let p = 0;
    for (let r = 0; r < rowCount; r++) tuples.push(`(${columns.map(() => driver.createParameter(`p${p}`, p++)).join(', ')})`);
    sql = `INSERT INTO ${driver.escape(table)} (${columns.map((c) => driver.escape(c)).join(', ')}) VALUES ${tuples.join(', ')}`;
    cache.set(key, sql);
  }
  return sql;
}

/** Insert `rows` (values in `columns` order) into `table`, in statements within every driver's parameter limit. */
export async function bulkInsert(manager: EntityManager, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  for (const part of chunk(rows, Math.min(1000, rowsPerStatement(columns.length)))) {
    await runStatement(manager, insertSql(manager, table, columns, part.length), part.flat());
  }
}
