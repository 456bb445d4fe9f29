/**
 * A gateway in a process of its own, for fault tests that must kill it
 * (SIGKILL) rather than close it. Usage:
 *   node --import tsx test/faults/gateway-process.ts <config.yaml>
 * Prints one JSON line `{"port":N}` on stdout once it listens; logs go to
 * stderr so stdout carries nothing else. SIGTERM closes it gracefully.
 */
import pino from 'pino';
import { loadConfig } from '../../gateway/config/load-config';
import cluster from 'node:cluster';
import { serve } from '../../gateway/process/serve';
import { createLogger } from '../../gateway/observability/logger';

async function main(): Promise<void> {
  const configPath = process.argv[2];
  if (!configPath) throw new Error('usage: gateway-process.ts <config.yaml>');
  // The file is the whole configuration: jest's CGWTEST_* variables must not be read as CGW_* overrides.
  const config = loadConfig({ path: configPath, env: {} });
  const logger = createLogger(config.logging.level, pino.destination(2));
  const serving = await serve(config, logger);
  const { port } = serving;
  if (cluster.isPrimary) process.stdout.write(`${JSON.stringify({ port })}\n`);

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    serving.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`gateway close failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway process failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
