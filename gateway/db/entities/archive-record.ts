/**
 * One encrypted archive record. Searchable identifiers are blind indexes
 * (keyed hashes), the body is envelope-encrypted, and each record links to the
 * previous one in its shard's hash chain.
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, binaryColumn, intColumn, varcharColumn } from './columns';

/** A row of `archive_record`. */
export interface ArchiveRecordRow {
  /** UUID assigned by the gateway. */
  id: string;
  /** Which hash chain the record belongs to (a few shards so writers do not serialize). */
  shard: number;
  /** Position in the shard's chain, from 1. */
  shardSeq: number;
  recordType: string;
  accountBidx: string;
  subjectBidx: string | null;
  /**
   * Blind index of the bank customer the subject was bound to when the record
   * was written (or when it was bound later): "everything with customer X" is
   * one indexed query. A search column outside the chain hash, so a binding
   * made after the record can fill it in.
   */
  customerBidx?: string | null;
  timeBucketBidx: string;
  /** Blind index of the natural key; a second delivery of the same message collides here. */
  dedupeBidx: string;
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  prevHash: string;
  recordHash: string;
}

/** Entity name for `dataSource.getRepository<ArchiveRecordRow>(…)`. */
export const ARCHIVE_RECORD_ENTITY = 'ArchiveRecord';

/** The `archive_record` entity schema for one dialect. */
export function archiveRecordEntity(dialect: Dialect): EntitySchema<ArchiveRecordRow> {
  return new EntitySchema<ArchiveRecordRow>({
    name: ARCHIVE_RECORD_ENTITY,
    tableName: 'archive_record',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_archive_record' },
      shard: intColumn('shard'),
      shardSeq: bigintColumn('shard_seq'),
      recordType: varcharColumn('record_type', 64),
      accountBidx: varcharColumn('account_bidx', 64),
      subjectBidx: varcharColumn('subject_bidx', 64, { nullable: true }),
      customerBidx: varcharColumn('customer_bidx', 64, { nullable: true }),
      timeBucketBidx: varcharColumn('time_bucket_bidx', 64),
      dedupeBidx: varcharColumn('dedupe_bidx', 64),
      keyId: varcharColumn('key_id', 64),
      wrappedKey: binaryColumn(dialect, 'wrapped_key'),
      iv: binaryColumn(dialect, 'iv'),
      ciphertext: binaryColumn(dialect, 'ciphertext'),
      prevHash: varcharColumn('prev_hash', 64),
      recordHash: varcharColumn('record_hash', 64),
    },
    uniques: [
      { name: 'uq_archive_record_dedupe', columns: ['dedupeBidx'] },
      { name: 'uq_archive_record_shard_seq', columns: ['shard', 'shardSeq'] },
    ],
    indices: [
      { name: 'ix_archive_record_account_time', columns: ['accountBidx', 'timeBucketBidx'] },
      { name: 'ix_archive_record_subject', columns: ['subjectBidx'] },
      { name: 'ix_archive_record_customer', columns: ['customerBidx', 'id'] },
    ],
  });
}
