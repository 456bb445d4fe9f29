/**
 * An archive transaction on PostgreSQL in fewer round trips. Each batch's
 * transaction opens by locking its shard's chain head and closes by writing
 * it; through TypeORM those are four round trips (START TRANSACTION, the
 * locking SELECT, the UPDATE, COMMIT). Here the first two travel together,
 * and so do the last two, as one simple-protocol message each, with the
 * statements' few values written as literals: integers and a hex hash this
 * process computed, checked before they are written, never anything a
 * caller supplied. Every statement between runs as before, on the same
 * connection. A busy gateway runs thousands of these a second, and a round
 * trip costs both processes CPU and the batch waiting time.
 *
 * TypeORM is told the transaction is active, so that the effects' own
 * statements (through the same query runner) join it rather than open one.
 */
import { QueryFailedError, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { CHAIN_HEAD_ENTITY } from '../db/entities';

interface SimpleClient {
  query(text: string): Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;
}

const HASH = /^[0-9a-f]{64}$/;

/** One transaction's connection and its two combined ends. */
export class PgArchiveTransaction {
  private begun = false;
  private headUpdate: string | null = null;

  private constructor(private readonly runner: QueryRunner, private readonly client: SimpleClient, private readonly names: HeadNames) {}

  /** Take a connection from the pool; nothing is sent until the first statement. */
  static async open(dataSource: DataSource): Promise<PgArchiveTransaction> {
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as SimpleClient;
    // The transaction is ours to start and end; TypeORM must treat it as open.
    const bookkeeping = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    bookkeeping.isTransactionActive = true;
    bookkeeping.transactionDepth = 1;
    return new PgArchiveTransaction(runner, client, headNames(dataSource));
  }

  get manager(): EntityManager {
    return this.runner.manager;
  }

  /** Before any other statement: START TRANSACTION, alone, if the head lock did not open it. */
  async begin(): Promise<void> {
    if (this.begun) return;
    await this.send('START TRANSACTION');
    this.begun = true;
  }

  /** START TRANSACTION (unless begun) and lock the shard's chain head, in one round trip. */
  async lockHead(shard: number): Promise<{ seq: number; hash: string } | undefined> {
    if (!Number.isSafeInteger(shard)) throw new RangeError('shard must be an integer');
    const n = this.names;
    const select = `SELECT ${n.seq} AS seq, ${n.hash} AS hash FROM ${n.table} WHERE ${n.shard} = ${shard} FOR UPDATE`;
    const results = await this.send(this.begun ? select : `START TRANSACTION; ${select}`);
    this.begun = true;
    const last = Array.isArray(results) ? results[results.length - 1]! : results;
    const row = last.rows[0];
    return row ? { seq: Number(row.seq), hash: String(row.hash) } : undefined;
  }

  /** The head's new value, written with COMMIT. */
  setHeadAtCommit(shard: number, seq: number, hash: string, nowMs: number): void {
    if (![shard, seq, nowMs].every(Number.isSafeInteger) || !HASH.test(hash)) throw new RangeError('chain head values must be integers and a hex SHA-256');
    const n = this.names;
    this.headUpdate = `UPDATE ${n.table} SET ${n.seq} = ${seq}, ${n.hash} = '${hash}', ${n.updatedAt} = ${nowMs} WHERE ${n.shard} = ${shard}`;
  }

  /** The head update (if any) and COMMIT in one round trip. */
  async commit(): Promise<void> {
    if (!this.begun) return;
    await this.send(this.headUpdate ? `${this.headUpdate}; COMMIT` : 'COMMIT');
    this.begun = false;
  }

  /**
   * Roll back whatever was begun and give the connection back. A connection
   * that cannot even roll back is handed back broken, so the pool discards it;
   * the caller keeps the error that brought it here.
   */
  async release(): Promise<void> {
    let broken: Error | undefined;
    if (this.begun) await this.send('ROLLBACK').catch((err: Error) => (broken = err));
    const runner = this.runner as unknown as { isTransactionActive: boolean; transactionDepth: number; releasePostgresConnection(err?: Error): Promise<void> };
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
    await runner.releasePostgresConnection(broken);
  }

  // Errors as TypeORM would raise them, so isUniqueViolation and the writer's rerun see no difference.
  private async send(text: string) {
    try {
      return await this.client.query(text);
    } catch (err) {
      throw new QueryFailedError(text, [], err as Error);
    }
  }
}

interface HeadNames {
  table: string;
  shard: string;
  seq: string;
  hash: string;
  updatedAt: string;
}

function headNames(dataSource: DataSource): HeadNames {
  const metadata = dataSource.getMetadata(CHAIN_HEAD_ENTITY);
  const name = (property: string) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`chain head has no column ${property}`);
    return dataSource.driver.escape(column.databaseName);
  };
  return { table: dataSource.driver.escape(metadata.tableName), shard: name('shard'), seq: name('seq'), hash: name('headHash'), updatedAt: name('updatedAt') };
}
