/**
 * The three SQL back ends the gateway supports. Everything that differs per
 * back end (column types, error codes, DDL) is decided from this one value.
 */

/** A supported back end: SQLite (embedded default), PostgreSQL, SQL Server (production). */
export type Dialect = 'sqlite' | 'postgres' | 'mssql';

/**
 * Maps a TypeORM driver type (`dataSource.options.type`) to our dialect.
 * @throws Error for a driver the gateway does not support.
 */
export function dialectOf(driverType: string): Dialect {
  switch (driverType) {
    case 'better-sqlite3':
      return 'sqlite';
    case 'postgres':
      return 'postgres';
    case 'mssql':
      return 'mssql';
    default:
      throw new Error(`unsupported database driver "${driverType}" (expected better-sqlite3, postgres or mssql)`);
  }
}
