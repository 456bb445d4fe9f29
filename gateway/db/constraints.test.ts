import { describeEachDatabase } from '../../test/db';
import { archiveRecordRow, outboxRow } from '../../test/db-rows';
import { ARCHIVE_RECORD_ENTITY, CALLBACK_NONCE_ENTITY, OUTBOX_ENTITY, type ArchiveRecordRow, type CallbackNonceRow, type OutboxRow } from './entities';
import { isUniqueViolation } from './errors';

/** The error an insert rejects with (fails the test if it succeeds). */
async function rejection(insert: Promise<unknown>): Promise<unknown> {
  try {
    await insert;
  } catch (err) {
    return err;
  }
  throw new Error('expected the insert to be rejected');
}

describeEachDatabase('unique and foreign-key constraints', (db) => {
  const records = () => db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
  const outbox = () => db.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY);

  it('rejects a second record with the same dedupe_bidx as a unique violation', async () => {
    const first = archiveRecordRow();
    await records().insert(first);
    const err = await rejection(records().insert(archiveRecordRow({ dedupeBidx: first.dedupeBidx })));
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('rejects a second record at the same (shard, shard_seq)', async () => {
    const first = archiveRecordRow({ shard: 3, shardSeq: 42 });
    await records().insert(first);
    const err = await rejection(records().insert(archiveRecordRow({ shard: 3, shardSeq: 42 })));
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('accepts the same shard_seq on another shard', async () => {
    await records().insert(archiveRecordRow({ shard: 4, shardSeq: 7 }));
    await expect(records().insert(archiveRecordRow({ shard: 5, shardSeq: 7 }))).resolves.toBeDefined();
  });

  it('accepts many records without a subject (subject_bidx is nullable and not unique)', async () => {
    await records().insert([archiveRecordRow({ subjectBidx: null }), archiveRecordRow({ subjectBidx: null })]);
  });

  it('rejects a duplicate primary key as a unique violation', async () => {
    const nonces = db.dataSource.getRepository<CallbackNonceRow>(CALLBACK_NONCE_ENTITY);
    const nonce = { nonceKey: 'a'.repeat(64), bodyHash: 'b'.repeat(64), expiresAt: Date.now() + 300_000 };
    await nonces.insert(nonce);
    expect(isUniqueViolation(await rejection(nonces.insert(nonce)))).toBe(true);
  });

  it('rejects a second outbox row for the same (record, kind, target)', async () => {
    const record = archiveRecordRow();
    await records().insert(record);
    await outbox().insert(outboxRow(record.id));
    const err = await rejection(outbox().insert(outboxRow(record.id)));
    expect(isUniqueViolation(err)).toBe(true);
    await expect(outbox().insert(outboxRow(record.id, { target: 'chatbot' }))).resolves.toBeDefined();
  });

  it('rejects an outbox row for a record that does not exist, and not as a unique violation', async () => {
    const err = await rejection(outbox().insert(outboxRow('00000000-0000-4000-8000-000000000000')));
    expect(isUniqueViolation(err)).toBe(false);
  });

  it('defaults attempts to 0', async () => {
    const record = archiveRecordRow();
    await records().insert(record);
    const { attempts: _omitted, ...row } = outboxRow(record.id);
    await outbox().insert(row);
    expect((await outbox().findOneByOrFail({ id: row.id })).attempts).toBe(0);
  });
});
