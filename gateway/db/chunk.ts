/**
 * Batching for statements with many bound parameters. SQL Server is the
 * tightest back end: at most 2100 parameters per request and 1000 rows per
 * VALUES list (PostgreSQL allows 65535 parameters, SQLite 32766), so batch
 * sizes are computed for it and hold everywhere.
 */

/** SQL Server's parameter cap (2100) less headroom for parameters TypeORM adds itself. */
export const MAX_PARAMETERS_PER_STATEMENT = 2000;
/** SQL Server's cap on row value expressions in one INSERT … VALUES. */
export const MAX_ROWS_PER_INSERT = 1000;

/** Splits `items` into consecutive slices of at most `size` (size >= 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}

/** How many rows of `columnsPerRow` bound values fit in one INSERT on every back end. */
export function rowsPerStatement(columnsPerRow: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS_PER_STATEMENT / columnsPerRow)));
}
