/**
 * Benchmark of `cgw archive verify` (target: ≥100k records/s). Builds an archive the
 * way the gateway does — ArchiveWriter (envelope encryption, blind indexes, group
 * commit, chained shards) with a large batch, signed checkpoints along the way — on a
 * fresh SQLite file and a fresh PostgreSQL database, then times verifyArchive in a
 * child process of its own, so peak RSS is verification's alone.
 *
 *   tsx bench/verify-archive.bench.ts --records 1000000 [--kinds sqlite,postgres] [--workers 0,auto] [--cpu-prof DIR] [--keep]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { ensureDevPki } from '../certs/pki';
import { Checkpointer } from '../gateway/archive/checkpointer';
import { MemoryKeyStore } from '../gateway/archive/crypto/memory-key-store';
import type { ArchiveEntry } from '../gateway/archive/types';
import { TypeOrmArchiveStore } from '../gateway/archive/typeorm-store';
import { TypeOrmCheckpointStore } from '../gateway/archive/typeorm-checkpoint-store';
import { verifyArchive } from '../gateway/archive/verify/verify-archive';
import { ArchiveWriter } from '../gateway/archive/writer';
import { createDataSource, runMigrations, type DatabaseConfig } from '../gateway/db/data-source';
import { postgresUrlFor, TEST_DATABASE_PREFIX } from '../test/db-templates';
import { connectPostgresAdmin, quoteIdentifier } from '../test/postgres-template';

export type BenchKind = 'sqlite' | 'postgres';

export interface VerifyBenchResult {
  kind: BenchKind;
  /** Worker threads verifying shards (0: in the main thread; 'auto': what `cgw archive verify` does). */
  workers: number | 'auto';
  records: number;
  /** Verification wall time (the child's verifyArchive call). */
  seconds: number;
  recordsPerSecond: number;
  /** Peak resident set of the verifying process. */
  peakRssMb: number;
  /** Time to build the archive (not part of the target). */
  buildSeconds: number;
}

export interface VerifyBenchOptions {
  records: number;
  kinds: BenchKind[];
  /** Write a V8 CPU profile of each verification into this directory. */
  cpuProfDir?: string;
  /** Verification runs per archive (default [0, 'auto']: in-process, then as the CLI runs it). */
  workers?: (number | 'auto')[];
  /** Keep the databases (and print where they are) instead of dropping them. */
  keep?: boolean;
  log?: (line: string) => void;
}

const SHARDS = 8; // the configuration default
const CHECKPOINT_EVERY = 100_000;
const CLIENTS = 6000;

/** Build a `records`-record archive on each back end and time verifyArchive over it. */
export async function benchVerifyArchive(opts: VerifyBenchOptions): Promise<VerifyBenchResult[]> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const work = mkdtempSync(path.join(tmpdir(), 'cgw-bench-verify-'));
  const pki = ensureDevPki(path.join(work, 'pki'));
  const results: VerifyBenchResult[] = [];
  try {
    for (const kind of opts.kinds) {
      const db = await freshDatabase(kind, work);
      try {
        const started = process.hrtime.bigint();
        await buildArchive(db.config, opts.records, pki.signer, (done) => log(`${kind}: built ${done}/${opts.records}`));
        const buildSeconds = seconds(started);
        // Steady state, as autovacuum leaves a long-lived archive: statistics, visibility map and hint bits set.
        if (kind === 'postgres') await adminQuery('VACUUM (ANALYZE) archive_record', db.config);
        log(`${kind}: built ${opts.records} records in ${buildSeconds.toFixed(1)} s; verifying`);
        for (const workers of opts.workers ?? [0, 'auto']) {
          const verified = await verifyInChild(db.config, path.join(work, 'pki', 'ca.crt'), workers, opts.cpuProfDir);
          if (!verified.ok || verified.records !== opts.records) throw new Error(`${kind}: verification failed or miscounted: ${JSON.stringify(verified)}`);
          const recordsPerSecond = Math.round(verified.records / verified.seconds);
          results.push({ kind, workers, records: verified.records, seconds: verified.seconds, recordsPerSecond, peakRssMb: verified.peakRssMb, buildSeconds });
          log(`${kind}: ${JSON.stringify(results[results.length - 1])}`);
        }
      } finally {
        if (opts.keep) log(`${kind}: kept ${JSON.stringify(db.config)}`);
        else await db.drop();
      }
    }
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/** A new migrated database: an SQLite file under `dir`, or a PostgreSQL database named like the test ones (so stale ones get cleaned). */
async function freshDatabase(kind: BenchKind, dir: string): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> {
  let config: DatabaseConfig;
  let drop: () => Promise<void>;
  if (kind === 'sqlite') {
    const file = path.join(dir, 'bench.sqlite');
    config = { type: 'sqlite', path: file };
    drop = async () => ['', '-wal', '-shm'].forEach((s) => rmSync(file + s, { force: true }));
  } else {
    const name = `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_bench_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'`);
    config = { type: 'postgres', url: postgresUrlFor(name), poolSize: 8 };
    drop = () => adminQuery(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  }
  const dataSource = await createDataSource(config).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return { config, drop };
}

/** Run one statement on the maintenance database, or on the bench database `on`. */
async function adminQuery(sql: string, on?: DatabaseConfig): Promise<void> {
  const client = on?.type === 'postgres' ? new Client({ connectionString: on.url }) : await connectPostgresAdmin();
  if (on) await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An OA text-message push as the callback path archives it (payload sizes vary like real chat). */
function benchEntry(n: number): ArchiveEntry {
  const openid = `oBench${(n % 50_000).toString(36).padStart(22, '0')}`;
  const createTime = 1_795_000_000 + Math.floor(n / 20);
  return {
    recordType: 'oa.inbound',
    accountId: `bank-oa-${n % 5}`,
    subject: openid,
    occurredAtMs: createTime * 1000,
    dedupeKey: `oa|bank-oa-${n % 5}|msg|${24_000_000_000_000_000 + n}`,
    payload: { ToUserName: 'gh_0123456789ab', FromUserName: openid, CreateTime: createTime, MsgType: 'text', Content: '请问理财产品的赎回规则是什么？'.repeat(1 + (n % 6)), MsgId: String(24_000_000_000_000_000 + n) },
    outbox: [],
  };
}

/**
 * Append `records` entries through the real writer: CLIENTS concurrent callers, each
 * appending one at a time, so group commit forms large batches spread over every
 * shard. Pauses every CHECKPOINT_EVERY records to checkpoint (on SQLite a checkpoint
 * read during an open batch would see uncommitted heads).
 */
async function buildArchive(config: DatabaseConfig, records: number, signer: { keyPem: string; certPem: string }, progress: (done: number) => void): Promise<void> {
  const dataSource = await createDataSource(config).initialize();
  try {
    const writer = new ArchiveWriter({ store: new TypeOrmArchiveStore(dataSource), keyStore: new MemoryKeyStore(), shards: SHARDS, maxBatch: 2000, now: Date.now });
    await writer.init();
    const checkpointer = new Checkpointer({ store: new TypeOrmCheckpointStore(dataSource), signerKeyPem: signer.keyPem, signerCertPem: signer.certPem, intervalMs: 60_000, now: Date.now, logger: pino({ level: 'silent' }) });
    for (let start = 0; start < records; start += CHECKPOINT_EVERY) {
      const end = Math.min(records, start + CHECKPOINT_EVERY);
      let next = start;
      const client = async () => {
        while (next < end) {
          if ((await writer.append(benchEntry(next++))).duplicate) throw new Error('bench entries must be distinct');
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
      await checkpointer.checkpoint();
      progress(end);
    }
    await writer.close();
  } finally {
    await dataSource.destroy();
  }
}

interface ChildReport {
  ok: boolean;
  records: number;
  seconds: number;
  peakRssMb: number;
}

/** Run verifyArchive in a child process (this file with --verify-child), optionally under --cpu-prof. */
function verifyInChild(config: DatabaseConfig, caPath: string, workers: number | 'auto', cpuProfDir?: string): Promise<ChildReport> {
  const prof = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...prof, __filename, '--verify-child', JSON.stringify(config), caPath, String(workers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildReport) : reject(new Error(`verify child exited ${code}`))));
  });
}

async function verifyChild(config: DatabaseConfig, caPath: string, workers: number | 'auto'): Promise<void> {
  const dataSource = await createDataSource(config).initialize();
  try {
    const started = process.hrtime.bigint();
    const report = await verifyArchive(dataSource, { trustedCaPem: readFileSync(caPath, 'utf8'), ...(workers === 'auto' ? {} : { workers }) });
    const result: ChildReport = { ok: report.ok, records: report.records, seconds: seconds(started), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
    process.stdout.write(JSON.stringify(result));
  } finally {
    await dataSource.destroy();
  }
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const run = async () => {
    if (process.argv.includes('--verify-child')) {
      const i = process.argv.indexOf('--verify-child');
      const workers = process.argv[i + 3] ?? 'auto';
      await verifyChild(JSON.parse(process.argv[i + 1]!) as DatabaseConfig, process.argv[i + 2]!, workers === 'auto' ? 'auto' : Number(workers));
      return;
    }
    const records = Number(argValue('--records') ?? 1_000_000);
    const kinds = (argValue('--kinds') ?? 'sqlite,postgres').split(',') as BenchKind[];
    const cpuProf = argValue('--cpu-prof');
    const workers = argValue('--workers')?.split(',').map((w) => (w === 'auto' ? 'auto' : Number(w)));
    const results = await benchVerifyArchive({ records, kinds, keep: process.argv.includes('--keep'), ...(workers ? { workers } : {}), ...(cpuProf ? { cpuProfDir: path.resolve(cpuProf) } : {}) });
    console.table(results);
    const slow = results.filter((r) => r.recordsPerSecond < 100_000);
    if (slow.length > 0) console.log(`below the 100k records/s target: ${slow.map((r) => `${r.kind} (workers ${r.workers})`).join(', ')}`);
  };
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
