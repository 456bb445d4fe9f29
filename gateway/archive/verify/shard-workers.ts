/**
 * Verifies shards in worker threads, each with its own database connection:
 * on a large archive hashing and row decoding are CPU-bound and every shard is
 * an independent chain, so they run side by side (see bench/verify-archive.bench.ts).
 * This module is also the worker's entry point.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseConfig } from '../../db/data-source';
import { verifyShard, type ShardResult, type ShardTask } from './verify-shard';

interface WorkerInit {
  cgwShardWorker: true;
  config: DatabaseConfig;
}

type WorkerMessage = { type: 'ready' } | { type: 'progress'; records: number } | { type: 'done'; result: ShardResult };

// Loaded as plain JavaScript; registers the TypeScript loader first when this module runs from source (tsx, jest).
const BOOT = "const { workerData } = require('node:worker_threads'); if (workerData.tsxApi) require(workerData.tsxApi).register(); require(workerData.entry);";

/** How a worker reaches the same database as `dataSource`, or null when it cannot (in-memory SQLite, SQL Server: verified in-process). */
export function workerDatabaseConfig(dataSource: DataSource): DatabaseConfig | null {
  const options = dataSource.options as { type: string; database?: unknown; url?: unknown };
  if (options.type === 'better-sqlite3' && typeof options.database === 'string' && options.database !== ':memory:') return { type: 'sqlite', path: options.database };
  if (options.type === 'postgres' && typeof options.url === 'string') return { type: 'postgres', url: options.url, poolSize: 2 };
  return null;
}

/** Verify `tasks` on `workers` threads; results in shard order. @throws when a worker fails (a database error, not a finding) */
export async function verifyShardsInWorkers(config: DatabaseConfig, tasks: ShardTask[], workers: number, progress: (records: number) => void): Promise<ShardResult[]> {
  const queue = [...tasks];
  const results: ShardResult[] = [];
  const running: Worker[] = [];
  const tsxApi = __filename.endsWith('.ts') ? require.resolve('tsx/cjs/api') : null;
  const runOne = () =>
    new Promise<void>((resolve, reject) => {
      const init: WorkerInit & { entry: string; tsxApi: string | null } = { cgwShardWorker: true, config, entry: __filename, tsxApi };
      const worker = new Worker(BOOT, { eval: true, workerData: init, execArgv: [] });
      running.push(worker);
      const next = () => worker.postMessage(queue.shift() ?? null); // null: no more work, close and exit
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') progress(m.records);
        else if (m.type === 'done') results.push(m.result);
        if (m.type !== 'progress') next();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard verification worker exited with code ${code}`))));
    });
  try {
    await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, runOne));
  } catch (err) {
    await Promise.all(running.map((w) => w.terminate()));
    throw err;
  }
  return results.sort((a, b) => a.shard - b.shard);
}

async function serve(config: DatabaseConfig): Promise<void> {
  const port = parentPort!;
  const dataSource = await createDataSource(config).initialize();
  port.on('message', (task: ShardTask | null) => {
    if (task === null) {
      void dataSource.destroy().then(() => port.close());
      return;
    }
    // A rejection here is an uncaught error in the worker: the parent's 'error' handler fails the verification.
    void verifyShard(dataSource, task, (records) => port.postMessage({ type: 'progress', records } satisfies WorkerMessage)).then((result) =>
      port.postMessage({ type: 'done', result } satisfies WorkerMessage),
    );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.cgwShardWorker) {
  void serve((workerData as WorkerInit).config);
}
