/**
 * Recognises database errors the stores must handle, whichever driver raised
 * them. TypeORM wraps driver errors in QueryFailedError and copies the driver
 * error's fields onto it, so both the wrapper and the raw error are accepted.
 */

// SQL Server: 2627 violates a UNIQUE or PRIMARY KEY constraint, 2601 a unique index.
const MSSQL_UNIQUE_NUMBERS = new Set([2627, 2601]);
// better-sqlite3 reports extended result codes; a PRIMARY KEY clash is a uniqueness clash too.
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
// PostgreSQL SQLSTATE unique_violation.
const POSTGRES_UNIQUE_VIOLATION = '23505';

type ErrorFields = { code?: unknown; number?: unknown; driverError?: unknown; originalError?: unknown; info?: unknown };

function fieldsOf(value: unknown): ErrorFields | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorFields) : undefined;
}

function matchesDirectly(err: ErrorFields): boolean {
  if (typeof err.code === 'string' && (SQLITE_UNIQUE_CODES.has(err.code) || err.code === POSTGRES_UNIQUE_VIOLATION)) return true;
  const number = typeof err.number === 'number' ? err.number : fieldsOf(err.info)?.number;
  return typeof number === 'number' && MSSQL_UNIQUE_NUMBERS.has(number);
}

/** True when `err` is a unique or primary-key violation on SQLite, PostgreSQL or SQL Server. */
export function isUniqueViolation(err: unknown): boolean {
  // Walk wrapper -> driverError -> originalError (mssql RequestError wraps tedious's error).
  const seen = new Set<unknown>();
  let current = fieldsOf(err);
  while (current && !seen.has(current)) {
    seen.add(current);
    if (matchesDirectly(current)) return true;
    current = fieldsOf(current.driverError) ?? fieldsOf(current.originalError);
  }
  return false;
}
