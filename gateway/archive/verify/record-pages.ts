/**
 * Streams one shard's records in shard_seq order, in windows of seqs (no OFFSET:
 * the cost per page stays flat on a 10M-record archive). Raw rows, not
 * entities: hydration would cost more than the hashing on a large archive.
 * The next page is requested before the current one is handed over, so a
 * networked database produces it while the caller hashes.
 */
import type { DataSource } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY } from '../../db/entities';
import type { ChainRecord } from '../crypto/chain';

/** Entity property → the alias it is selected as (the same on every driver). */
const COLUMNS = {
  id: 'id', shard: 'shard', shardSeq: 'shard_seq', recordType: 'record_type', accountBidx: 'account_bidx', subjectBidx: 'subject_bidx',
  timeBucketBidx: 'time_bucket_bidx', dedupeBidx: 'dedupe_bidx', keyId: 'key_id', wrappedKey: 'wrapped_key', iv: 'iv', ciphertext: 'ciphertext',
  prevHash: 'prev_hash', recordHash: 'record_hash',
} as const;

type RawRecord = Record<(typeof COLUMNS)[keyof typeof COLUMNS], unknown>;

/**
 * Records of `shard` with shard_seq > `afterSeq`, in seq order, a window of `pageSize` seqs at a time.
 * Each query is bounded on both sides (seq in (after, after + pageSize]) and has no ORDER BY / LIMIT:
 * with stale statistics PostgreSQL otherwise sorts the whole rest of the shard for every page
 * (measured: 270 ms a page on a 1M-record archive before ANALYZE). A window with no rows
 * (a gap, or the end) is skipped with one index lookup for the next seq present.
 * 2000 a page: on 1M records, 1000 and 5000 were both slower on one back end or the other.
 */
export async function* shardRecords(dataSource: DataSource, shard: number, pageSize = 2000, afterSeq = 0): AsyncGenerator<ChainRecord[]> {
  let after = afterSeq;
  let next = fetchWindow(dataSource, shard, after, pageSize);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) {
      const resume = await lowestSeqAbove(dataSource, shard, after + pageSize);
      if (resume === null) return;
      after = resume - 1;
      next = fetchWindow(dataSource, shard, after, pageSize);
      continue;
    }
    const page = rows.map(toChainRecord).sort((a, b) => a.shardSeq - b.shardSeq);
    // Continue after the last seq read, not after the window: on a live archive the window may have been the
    // tail, partly committed when read; seqs the writer committed into it since must not be skipped.
    after = page[page.length - 1]!.shardSeq;
    next = fetchWindow(dataSource, shard, after, pageSize);
    // If the caller stops early nobody awaits the prefetch: its failure must not become an unhandled rejection.
    next.catch(() => undefined);
    yield page;
  }
}

function fetchWindow(dataSource: DataSource, shard: number, after: number, pageSize: number): Promise<RawRecord[]> {
  const qb = dataSource.createQueryBuilder().from(ARCHIVE_RECORD_ENTITY, 'r');
  for (const [property, alias] of Object.entries(COLUMNS)) qb.addSelect(`r.${property}`, alias);
  return qb.where('r.shard = :shard AND r.shardSeq > :after AND r.shardSeq <= :until', { shard, after, until: after + pageSize }).getRawMany<RawRecord>();
}

async function lowestSeqAbove(dataSource: DataSource, shard: number, seq: number): Promise<number | null> {
  const row = await dataSource.createQueryBuilder().select('MIN(r.shardSeq)', 'seq').from(ARCHIVE_RECORD_ENTITY, 'r').where('r.shard = :shard AND r.shardSeq > :seq', { shard, seq }).getRawOne<{ seq: unknown }>();
  return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
}

/**
 * Distinct shards present in archive_record (a forged row in an unknown shard must still be seen),
 * found by walking the (shard, shard_seq) index one shard at a time instead of scanning every row.
 */
export async function shardsPresent(dataSource: DataSource): Promise<number[]> {
  const shards: number[] = [];
  for (;;) {
    const qb = dataSource.createQueryBuilder().select('MIN(r.shard)', 'shard').from(ARCHIVE_RECORD_ENTITY, 'r');
    if (shards.length > 0) qb.where('r.shard > :after', { after: shards[shards.length - 1] });
    const row = await qb.getRawOne<{ shard: unknown }>();
    if (row?.shard === null || row?.shard === undefined) return shards;
    shards.push(Number(row.shard));
  }
}

/** The highest shard_seq in `shard` (0 when empty): one index lookup, for progress totals. */
export async function highestSeq(dataSource: DataSource, shard: number): Promise<number> {
  const row = await dataSource.createQueryBuilder().select('MAX(r.shardSeq)', 'seq').from(ARCHIVE_RECORD_ENTITY, 'r').where('r.shard = :shard', { shard }).getRawOne<{ seq: unknown }>();
  return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
}

/** Rows of `shard` with shard_seq < 1: no chain position, so the seq-ordered walk never reaches them (normally none). */
export async function recordsBelowChain(dataSource: DataSource, shard: number): Promise<{ id: string; shardSeq: number }[]> {
  const rows = await dataSource
    .createQueryBuilder()
    .select('r.id', 'id')
    .addSelect('r.shardSeq', 'shard_seq')
    .from(ARCHIVE_RECORD_ENTITY, 'r')
    .where('r.shard = :shard AND r.shardSeq < 1', { shard })
    .orderBy('r.shardSeq', 'ASC')
    .getRawMany<{ id: unknown; shard_seq: unknown }>();
  return rows.map((r) => ({ id: String(r.id), shardSeq: Number(r.shard_seq) }));
}

function toChainRecord(r: RawRecord): ChainRecord {
  return {
    id: String(r.id),
    shard: Number(r.shard),
    shardSeq: Number(r.shard_seq),
    recordType: String(r.record_type),
    accountBidx: String(r.account_bidx),
    subjectBidx: r.subject_bidx === null || r.subject_bidx === undefined ? null : String(r.subject_bidx),
    timeBucketBidx: String(r.time_bucket_bidx),
    dedupeBidx: String(r.dedupe_bidx),
    keyId: String(r.key_id),
    wrappedKey: asBuffer(r.wrapped_key),
    iv: asBuffer(r.iv),
    ciphertext: asBuffer(r.ciphertext),
    prevHash: String(r.prev_hash),
    recordHash: String(r.record_hash),
  };
}

function asBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  throw new TypeError('binary column did not come back as bytes');
}
