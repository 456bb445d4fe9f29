/**
 * `cgw archive verify`: proves the archive was not altered, truncated,
 * extended with forged rows or reordered, and that its checkpoints are genuine.
 *  1. every checkpoint: hash, signature, signer certificate issued by the CA with
 *     the checkpoint-signer usage, and the checkpoint sequence itself;
 *  2. every shard, streamed in seq order: each record's hash over its stored
 *     fields and its link to the previous record; every checkpointed head must be
 *     a record of the chain with exactly that hash; rows outside every chain
 *     position (seq < 1, or in a shard without a chain head) are findings too;
 *  3. the live chain_head rows must sit at the end of each chain, and never
 *     behind the latest checkpoint (truncation).
 * Reads ciphertext and hashes only: needs the CA certificate, not the keys.
 * Shards are independent chains: a large archive is verified in worker threads,
 * one shard at a time each (shard-workers.ts), with the same findings in the
 * same order as in-process.
 *
 * What it cannot see (asserted in verify-tail.test.ts): records appended after
 * the newest checkpoint can be truncated, or forged ones appended, by someone who
 * also moves chain_head; and the newest checkpoints can be deleted with the records
 * they alone sealed. Checkpoints kept outside this database would close that.
 */
import { availableParallelism } from 'node:os';
import type { DataSource } from 'typeorm';
import { genesisHash, type ChainFinding } from '../crypto/chain';
import { verifyCheckpointSequence, type CheckpointBody, type CheckpointFinding, type SignedCheckpoint } from '../crypto/checkpoint';
import { CHAIN_HEAD_ENTITY, CHECKPOINT_ENTITY, type ChainHeadRow, type CheckpointRow } from '../../db/entities';
import { checkpointFromRow } from '../typeorm-checkpoint-store';
import { highestSeq, shardsPresent } from './record-pages';
import { verifyShardsInWorkers, workerDatabaseConfig } from './shard-workers';
import { verifyShard, type ShardResult, type ShardTask } from './verify-shard';

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
  /**
   * Worker threads verifying shards side by side (each with its own connection); 0 or 1: in this
   * thread. Default: one per CPU for archives of PARALLEL_FROM_RECORDS or more, else none.
   */
  workers?: number;
}

/** Below this many records, starting workers costs more than it saves. */
export const PARALLEL_FROM_RECORDS = 200_000;

type SealedSeqs = Map<number, { hash: string; checkpointSeq: number }>;

/** Verify the whole archive in `dataSource`. Never throws on tampering: it reports it. */
export async function verifyArchive(dataSource: DataSource, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const checkpoints = await storedCheckpoints(dataSource);
  const checkpointFindings = verifyCheckpointSequence(checkpoints, options.trustedCaPem);
  const heads = await dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY).find({ order: { shard: 'ASC' } });
  const sealed = sealedHeadsByShard(checkpoints);
  const shards = [...new Set([...heads.map((h) => h.shard), ...(await shardsPresent(dataSource)), ...sealed.keys()])].sort((a, b) => a - b);
  // Index lookups, not COUNT(*) (a full scan): exact for an intact archive, and only used for progress.
  let recordsTotal = 0;
  for (const shard of shards) recordsTotal += await highestSeq(dataSource, shard);

  let done = 0;
  let lastReport = 0;
  const progress = (records: number) => {
    done += records;
    if (options.onProgress && Date.now() - lastReport >= 250) {
      lastReport = Date.now();
      options.onProgress({ recordsDone: done, recordsTotal: Math.max(done, recordsTotal), elapsedMs: lastReport - started });
    }
  };
  const tasks: ShardTask[] = shards.map((shard) => ({ shard, sealed: [...(sealed.get(shard) ?? [])], ...(options.pageSize ? { pageSize: options.pageSize } : {}) }));
  const workers = options.workers ?? (recordsTotal >= PARALLEL_FROM_RECORDS ? Math.min(availableParallelism(), shards.length) : 0);
  const workerConfig = workers > 1 ? workerDatabaseConfig(dataSource) : null;
  let results: ShardResult[];
  if (workerConfig) {
    results = await verifyShardsInWorkers(workerConfig, tasks, workers, progress);
  } else {
    results = [];
    for (const task of tasks) results.push(await verifyShard(dataSource, task, progress));
  }
  const chainFindings = results.flatMap((r) => r.found);
  const summaries: ShardSummary[] = results.map((r) => ({ shard: r.shard, records: r.records, headSeq: r.end.seq, headHash: r.end.hash, findings: r.found.length }));
  options.onProgress?.({ recordsDone: done, recordsTotal: Math.max(done, recordsTotal), elapsedMs: Date.now() - started });
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

/** Every checkpoint, oldest first; a body that is not JSON is kept as its text, for verifyCheckpoint to report as body-invalid. */
async function storedCheckpoints(dataSource: DataSource): Promise<SignedCheckpoint[]> {
  const rows = await dataSource.getRepository<CheckpointRow>(CHECKPOINT_ENTITY).find({ order: { checkpointSeq: 'ASC' } });
  return rows.map((row) => {
    try {
      return checkpointFromRow(row);
    } catch {
      return { ...checkpointFromRow({ ...row, body: 'null' }), body: row.body as unknown as CheckpointBody };
    }
  });
}

/** shard → (seq → sealed hash) over every checkpoint: each one must still match the chain. */
function sealedHeadsByShard(checkpoints: SignedCheckpoint[]): Map<number, SealedSeqs> {
  const out = new Map<number, SealedSeqs>();
  for (const cp of checkpoints) {
    // A malformed body is a checkpoint finding already; it seals nothing.
    if (!Array.isArray(cp.body?.heads)) continue;
    for (const head of cp.body.heads) {
      if (typeof head !== 'object' || head === null || !Number.isSafeInteger(head.shard) || !Number.isSafeInteger(head.seq) || typeof head.hash !== 'string') continue;
      if (head.seq === 0) {
        if (head.hash !== genesisHash(head.shard)) out.set(head.shard, out.get(head.shard) ?? new Map());
        continue;
      }
      const m: SealedSeqs = out.get(head.shard) ?? new Map();
      if (!m.has(head.seq)) m.set(head.seq, { hash: head.hash, checkpointSeq: cp.body.checkpointSeq });
      out.set(head.shard, m);
    }
  }
  return out;
}
