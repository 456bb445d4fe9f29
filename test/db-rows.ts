/** Valid rows for the database tests: every field filled, each call unique unless overridden. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ArchiveRecordRow, OutboxRow } from '../gateway/db/entities';

const hex64 = () => randomBytes(32).toString('hex');

/** An archive_record row with random blind indexes and ciphertext. */
export function archiveRecordRow(overrides: Partial<ArchiveRecordRow> = {}): ArchiveRecordRow {
  return {
    id: randomUUID(),
    shard: 0,
    shardSeq: Math.floor(Math.random() * 1e9) + 1,
    recordType: 'message.text',
    accountBidx: hex64(),
    subjectBidx: hex64(),
    timeBucketBidx: hex64(),
    dedupeBidx: hex64(),
    keyId: 'archive-key-1',
    wrappedKey: randomBytes(256),
    iv: randomBytes(12),
    ciphertext: randomBytes(64),
    prevHash: hex64(),
    recordHash: hex64(),
    ...overrides,
  };
}

/** A pending forward for `recordId`. */
export function outboxRow(recordId: string, overrides: Partial<OutboxRow> = {}): OutboxRow {
  const now = Date.now();
  return {
    id: randomUUID(),
    recordId,
    kind: 'forward',
    target: 'crm',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    doneAt: null,
    ...overrides,
  };
}
