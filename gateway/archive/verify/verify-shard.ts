/**
 * Verification of one shard, on its own: shards are independent chains, so
 * verify-archive.ts runs them one after another or in worker threads
 * (shard-workers.ts). Everything in and out is plain data, so it crosses threads.
 */
import type { DataSource } from 'typeorm';
import { CHAIN_HEAD_ENTITY, type ChainHeadRow } from '../../db/entities';
import { ChainVerifier, type ChainFinding, type ChainPosition, type ChainRecord } from '../crypto/chain';
import { recordsBelowChain, shardRecords } from './record-pages';

/** Walks after the first, to catch up with a gateway still appending; then the last walk's end is compared as is. */
const MAX_ROUNDS = 20;

/** What one shard must be checked against. */
export interface ShardTask {
  shard: number;
  /** seq → the hash every checkpoint that sealed that seq says the record has. */
  sealed: [number, { hash: string; checkpointSeq: number }][];
  pageSize?: number;
}

export interface ShardResult {
  shard: number;
  found: ChainFinding[];
  records: number;
  /** The last record of the chain (what the live head should be). */
  end: ChainPosition;
}

/** Check one shard: its chain, every sealed seq it must still hold, rows outside the chain, and its live head. */
export async function verifyShard(dataSource: DataSource, task: ShardTask, progress: (records: number) => void): Promise<ShardResult> {
  const { shard } = task;
  const expected = new Map(task.sealed);
  const found: ChainFinding[] = [];
  // Chains start at seq 1; the walk below reads seq > 0 only, so rows beneath it are reported here.
  const outside = await recordsBelowChain(dataSource, shard);
  for (const row of outside) found.push({ kind: 'seq-out-of-order', shard, seq: row.shardSeq, recordId: row.id, detail: `seq ${row.shardSeq} is outside the chain (seqs start at 1)` });
  progress(outside.length);

  const verifier = new ChainVerifier(shard);
  const seen = new Set<number>();
  const check = (record: ChainRecord) => {
    verifier.push(record);
    const sealedHere = expected.get(record.shardSeq);
    if (!sealedHere) return;
    seen.add(record.shardSeq);
    if (sealedHere.hash !== record.recordHash) {
      found.push({ kind: 'head-mismatch', shard, seq: record.shardSeq, recordId: record.id, detail: `checkpoint ${sealedHere.checkpointSeq} sealed hash ${sealedHere.hash} at this seq; the record has ${record.recordHash}` });
    }
  };
  let walkedTo = 0;
  let live: ChainPosition | null;
  for (let round = 1; ; round++) {
    for await (const page of shardRecords(dataSource, shard, task.pageSize, walkedTo)) {
      for (const record of page) check(record);
      walkedTo = page[page.length - 1]!.shardSeq;
      progress(page.length);
    }
    // The head is read after the walk: the gateway commits records and their head together, so every
    // record walked is covered by it unless the gateway never wrote it. A head that moved on meanwhile
    // (a live archive) means more records were committed since: walk on to them.
    live = await chainHead(dataSource, shard);
    if (!live || live.seq <= walkedTo || round >= MAX_ROUNDS) break;
  }
  for (const [seq, sealedHere] of expected) {
    if (seq > 0 && !seen.has(seq)) found.push({ kind: 'seq-gap', shard, seq, recordId: null, detail: `checkpoint ${sealedHere.checkpointSeq} sealed seq ${seq}, which is no longer in the archive` });
  }
  const end = verifier.head;
  found.push(...verifier.finish(live ?? undefined));
  if (!live && verifier.count > 0) found.push({ kind: 'head-mismatch', shard, seq: end.seq, recordId: null, detail: 'records exist in a shard that has no chain head' });
  return { shard, found, records: verifier.count + outside.length, end };
}

async function chainHead(dataSource: DataSource, shard: number): Promise<ChainPosition | null> {
  const row = await dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY).findOneBy({ shard });
  return row ? { seq: row.seq, hash: row.headHash } : null;
}
