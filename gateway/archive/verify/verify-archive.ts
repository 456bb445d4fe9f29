/**
 * `cgw archive verify`: proves the archive was not altered, truncated,
 * extended with forged rows or reordered, and that its checkpoints are genuine.
 *  1. every checkpoint: hash, signature, signer certificate issued by the CA with
 *     the checkpoint-signer usage, and the checkpoint sequence itself;
 *  2. every shard, streamed in seq order: each record's hash over its stored
 *     fields and its link to the previous record; every checkpointed head must be
 *     a record of the chain with exactly that hash;
 *  3. the live chain_head rows must sit at the end of each chain, and never
 *     behind the latest checkpoint (truncation).
 * Reads ciphertext and hashes only: needs the CA certificate, not the keys.
 */
import type { DataSource } from 'typeorm';
import { ChainVerifier, genesisHash, type ChainFinding } from '../crypto/chain';
import { verifyCheckpointSequence, type CheckpointFinding, type SignedCheckpoint } from '../crypto/checkpoint';
import { ARCHIVE_RECORD_ENTITY, CHAIN_HEAD_ENTITY, type ChainHeadRow } from '../../db/entities';
import { TypeOrmCheckpointStore } from '../typeorm-checkpoint-store';
import { shardRecords, shardsPresent } from './record-pages';

export interface VerifyProgress {
  recordsDone: number;
  recordsTotal: number;
  elapsedMs: number;
}

export interface ShardSummary {
  shard: number;
  records: number;
  headSeq: number;
  headHash: string;
  findings: number;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  shards: ShardSummary[];
  checkpoints: { count: number; latestSeq: number | null; latestAt: number | null };
  chainFindings: ChainFinding[];
  checkpointFindings: CheckpointFinding[];
  elapsedMs: number;
  recordsPerSecond: number;
}

export interface VerifyOptions {
  trustedCaPem: string;
  onProgress?: (p: VerifyProgress) => void;
  pageSize?: number;
}

/** Verify the whole archive in `dataSource`. Never throws on tampering: it reports it. */
export async function verifyArchive(dataSource: DataSource, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const checkpoints = await new TypeOrmCheckpointStore(dataSource).all();
  const checkpointFindings = verifyCheckpointSequence(checkpoints, options.trustedCaPem);
  const heads = await dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY).find({ order: { shard: 'ASC' } });
  const recordsTotal = await dataSource.getRepository(ARCHIVE_RECORD_ENTITY).count();
  const sealed = sealedHeadsByShard(checkpoints);
  const shards = [...new Set([...heads.map((h) => h.shard), ...(await shardsPresent(dataSource)), ...sealed.keys()])].sort((a, b) => a - b);

  const chainFindings: ChainFinding[] = [];
  const summaries: ShardSummary[] = [];
  let done = 0;
  let lastReport = 0;
  for (const shard of shards) {
    const verifier = new ChainVerifier(shard);
    const expected = sealed.get(shard) ?? new Map<number, { hash: string; checkpointSeq: number }>();
    const seen = new Set<number>();
    const before = chainFindings.length;
    for await (const page of shardRecords(dataSource, shard, options.pageSize)) {
      for (const record of page) {
        verifier.push(record);
        const sealedHere = expected.get(record.shardSeq);
        if (sealedHere) {
          seen.add(record.shardSeq);
          if (sealedHere.hash !== record.recordHash) {
            chainFindings.push({ kind: 'head-mismatch', shard, seq: record.shardSeq, recordId: record.id, detail: `checkpoint ${sealedHere.checkpointSeq} sealed hash ${sealedHere.hash} at this seq; the record has ${record.recordHash}` });
          }
        }
      }
      done += page.length;
      if (options.onProgress && Date.now() - lastReport >= 250) {
        lastReport = Date.now();
        options.onProgress({ recordsDone: done, recordsTotal, elapsedMs: lastReport - started });
      }
    }
    for (const [seq, sealedHere] of expected) {
      if (seq > 0 && !seen.has(seq)) chainFindings.push({ kind: 'seq-gap', shard, seq, recordId: null, detail: `checkpoint ${sealedHere.checkpointSeq} sealed seq ${seq}, which is no longer in the archive` });
    }
    const live = heads.find((h) => h.shard === shard);
    const end = verifier.head;
    chainFindings.push(...verifier.finish(live ? { seq: live.seq, hash: live.headHash } : undefined));
    if (!live && verifier.count > 0) chainFindings.push({ kind: 'head-mismatch', shard, seq: end.seq, recordId: null, detail: 'records exist in a shard that has no chain head' });
    summaries.push({ shard, records: verifier.count, headSeq: end.seq, headHash: end.hash, findings: chainFindings.length - before });
  }
  options.onProgress?.({ recordsDone: done, recordsTotal, elapsedMs: Date.now() - started });
  const latest = checkpoints[checkpoints.length - 1];
  const elapsedMs = Date.now() - started;
  return {
    ok: chainFindings.length === 0 && checkpointFindings.length === 0,
    records: done,
    shards: summaries,
    checkpoints: { count: checkpoints.length, latestSeq: latest?.body.checkpointSeq ?? null, latestAt: latest?.body.createdAt ?? null },
    chainFindings,
    checkpointFindings,
    elapsedMs,
    recordsPerSecond: elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : done,
  };
}

/** shard → (seq → sealed hash) over every checkpoint: each one must still match the chain. */
function sealedHeadsByShard(checkpoints: SignedCheckpoint[]): Map<number, Map<number, { hash: string; checkpointSeq: number }>> {
  const out = new Map<number, Map<number, { hash: string; checkpointSeq: number }>>();
  for (const cp of checkpoints) {
    for (const head of cp.body.heads ?? []) {
      if (head.seq === 0) {
        if (head.hash !== genesisHash(head.shard)) out.set(head.shard, out.get(head.shard) ?? new Map());
        continue;
      }
      const m = out.get(head.shard) ?? new Map<number, { hash: string; checkpointSeq: number }>();
      if (!m.has(head.seq)) m.set(head.seq, { hash: head.hash, checkpointSeq: cp.body.checkpointSeq });
      out.set(head.shard, m);
    }
  }
  return out;
}
