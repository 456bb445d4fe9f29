/** The archive's view of the database: what one archive transaction may do. Implemented over TypeORM in typeorm-store.ts. */
import type { EffectTransaction, StoredRecord } from './types';

export interface OutboxInsert {
  id: string;
  recordId: string;
  kind: string;
  target: string;
  nowMs: number;
  /** Due at (epoch ms): now, or the end of the claim the appender holds. */
  nextAttemptAtMs: number;
}

export interface NonceInsert {
  key: string;
  bodyHash: string;
  expiresAtMs: number;
}

export interface ArchiveTransaction extends EffectTransaction {
  /** Lock the shard's chain head for the rest of the transaction and return it. */
  lockChainHead(shard: number): Promise<{ seq: number; hash: string }>;
  /** Existing records by dedupe blind index: bidx → record id. */
  findByDedupe(dedupeBidxs: string[]): Promise<Map<string, string>>;
  /** Outbox rows of existing records: record id → [{id, target}]. */
  findOutbox(recordIds: string[]): Promise<Map<string, { id: string; target: string }[]>>;
  /** Recorded callback nonces: key → body hash. */
  findNonces(keys: string[]): Promise<Map<string, string>>;
  /** The bank customer (blind index) each person blind index is currently bound to; unbound persons are absent. */
  findCustomers(personBidxs: string[]): Promise<Map<string, string>>;
  /** Insert records; `customers` maps subject blind index → customer blind index for the search column. */
  insertRecords(rows: StoredRecord[], customers?: ReadonlyMap<string, string>): Promise<void>;
  insertOutbox(rows: OutboxInsert[]): Promise<void>;
  insertNonces(rows: NonceInsert[]): Promise<void>;
  setChainHead(shard: number, seq: number, hash: string, nowMs: number): Promise<void>;
}

export interface ArchiveStore {
  /** Run `fn` in one database transaction at time `nowMs` (the effects' `tx.nowMs`); commit when it resolves. */
  transaction<T>(nowMs: number, fn: (tx: ArchiveTransaction) => Promise<T>): Promise<T>;
  /** Insert genesis chain heads for shards that have none. */
  ensureChainHeads(shards: number, genesis: (shard: number) => string, nowMs: number): Promise<void>;
  /** True when `err` is a unique-constraint violation (a concurrent writer got there first). */
  isUniqueViolation(err: unknown): boolean;
  /** How many batches may commit at once without contending on the same connection (1 for SQLite). */
  readonly maxConcurrentBatches: number;
}
