/**
 * TypeORM's better-sqlite3 driver runs everything on one connection, so a
 * query issued while an archive transaction is open silently joins it: a
 * checkpoint could seal a chain head that is then rolled back, an outbox
 * update could vanish with someone else's rollback. On SQLite every store
 * call therefore goes through this gate, one at a time. Other databases have
 * a pool and real isolation; the gate lets their calls straight through.
 */
import type { DataSource } from 'typeorm';

export class ConnectionGate {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly serialise: boolean) {}

  /** The gate a data source needs: serialising for SQLite, pass-through otherwise. */
  static for(dataSource: DataSource): ConnectionGate {
    return new ConnectionGate(dataSource.options.type === 'better-sqlite3');
  }

  /** Run `work` alone on the connection (SQLite), or at once (pooled databases). */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.serialise) return work();
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
