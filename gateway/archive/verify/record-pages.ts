/**
 * Streams one shard's records in shard_seq order, in keyset pages (no OFFSET:
 * the cost per page stays flat on a 10M-record archive). Raw rows, not
 * entities: hydration would cost more than the hashing on a large archive.
 */
import type { DataSource } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY } from '../../db/entities';
import type { ChainRecord } from '../crypto/chain';

const COLUMNS = ['id', 'shard', 'shard_seq', 'record_type', 'account_bidx', 'subject_bidx', 'time_bucket_bidx', 'dedupe_bidx', 'key_id', 'wrapped_key', 'iv', 'ciphertext', 'prev_hash', 'record_hash'];

/** Records of `shard` with shard_seq > `afterSeq`, pageSize at a time. */
export async function* shardRecords(dataSource: DataSource, shard: number, pageSize = 5000, afterSeq = 0): AsyncGenerator<ChainRecord[]> {
  let after = afterSeq;
  for (;;) {
    const rows: Record<string, unknown>[] = await dataSource
      .createQueryBuilder()
      .select(COLUMNS.map((c) => `r.${c}`))
      .from(ARCHIVE_RECORD_ENTITY, 'r')
      .where('r.shard = :shard AND r.shard_seq > :after', { shard, after })
      .orderBy('r.shard_seq', 'ASC')
      .limit(pageSize)
      .getRawMany();
    if (rows.length === 0) return;
    const page = rows.map(toChainRecord);
    yield page;
    after = page[page.length - 1]!.shardSeq;
    if (rows.length < pageSize) return;
  }
}

/** Distinct shards present in archive_record (a forged row in an unknown shard must still be seen). */
export async function shardsPresent(dataSource: DataSource): Promise<number[]> {
  const rows: { shard: unknown }[] = await dataSource.createQueryBuilder().select('DISTINCT r.shard', 'shard').from(ARCHIVE_RECORD_ENTITY, 'r').getRawMany();
  return rows.map((r) => Number(r.shard)).sort((a, b) => a - b);
}

function toChainRecord(r: Record<string, unknown>): ChainRecord {
  const get = (c: string): unknown => r[`r_${c}`] ?? r[c];
  return {
    id: String(get('id')),
    shard: Number(get('shard')),
    shardSeq: Number(get('shard_seq')),
    recordType: String(get('record_type')),
    accountBidx: String(get('account_bidx')),
    subjectBidx: get('subject_bidx') === null || get('subject_bidx') === undefined ? null : String(get('subject_bidx')),
    timeBucketBidx: String(get('time_bucket_bidx')),
    dedupeBidx: String(get('dedupe_bidx')),
    keyId: String(get('key_id')),
    wrappedKey: asBuffer(get('wrapped_key')),
    iv: asBuffer(get('iv')),
    ciphertext: asBuffer(get('ciphertext')),
    prevHash: String(get('prev_hash')),
    recordHash: String(get('record_hash')),
  };
}

function asBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  throw new TypeError('binary column did not come back as bytes');
}
