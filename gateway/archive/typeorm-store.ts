/** ArchiveStore over TypeORM: the same code on SQLite, PostgreSQL and SQL Server. */
import type { DataSource, EntityManager } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY, CALLBACK_NONCE_ENTITY, CHAIN_HEAD_ENTITY, OUTBOX_ENTITY } from '../db/entities';
import type { ArchiveRecordRow, CallbackNonceRow, ChainHeadRow, OutboxRow, PiiBindingRow } from '../db/entities';
import { PII_BINDING_ENTITY } from '../db/entities';
import { isUniqueViolation } from '../db/errors';
import { chunk, rowsPerStatement } from '../db/chunk';
import { bulkInsert } from '../db/bulk-insert';
import { insertRows, selectWhereIn, updateWhere, updateWhereIn } from '../db/statements';
import { ConnectionGate } from '../db/connection-gate';
import { PgArchiveTransaction } from './pg-transaction';
import type { ArchiveStore, ArchiveTransaction, NonceInsert, OutboxInsert } from './store';
import type { StoredRecord } from './types';

// Column order of the bulk inserts; the entity schemas in db/entities name the same columns.
const RECORD_COLUMNS = ['id', 'shard', 'shard_seq', 'record_type', 'account_bidx', 'subject_bidx', 'customer_bidx', 'time_bucket_bidx', 'dedupe_bidx', 'key_id', 'wrapped_key', 'iv', 'ciphertext', 'prev_hash', 'record_hash'];
const OUTBOX_COLUMNS = ['id', 'record_id', 'kind', 'target', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'updated_at', 'done_at'];

export class TypeOrmArchiveStore implements ArchiveStore {
  readonly maxConcurrentBatches: number;
  private readonly lockHeads: boolean;

  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate = ConnectionGate.for(dataSource)) {
    const type = dataSource.options.type;
    // SQLite has one writer at a time anyway, and TypeORM refuses row locks there.
    this.lockHeads = type !== 'better-sqlite3';
    this.maxConcurrentBatches = this.lockHeads ? 8 : 1;
  }

  transaction<T>(nowMs: number, fn: (tx: ArchiveTransaction) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type === 'postgres') {
      return this.gate.run(async () => {
        const pg = await PgArchiveTransaction.open(this.dataSource);
        try {
          const tx = new Tx(pg.manager, this.lockHeads, nowMs, pg);
          const result = await fn(tx);
          await tx.flushGathered();
          await pg.commit();
          return result;
        } finally {
          await pg.release();
        }
      });
    }
    return this.gate.run(() => this.dataSource.transaction(async (manager) => {
      const tx = new Tx(manager, this.lockHeads, nowMs);
      const result = await fn(tx);
      await tx.flushGathered();
      return result;
    }));
  }

  async ensureChainHeads(shards: number, genesis: (shard: number) => string, nowMs: number): Promise<void> {
    const repo = this.dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY);
    const existing = new Set((await repo.find({ select: { shard: true } })).map((h) => h.shard));
    for (let shard = 0; shard < shards; shard++) {
      if (existing.has(shard)) continue;
      try {
        await repo.insert({ shard, seq: 0, headHash: genesis(shard), updatedAt: nowMs });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // another replica created it
      }
    }
  }

  isUniqueViolation(err: unknown): boolean {
    return isUniqueViolation(err);
  }

  /** Delete callback nonces whose replay window has passed (a Tencent retry that old is refused by the timestamp check anyway). */
  async purgeExpiredNonces(nowMs: number): Promise<number> {
    const result = await this.gate.run(() => this.dataSource.getRepository<CallbackNonceRow>(CALLBACK_NONCE_ENTITY).createQueryBuilder().delete().where('expires_at < :nowMs', { nowMs }).execute());
    return result.affected ?? 0;
  }

  /** One stored record by id, or null. */
  async load(id: string): Promise<StoredRecord | null> {
    return this.gate.run(() => this.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).findOneBy({ id }));
  }
}

interface GatheredUpdate {
  entity: string;
  key: string;
  where: Record<string, unknown>;
  set: Record<string, unknown>;
  /** The key values, in arrival order (a value may repeat: each occurrence is applied). */
  keys: unknown[];
}

class Tx implements ArchiveTransaction {
  /** Effects' inserts not yet written: entity → rows, in the order each entity was first inserted into. */
  private readonly inserts = new Map<string, Record<string, unknown>[]>();
  /** Effects' gathered updates not yet written, by shape (entity, key, other where values, set). */
  private readonly updates = new Map<string, GatheredUpdate>();

  /** `pg`: on PostgreSQL, the transaction's combined first and last round trips (pg-transaction.ts); TypeORM's transaction elsewhere. */
  constructor(private readonly m: EntityManager, private readonly lock: boolean, readonly nowMs: number, private readonly pg?: PgArchiveTransaction) {}

  /** Before a statement: the transaction begun, and what the effects gathered written. */
  private async ready(): Promise<void> {
    await this.pg?.begin();
    await this.flushGathered();
  }

  /** Write what the effects gathered: inserts first (an update may target a row inserted in this batch), then updates. */
  async flushGathered(): Promise<void> {
    if (this.inserts.size === 0 && this.updates.size === 0) return;
    await this.pg?.begin();
    await this.flushInserts();
    for (const [shape, u] of this.updates) {
      this.updates.delete(shape);
      // Rounds of distinct key values: `key IN (a, a)` would apply an increment once.
      let rest = u.keys;
      while (rest.length > 0) {
        const seen = new Set<unknown>();
        const round: unknown[] = [];
        const later: unknown[] = [];
        for (const k of rest) {
          if (seen.has(k)) later.push(k);
          else round.push(k);
          seen.add(k);
        }
        await updateWhereIn(this.m, u.entity, u.key, round, u.where, u.set);
        rest = later;
      }
    }
  }

  updateGathered(entity: string, key: string, where: Record<string, unknown>, set: Record<string, unknown>): void {
    const { [key]: keyValue, ...rest } = where;
    if (keyValue === undefined) throw new Error(`updateGathered: where has no ${key}`);
    const shape = `${entity}|${key}|${signature(rest)}|${signature(set)}`;
    const gathered = this.updates.get(shape);
    if (gathered) gathered.keys.push(keyValue);
    else this.updates.set(shape, { entity, key, where: rest, set, keys: [keyValue] });
  }

  /** Write the gathered inserts: one multi-row statement per table (within every driver's parameter limit). */
  private async flushInserts(): Promise<void> {
    for (const [entity, rows] of this.inserts) {
      this.inserts.delete(entity);
      if (await insertRows(this.m, entity, rows)) continue;
      const repo = this.m.getRepository(entity);
      for (const part of chunk(rows, rowsPerStatement(repo.metadata.columns.length))) await repo.insert(part);
    }
  }

  async lockChainHead(shard: number): Promise<{ seq: number; hash: string }> {
    await this.flushGathered();
    const head = this.pg
      ? await this.pg.lockHead(shard)
      : (await selectWhereIn(this.m, CHAIN_HEAD_ENTITY, ['seq', 'headHash'], 'shard', [shard], {}, { lock: this.lock })).map((h) => ({ seq: h.seq as number, hash: h.headHash as string }))[0];
    if (!head) throw new Error(`chain head for shard ${shard} missing (archive writer not initialised)`);
    return head;
  }

  async findByDedupe(dedupeBidxs: string[]): Promise<Map<string, string>> {
    await this.ready();
    const rows = await selectWhereIn(this.m, ARCHIVE_RECORD_ENTITY, ['id', 'dedupeBidx'], 'dedupeBidx', dedupeBidxs);
    return new Map(rows.map((r) => [r.dedupeBidx as string, r.id as string]));
  }

  async findOutbox(recordIds: string[]): Promise<Map<string, { id: string; target: string }[]>> {
    await this.ready();
    const out = new Map<string, { id: string; target: string }[]>();
    for (const r of await selectWhereIn(this.m, OUTBOX_ENTITY, ['id', 'recordId', 'target'], 'recordId', recordIds)) {
      const recordId = r.recordId as string;
      out.set(recordId, [...(out.get(recordId) ?? []), { id: r.id as string, target: r.target as string }]);
    }
    return out;
  }

  async findNonces(keys: string[]): Promise<Map<string, string>> {
    await this.ready();
    const rows = await selectWhereIn(this.m, CALLBACK_NONCE_ENTITY, ['nonceKey', 'bodyHash'], 'nonceKey', keys);
    return new Map(rows.map((r) => [r.nonceKey as string, r.bodyHash as string]));
  }

  async findCustomers(personBidxs: string[]): Promise<Map<string, string>> {
    await this.ready();
    const latest = new Map<string, { action: string; customerBidx: string | null; recordedAt: number; occurredAt: number }>();
    const rows = (await selectWhereIn(this.m, PII_BINDING_ENTITY, ['personBidx', 'action', 'customerBidx', 'recordedAt', 'occurredAt'], 'personBidx', personBidxs)) as unknown as PiiBindingRow[];
    for (const r of rows) {
      const prior = latest.get(r.personBidx);
      if (!prior || prior.occurredAt < r.occurredAt || (prior.occurredAt === r.occurredAt && prior.recordedAt <= r.recordedAt)) latest.set(r.personBidx, r);
    }
    const out = new Map<string, string>();
    for (const [person, r] of latest) if (r.action === 'bind' && r.customerBidx) out.set(person, r.customerBidx);
    return out;
  }

  async insertRecords(rows: StoredRecord[], customers?: ReadonlyMap<string, string>): Promise<void> {
    await this.ready();
    await bulkInsert(this.m, 'archive_record', RECORD_COLUMNS, rows.map((r) => [
      r.id, r.shard, r.shardSeq, r.recordType, r.accountBidx, r.subjectBidx, (r.subjectBidx && customers?.get(r.subjectBidx)) || null, r.timeBucketBidx, r.dedupeBidx,
      r.keyId, r.wrappedKey, r.iv, r.ciphertext, r.prevHash, r.recordHash,
    ]));
  }

  async insertOutbox(rows: OutboxInsert[]): Promise<void> {
    await this.ready();
    await bulkInsert(this.m, 'outbox', OUTBOX_COLUMNS, rows.map((r) => [r.id, r.recordId, r.kind, r.target, 'pending', 0, r.nextAttemptAtMs, null, r.nowMs, r.nowMs, null]));
  }

  async insertNonces(rows: NonceInsert[]): Promise<void> {
    await this.ready();
    await bulkInsert(this.m, 'callback_nonce', ['nonce_key', 'body_hash', 'expires_at'], rows.map((r) => [r.key, r.bodyHash, r.expiresAtMs]));
  }

  async insert(entity: string, values: Record<string, unknown> | Record<string, unknown>[]): Promise<void> {
    const rows = this.inserts.get(entity) ?? [];
    if (Array.isArray(values)) for (const v of values) rows.push(v);
    else rows.push(values);
    this.inserts.set(entity, rows);
  }

  async update(entity: string, where: Record<string, unknown>, set: Record<string, unknown>): Promise<number> {
    await this.ready();
    if (Object.values(where).every((v) => v !== null && typeof v !== 'object')) return updateWhere(this.m, entity, where, set);
    const result = await this.m.getRepository(entity).update(where, set);
    return result.affected ?? 0;
  }

  async findOne<T>(entity: string, where: Record<string, unknown>): Promise<T | null> {
    await this.ready();
    return (await this.m.getRepository(entity).findOneBy(where)) as T | null;
  }

  async setChainHead(shard: number, seq: number, hash: string, nowMs: number): Promise<void> {
    if (![shard, seq, nowMs].every(Number.isSafeInteger) || !/^[0-9a-f]{64}$/.test(hash)) throw new RangeError('chain head values must be integers and a hex SHA-256');
    await this.ready();
    if (this.pg) return this.pg.setHeadAtCommit(shard, seq, hash, nowMs);
    await updateWhere(this.m, CHAIN_HEAD_ENTITY, { shard }, { seq, headHash: hash, updatedAt: nowMs });
  }
}

// Equal signatures ⇔ equal values; an SQL expression is compared by its text.
function signature(values: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, typeof values[k] === 'function' ? `sql:${(values[k] as () => string)()}` : values[k] === undefined ? 'undefined' : values[k]]));
}
