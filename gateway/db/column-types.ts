/**
 * The only column types that differ per back end. Entities and migrations both
 * take them from here, so the schema a migration creates is the schema the
 * entity describes. Everything else is varchar(n) with an explicit n or
 * bigint, which all three back ends spell the same.
 *
 * Migrations call these too, so changing one rewrites history: add a
 * migration instead (the SQL Server golden test and the test-template hash
 * both notice a change here).
 */
import type { Dialect } from './dialect';

/** A column type with its length, as both EntitySchema and TableColumn accept it. */
export interface DialectColumnType {
  type: 'blob' | 'bytea' | 'varbinary' | 'text' | 'nvarchar' | 'integer' | 'int';
  /** SQL Server needs `max` for values over 8000 bytes; absent elsewhere. */
  length?: string;
}

/** Unbounded binary (ciphertext, IVs, wrapped keys): blob / bytea / varbinary(max). */
export function binaryColumnType(dialect: Dialect): DialectColumnType {
  switch (dialect) {
    case 'sqlite':
      return { type: 'blob' };
    case 'postgres':
      return { type: 'bytea' };
    case 'mssql':
      // image is deprecated; varbinary(n) caps at 8000 bytes.
      return { type: 'varbinary', length: 'max' };
  }
}

/** Unbounded Unicode text (canonical JSON, signatures): text / text / nvarchar(max). */
export function longTextColumnType(dialect: Dialect): DialectColumnType {
  switch (dialect) {
    case 'sqlite':
    case 'postgres':
      return { type: 'text' };
    case 'mssql':
      // text/ntext are deprecated on SQL Server; nvarchar keeps non-ASCII intact whatever the collation.
      return { type: 'nvarchar', length: 'max' };
  }
}

/**
 * 32-bit integer as migrations must spell it: TypeORM's SQLite driver reads
 * `int` back as `integer` and would otherwise see every int column as changed;
 * PostgreSQL and SQL Server keep the plain `int` DBAs expect in the DDL.
 */
export function integerColumnType(dialect: Dialect): DialectColumnType {
  return { type: dialect === 'sqlite' ? 'integer' : 'int' };
}
