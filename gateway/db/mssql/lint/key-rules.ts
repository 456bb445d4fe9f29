/**
 * Rules on keys and indexes, which need the columns' declared types: SQL
 * Server caps index keys (900 bytes clustered, 1700 nonclustered; it creates
 * an over-long varchar index with only a warning, then fails the insert that
 * overflows it) and lets a unique constraint hold a single NULL.
 */
import type { LintFinding } from './finding';
import type { ColumnFact, KeyFact } from './parse-ddl';
import type { SchemaModel } from './schema-model';

const CLUSTERED_KEY_LIMIT = 900;
const NONCLUSTERED_KEY_LIMIT = 1700;

const FIXED_WIDTHS: Record<string, number> = {
  BIT: 1, TINYINT: 1, SMALLINT: 2, INT: 4, BIGINT: 8, REAL: 4, FLOAT: 8, MONEY: 8, SMALLMONEY: 4,
  DATE: 3, TIME: 5, DATETIME: 8, SMALLDATETIME: 4, DATETIME2: 8, DATETIMEOFFSET: 10, UNIQUEIDENTIFIER: 16,
};

/** Largest number of bytes a column can put in an index key (Infinity for (max) types). */
export function maxKeyBytes(column: ColumnFact): number {
  if (column.length === 'MAX') return Infinity;
  const fixed = FIXED_WIDTHS[column.type];
  if (fixed !== undefined) return fixed;
  if (column.type === 'DECIMAL' || column.type === 'NUMERIC') {
    const precision = column.precision ?? column.length ?? 18;
    return precision <= 9 ? 5 : precision <= 19 ? 9 : precision <= 28 ? 13 : 17;
  }
  const length = column.length ?? 1; // T-SQL: char/varchar/binary without (n) mean (1).
  return column.type === 'NVARCHAR' || column.type === 'NCHAR' ? 2 * length : length;
}

function keySizeRule(key: KeyFact, columns: ColumnFact[]): LintFinding | undefined {
  const where = { line: key.line };
  const unbounded = columns.find((column) => maxKeyBytes(column) === Infinity);
  if (unbounded) {
    return { ...where, rule: 'index-key-size', message: `${key.kind} "${key.name}" on ${key.table}: (max) column "${unbounded.name}" cannot be an index key on SQL Server` };
  }
  const bytes = columns.reduce((sum, column) => sum + maxKeyBytes(column), 0);
  const limit = key.clustered ? CLUSTERED_KEY_LIMIT : NONCLUSTERED_KEY_LIMIT;
  if (bytes <= limit) return undefined;
  const kind = key.clustered ? 'clustered' : 'nonclustered';
  return { ...where, rule: 'index-key-size', message: `${key.kind} "${key.name}" on ${key.table}: key up to ${bytes} bytes exceeds SQL Server's ${limit}-byte ${kind} limit` };
}

function uniqueNullableRule(key: KeyFact, columns: ColumnFact[]): LintFinding | undefined {
  // A filtered unique index (WHERE col IS NOT NULL) is the SQL Server way to allow many NULLs.
  if (!key.unique || key.kind === 'primary key' || key.filtered) return undefined;
  const nullable = columns.filter((column) => column.nullable);
  if (nullable.length === 0) return undefined;
  const names = nullable.map((column) => `"${column.name}"`).join(', ');
  return {
    line: key.line,
    rule: 'unique-nullable',
    message: `${key.kind} "${key.name}" on ${key.table} covers nullable ${names}: SQL Server allows only one NULL there (PostgreSQL and SQLite allow many); make it NOT NULL or use a unique index filtered WHERE … IS NOT NULL`,
  };
}

/** Findings for one key, looking its columns up in the model (unknown columns are skipped). */
export function keyRules(key: KeyFact, model: SchemaModel): LintFinding[] {
  const columns = key.columns.flatMap((name) => model.column(key.table, name) ?? []);
  return [keySizeRule(key, columns), uniqueNullableRule(key, columns)].filter((finding) => finding !== undefined);
}
