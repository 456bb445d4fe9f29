/**
 * Test support: what an attacker with write access to the database does, through
 * TypeORM's query builder (so the same code runs on every back end), and the
 * look-ups the tamper tests use to choose their victims.
 */
import type { DataSource } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY, CHAIN_HEAD_ENTITY, CHECKPOINT_ENTITY, OUTBOX_ENTITY, type ArchiveRecordRow, type ChainHeadRow, type CheckpointRow } from '../../../db/entities';
import type { CheckpointHead, SignedCheckpoint } from '../../crypto/checkpoint';
import { checkpointFromRow } from '../../typeorm-checkpoint-store';
import type { VerifyReport } from '../verify-archive';

/** The record at (shard, seq). @throws when there is none */
export async function recordAt(ds: DataSource, shard: number, shardSeq: number): Promise<ArchiveRecordRow> {
  return ds.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).findOneByOrFail({ shard, shardSeq });
}

/** Overwrite columns of one record. */
export async function updateRecord(ds: DataSource, id: string, set: Partial<ArchiveRecordRow>): Promise<void> {
  await ds.createQueryBuilder().update(ARCHIVE_RECORD_ENTITY).set(set).where({ id }).execute();
}

/** Delete one record (its outbox rows first: the foreign key would refuse otherwise, and so would not stop an attacker). */
export async function deleteRecord(ds: DataSource, id: string): Promise<void> {
  await ds.createQueryBuilder().delete().from(OUTBOX_ENTITY).where({ recordId: id }).execute();
  await ds.createQueryBuilder().delete().from(ARCHIVE_RECORD_ENTITY).where({ id }).execute();
}

/** The live chain_head row of `shard`. */
export async function chainHead(ds: DataSource, shard: number): Promise<ChainHeadRow> {
  return ds.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY).findOneByOrFail({ shard });
}

/** Move the live chain_head row of `shard`. */
export async function setChainHead(ds: DataSource, shard: number, seq: number, headHash: string): Promise<void> {
  await ds.createQueryBuilder().update(CHAIN_HEAD_ENTITY).set({ seq, headHash }).where({ shard }).execute();
}

/** Stored checkpoint `checkpointSeq`. */
export async function storedCheckpoint(ds: DataSource, checkpointSeq: number): Promise<SignedCheckpoint> {
  return checkpointFromRow(await ds.getRepository<CheckpointRow>(CHECKPOINT_ENTITY).findOneByOrFail({ checkpointSeq }));
}

/** Overwrite columns of one checkpoint row. */
export async function updateCheckpoint(ds: DataSource, checkpointSeq: number, set: Partial<CheckpointRow>): Promise<void> {
  await ds.createQueryBuilder().update(CHECKPOINT_ENTITY).set(set).where({ checkpointSeq }).execute();
}

/** Delete one checkpoint row. */
export async function deleteCheckpoint(ds: DataSource, checkpointSeq: number): Promise<void> {
  await ds.createQueryBuilder().delete().from(CHECKPOINT_ENTITY).where({ checkpointSeq }).execute();
}

/** Every seq any checkpoint sealed in `shard`. */
export function sealedSeqs(checkpoints: SignedCheckpoint[], shard: number): Set<number> {
  return new Set(checkpoints.flatMap((cp) => cp.body.heads.filter((h) => h.shard === shard).map((h) => h.seq)));
}

/** The head of `shard` in `checkpoint`. */
export function headIn(checkpoint: SignedCheckpoint, shard: number): CheckpointHead {
  const head = checkpoint.body.heads.find((h) => h.shard === shard);
  if (!head) throw new Error(`checkpoint ${checkpoint.body.checkpointSeq} has no head for shard ${shard}`);
  return head;
}

/**
 * A shard and a seq inside its sealed part such that seq..seq+span are sealed by the
 * last checkpoint but none of them is a checkpointed head (so a test can predict its
 * findings exactly). @throws when the archive has no such place: the fixture changed
 */
export function quietSealedSpot(checkpoints: SignedCheckpoint[], shards: number, span = 2): { shard: number; seq: number } {
  const last = checkpoints[checkpoints.length - 1]!;
  for (let shard = 0; shard < shards; shard++) {
    const sealed = sealedSeqs(checkpoints, shard);
    const top = headIn(last, shard).seq;
    for (let seq = Math.floor(top / 2); seq + span < top; seq++) {
      if (seq > 1 && Array.from({ length: span + 1 }, (_, i) => seq + i).every((s) => !sealed.has(s))) return { shard, seq };
    }
  }
  throw new Error('no sealed stretch without checkpointed heads: the fixture archive is too small');
}

/** Findings as {kind, shard, seq} (chain) and {kind, checkpointSeq} (checkpoints), for exact comparison. */
export function findingsOf(report: VerifyReport): { chain: { kind: string; shard: number; seq: number }[]; checkpoints: { kind: string; checkpointSeq: number | null }[] } {
  return {
    chain: report.chainFindings.map(({ kind, shard, seq }) => ({ kind, shard, seq })),
    checkpoints: report.checkpointFindings.map(({ kind, checkpointSeq }) => ({ kind, checkpointSeq })),
  };
}
