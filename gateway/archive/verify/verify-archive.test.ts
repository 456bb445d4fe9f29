/**
 * verifyArchive over a real archive (writer + checkpointer), untouched and after
 * each kind of tampering with records. Checkpoint and chain_head tampering are in
 * verify-checkpoints.test.ts; attacks on the newest records in verify-tail.test.ts.
 */
import { ARCHIVE_RECORD_ENTITY } from '../../db/entities';
import { recordHash } from '../crypto/chain';
import { FIXTURE_SHARDS } from './__tests__/archive-fixture';
import { describeEachFreshArchive } from './__tests__/fresh-archive';
import { deleteRecord, chainHead, findingsOf, headIn, quietSealedSpot, recordAt, updateRecord } from './__tests__/tamper';
import { workerDatabaseConfig } from './shard-workers';
import { verifyArchive, type VerifyProgress } from './verify-archive';

describeEachFreshArchive('verifyArchive on records', (ctx) => {
  const spot = () => quietSealedSpot(ctx.archive.checkpoints, FIXTURE_SHARDS);

  it('verifies an untouched archive, counting every record, shard and checkpoint', async () => {
    const progress: VerifyProgress[] = [];
    const report = await verifyArchive(ctx.dataSource, { trustedCaPem: ctx.pki.ca.certPem, onProgress: (p) => progress.push(p), pageSize: 16 });
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [] });
    expect(report.ok).toBe(true);
    expect(ctx.archive.duplicates).toBeGreaterThan(0);
    expect(report.records).toBe(ctx.archive.records);
    expect(report.shards.map((s) => s.shard)).toEqual([0, 1, 2, 3]);
    expect(report.shards.reduce((sum, s) => sum + s.records, 0)).toBe(ctx.archive.records);
    for (const s of report.shards) {
      const live = await chainHead(ctx.dataSource, s.shard);
      expect({ seq: s.headSeq, hash: s.headHash }).toEqual({ seq: live.seq, hash: live.headHash });
      expect(s.records).toBe(live.seq);
    }
    const latest = ctx.archive.checkpoints[2]!;
    expect(report.checkpoints).toEqual({ count: 3, latestSeq: 3, latestAt: latest.body.createdAt });
    expect(progress[progress.length - 1]).toMatchObject({ recordsDone: ctx.archive.records, recordsTotal: ctx.archive.records });
  });

  it('reports one altered ciphertext byte as hash-mismatch at that record only', async () => {
    const { shard, seq } = spot();
    const victim = await recordAt(ctx.dataSource, shard, seq);
    const ciphertext = Buffer.from(victim.ciphertext);
    ciphertext[7] = ciphertext[7]! ^ 0x01;
    await updateRecord(ctx.dataSource, victim.id, { ciphertext });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'hash-mismatch', shard, seq }], checkpoints: [] });
    expect(report.chainFindings[0]!.recordId).toBe(victim.id);
  });

  it('reports an altered record_type as hash-mismatch at that record', async () => {
    const { shard, seq } = spot();
    const victim = await recordAt(ctx.dataSource, shard, seq);
    await updateRecord(ctx.dataSource, victim.id, { recordType: victim.recordType === 'oa.reply' ? 'oa.inbound' : 'oa.reply' });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'hash-mismatch', shard, seq }], checkpoints: [] });
  });

  it('reports an altered subject_bidx as hash-mismatch at that record', async () => {
    const { shard, seq } = spot();
    const victim = await recordAt(ctx.dataSource, shard, seq);
    const other = await recordAt(ctx.dataSource, shard, seq + 1);
    const subjectBidx = victim.subjectBidx === other.subjectBidx || other.subjectBidx === null ? 'f'.repeat(64) : other.subjectBidx;
    await updateRecord(ctx.dataSource, victim.id, { subjectBidx }); // re-attribute the message to another client
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'hash-mismatch', shard, seq }], checkpoints: [] });
  });

  it('catches a record rewritten with its own hash recomputed at the next record\'s prev link', async () => {
    const { shard, seq } = spot();
    const victim = await recordAt(ctx.dataSource, shard, seq);
    const forged = { ...victim, recordType: 'oa.reply.late' === victim.recordType ? 'oa.inbound' : 'oa.reply.late' };
    await updateRecord(ctx.dataSource, victim.id, { recordType: forged.recordType, recordHash: recordHash(forged) });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'prev-mismatch', shard, seq: seq + 1 }], checkpoints: [] });
  });

  it('catches a rehashed record that a checkpoint sealed at the checkpoint as well as at the next link', async () => {
    const shard = 1;
    const seq = headIn(ctx.archive.checkpoints[0]!, shard).seq; // later phases appended after it
    const victim = await recordAt(ctx.dataSource, shard, seq);
    const ciphertext = Buffer.from(victim.ciphertext);
    ciphertext[0] = ciphertext[0]! ^ 0xff;
    await updateRecord(ctx.dataSource, victim.id, { ciphertext, recordHash: recordHash({ ...victim, ciphertext }) });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'head-mismatch', shard, seq }, { kind: 'prev-mismatch', shard, seq: seq + 1 }], checkpoints: [] });
  });

  it('reports a deleted middle record as a seq gap and a broken link', async () => {
    const { shard, seq } = spot();
    await deleteRecord(ctx.dataSource, (await recordAt(ctx.dataSource, shard, seq)).id);
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'seq-gap', shard, seq }, { kind: 'prev-mismatch', shard, seq: seq + 1 }], checkpoints: [] });
    expect(report.records).toBe(ctx.archive.records - 1);
  });

  it('reports two records with swapped shard_seq as reordered: both rehash wrong and three links break', async () => {
    const { shard, seq } = spot();
    const first = await recordAt(ctx.dataSource, shard, seq);
    const second = await recordAt(ctx.dataSource, shard, seq + 1);
    await updateRecord(ctx.dataSource, first.id, { shardSeq: 1_000_000_000 }); // out of the way of the unique (shard, shard_seq)
    await updateRecord(ctx.dataSource, second.id, { shardSeq: seq });
    await updateRecord(ctx.dataSource, first.id, { shardSeq: seq + 1 });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({
      chain: [
        { kind: 'hash-mismatch', shard, seq },
        { kind: 'prev-mismatch', shard, seq },
        { kind: 'hash-mismatch', shard, seq: seq + 1 },
        { kind: 'prev-mismatch', shard, seq: seq + 1 },
        { kind: 'prev-mismatch', shard, seq: seq + 2 },
      ],
      checkpoints: [],
    });
  });

  it('reports a record moved to the end of another shard in both shards', async () => {
    const { shard, seq } = spot();
    const target = (shard + 1) % FIXTURE_SHARDS;
    const targetHead = await chainHead(ctx.dataSource, target);
    const victim = await recordAt(ctx.dataSource, shard, seq);
    await updateRecord(ctx.dataSource, victim.id, { shard: target, shardSeq: targetHead.seq + 1 });
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    const bySeq = (a: { shard: number; seq: number; kind: string }, b: { shard: number; seq: number; kind: string }) => a.shard - b.shard || a.seq - b.seq || a.kind.localeCompare(b.kind);
    expect(findingsOf(report).chain.sort(bySeq)).toEqual(
      [
        { kind: 'seq-gap', shard, seq },
        { kind: 'prev-mismatch', shard, seq: seq + 1 },
        { kind: 'hash-mismatch', shard: target, seq: targetHead.seq + 1 },
        { kind: 'prev-mismatch', shard: target, seq: targetHead.seq + 1 },
        { kind: 'head-mismatch', shard: target, seq: targetHead.seq }, // the live head no longer ends the chain
      ].sort(bySeq),
    );
  });

  it('reports a row planted below seq 1, where no chain walk reaches, as seq-out-of-order', async () => {
    const donor = await recordAt(ctx.dataSource, 0, 1);
    const planted = { ...donor, id: '00000000-0000-4000-8000-000000000000', dedupeBidx: 'd'.repeat(64), shardSeq: -5 };
    await ctx.dataSource.createQueryBuilder().insert().into(ARCHIVE_RECORD_ENTITY).values({ ...planted, recordHash: recordHash(planted) }).execute();
    const report = await ctx.verify();
    expect(report.ok).toBe(false);
    expect(findingsOf(report)).toEqual({ chain: [{ kind: 'seq-out-of-order', shard: 0, seq: -5 }], checkpoints: [] });
    expect(report.records).toBe(ctx.archive.records + 1);
  });

  it('reports exactly what the in-process run reports when shards are verified in worker threads', async () => {
    const { shard, seq } = spot();
    const victim = await recordAt(ctx.dataSource, shard, seq);
    await updateRecord(ctx.dataSource, victim.id, { recordType: 'oa.reply.late' === victim.recordType ? 'oa.reply' : 'oa.reply.late' });
    await deleteRecord(ctx.dataSource, (await recordAt(ctx.dataSource, (shard + 2) % FIXTURE_SHARDS, 3)).id);
    const outcome = async (workers: number) => {
      const progress: VerifyProgress[] = [];
      const { elapsedMs, recordsPerSecond, ...report } = await verifyArchive(ctx.dataSource, { trustedCaPem: ctx.pki.ca.certPem, workers, pageSize: 32, onProgress: (p) => progress.push(p) });
      return { report, finalProgress: progress[progress.length - 1]!.recordsDone };
    };
    expect(workerDatabaseConfig(ctx.dataSource)).not.toBeNull(); // else workers: 2 would quietly run in-process
    const inProcess = await outcome(0);
    expect(inProcess.report.chainFindings).toHaveLength(3);
    expect(await outcome(2)).toEqual(inProcess);
  });
});
