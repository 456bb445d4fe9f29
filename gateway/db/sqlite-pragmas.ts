/**
 * Connection settings for the embedded SQLite database, applied through
 * TypeORM's better-sqlite3 `prepareDatabase` hook before TypeORM runs a query.
 */

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The subset of a better-sqlite3 Database the pragmas need. */
export interface PragmaTarget {
  pragma(source: string): unknown;
}

/** Applies WAL, busy_timeout, foreign_keys and synchronous=NORMAL to a fresh connection. */
export function applySqlitePragmas(db: PragmaTarget): void {
  // WAL: readers do not block the writer, and a commit is one append to the log.
  db.pragma('journal_mode = WAL');
  // A second process (CLI, worker) waits for the lock instead of failing at once.
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // SQLite ships with foreign keys off; outbox -> archive_record must hold.
  db.pragma('foreign_keys = ON');
  // With WAL, NORMAL syncs at checkpoints, not at every commit. A committed
  // transaction survives a process crash (kill -9: the WAL is in the OS page
  // cache), which is what "nothing acknowledged is lost" is tested against.
  // On power loss or an OS crash the last transactions before the crash may
  // roll back (the database stays consistent). Deployments that must survive
  // power loss run SQL Server or PostgreSQL; FULL would cost an fsync per commit.
  db.pragma('synchronous = NORMAL');
}
