/**
 * Runs the gateway in this process, or, with server.workers > 1, as a cluster
 * primary that prepares shared state once (key store, PKI), forks the workers
 * (each a full gateway on the shared port), restarts any that die, and on
 * SIGTERM drains them all. Only worker 0 runs the sweeper and checkpointer.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema';
import { createGateway, type Gateway } from '../create-gateway';
import { FileKeyStore } from '../archive/crypto/file-key-store';
import { ensureDevPki } from '../../certs/pki';
import { serveClusterMetrics } from '../observability/cluster-metrics';

/** Set by the primary for each worker; not a CGW_ variable, so configuration never reads it. */
const WORKER_INDEX_ENV = 'GATEWAY_WORKER_INDEX';

export interface Serving {
  /** The port the gateway (or every worker) listens on. */
  port: number;
  /** This process's gateway; undefined in a cluster primary. */
  gateway?: Gateway;
  stop(): Promise<void>;
}

/** Start serving `config`; resolves once listening (in a primary: once every worker listens). */
export async function serve(config: GatewayConfig, logger: Logger): Promise<Serving> {
  const workers = config.server.workers;
  if (workers > 1 && cluster.isPrimary) return runPrimary(config, logger, workers);
  const index = Number(process.env[WORKER_INDEX_ENV] ?? 0);
  const gateway = await createGateway(config, { logger, housekeeping: index === 0, worker: { index, count: workers } });
  const { port } = await gateway.listen();
  return { port, gateway, stop: () => gateway.close() };
}

async function runPrimary(config: GatewayConfig, logger: Logger, count: number): Promise<Serving> {
  if (config.server.port === 0) throw new Error('server.port 0 cannot be shared by workers; configure a fixed port');
  // Created once here: workers starting together would race to create them.
  if (!existsSync(config.keys.path)) FileKeyStore.init(config.keys.path);
  ensureDevPki(config.archive.pkiDir);
  // A worker answering a scrape asks here for every worker's metrics.
  serveClusterMetrics();
  let stopping = false;
  const fork = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
      worker.once('listening', () => resolve());
      worker.once('exit', (code, signal) => {
        if (stopping) return;
        logger.error({ worker: index, code, signal }, 'gateway worker died; starting a new one');
        reject(new Error(`worker ${index} exited before listening`));
        setTimeout(() => void fork(index).catch(() => undefined), 1000).unref();
      });
    });
  await Promise.all(Array.from({ length: count }, (_, i) => fork(i)));
  logger.info({ workers: count, port: config.server.port }, 'gateway workers listening');
  return {
    port: config.server.port,
    async stop() {
      stopping = true;
      const exits = Object.values(cluster.workers ?? {}).map((w) => new Promise<void>((resolve) => {
        if (!w || w.isDead()) return resolve();
        w.once('exit', () => resolve());
        w.process.kill('SIGTERM');
      }));
      await Promise.all(exits);
    },
  };
}
