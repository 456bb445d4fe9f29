import { randomBytes } from 'node:crypto';
import { describeEachDatabase } from '../../test/db';
import { archiveRecordRow } from '../../test/db-rows';
import {
  ARCHIVE_RECORD_ENTITY,
  CHAIN_HEAD_ENTITY,
  CHECKPOINT_ENTITY,
  type ArchiveRecordRow,
  type ChainHeadRow,
  type CheckpointRow,
} from './entities';

const ABOVE_INT32 = 2 ** 31 + 7;
const LARGE_SAFE = Number.MAX_SAFE_INTEGER - 1;

describeEachDatabase('values round-trip', (db) => {
  it('reads bigint columns above 2^31 back as the same JS numbers', async () => {
    const heads = db.dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY);
    await heads.insert({ shard: 1, seq: ABOVE_INT32, headHash: 'h'.repeat(64), updatedAt: LARGE_SAFE });
    const head = await heads.findOneByOrFail({ shard: 1 });
    expect(head).toEqual({ shard: 1, seq: ABOVE_INT32, headHash: 'h'.repeat(64), updatedAt: LARGE_SAFE });
    expect(typeof head.seq).toBe('number');
  });

  it('finds rows by a bigint above 2^31 and by a bigint primary key', async () => {
    const checkpoints = db.dataSource.getRepository<CheckpointRow>(CHECKPOINT_ENTITY);
    const checkpoint: CheckpointRow = {
      checkpointSeq: ABOVE_INT32,
      createdAt: 1_795_433_713_913,
      body: '{"heads":[{"seq":1,"shard":0}],"note":"合规 ✓"}',
      bodyHash: 'c'.repeat(64),
      signature: 's'.repeat(600),
      signerFingerprint: 'f'.repeat(64),
      signerCert: '-----BEGIN CERTIFICATE-----\n' + 'A'.repeat(1200) + '\n-----END CERTIFICATE-----\n',
      prevCheckpointHash: '0'.repeat(64),
    };
    await checkpoints.insert(checkpoint);
    expect(await checkpoints.findOneByOrFail({ checkpointSeq: ABOVE_INT32 })).toEqual(checkpoint);
  });

  it('stores null in nullable bigint and varchar columns', async () => {
    const record = archiveRecordRow({ subjectBidx: null });
    await db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).insert(record);
    const loaded = await db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).findOneByOrFail({ id: record.id });
    expect(loaded.subjectBidx).toBeNull();
  });

  it('returns binary columns byte for byte, including zero bytes and 1 MiB of ciphertext', async () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const record = archiveRecordRow({
      shardSeq: ABOVE_INT32,
      wrappedKey: everyByte,
      iv: Buffer.alloc(12),
      ciphertext: randomBytes(1024 * 1024),
    });
    const repo = db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
    await repo.insert(record);
    const loaded = await repo.findOneByOrFail({ id: record.id });
    expect(Buffer.isBuffer(loaded.ciphertext)).toBe(true);
    expect(loaded.wrappedKey.equals(everyByte)).toBe(true);
    expect(loaded.iv.equals(Buffer.alloc(12))).toBe(true);
    expect(loaded.ciphertext.equals(record.ciphertext)).toBe(true);
    expect(loaded.shardSeq).toBe(ABOVE_INT32);
  });
});
