/** verifyArchive on an archive the gateway is still writing to, from its own connection as `cgw archive verify` runs. */
import { createDataSource } from '../../db/data-source';
import { MemoryKeyStore } from '../crypto/memory-key-store';
import { TypeOrmArchiveStore } from '../typeorm-store';
import { ArchiveWriter } from '../writer';
import { FIXTURE_SHARDS, fixtureEntry } from './__tests__/archive-fixture';
import { describeEachFreshArchive } from './__tests__/fresh-archive';
import { findingsOf } from './__tests__/tamper';
import { verifyArchive } from './verify-archive';

describeEachFreshArchive('verifyArchive on a live archive', (ctx) => {
  /** Verify from a second connection while a writer appends one entry at a time; how many it appended meanwhile. */
  async function verifyWhileAppending(workers: number) {
    const writer = new ArchiveWriter({ store: new TypeOrmArchiveStore(ctx.dataSource), keyStore: new MemoryKeyStore(), shards: FIXTURE_SHARDS, maxBatch: 4, now: Date.now });
    let appended = 0;
    let stop = false;
    const appending = (async () => {
      for (let n = 10_000; !stop; n++) {
        await writer.append(fixtureEntry(n));
        appended++;
      }
    })();
    const verifier = await createDataSource(ctx.config).initialize();
    try {
      while (appended < 8) await new Promise((resolve) => setTimeout(resolve, 5));
      const before = appended;
      const report = await verifyArchive(verifier, { trustedCaPem: ctx.pki.ca.certPem, pageSize: 8, workers });
      return { report, appendedMeanwhile: appended - before };
    } finally {
      stop = true;
      await appending;
      await writer.close();
      await verifier.destroy();
    }
  }

  it('reports no findings while the writer keeps appending to every shard, verifying in worker threads', async () => {
    const { report, appendedMeanwhile } = await verifyWhileAppending(2);
    expect(appendedMeanwhile).toBeGreaterThan(FIXTURE_SHARDS); // the writer really was busy meanwhile
    expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [] });
    expect(report.ok).toBe(true);
  });

  if (ctx.kind === 'postgres') {
    // In-process on SQLite, better-sqlite3 never yields to the event loop, so a writer in the same process cannot run.
    it('reports no findings while the writer keeps appending to every shard, verifying in-process', async () => {
      const { report, appendedMeanwhile } = await verifyWhileAppending(0);
      expect(appendedMeanwhile).toBeGreaterThan(FIXTURE_SHARDS);
      expect(findingsOf(report)).toEqual({ chain: [], checkpoints: [] });
    });
  }
});
