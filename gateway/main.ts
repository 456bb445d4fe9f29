/**
 * `npm start`: with no configuration, the embedded default in demo mode
 * (SQLite, in-process queue, Tencent simulator, demo app); with
 * `--config FILE` or CGW_CONFIG, that configuration.
 */
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config/load-config';
import { ensureDemoConfig } from './demo/demo-config';
import { startDemo, type RunningDemo } from './demo/start-demo';
import cluster from 'node:cluster';
import { serve } from './process/serve';
import { createLogger } from './observability/logger';
import { adminTokenFor } from './admin-token';

async function main(): Promise<void> {
  const argIndex = process.argv.indexOf('--config');
  const explicit = argIndex > 0 ? process.argv[argIndex + 1] : process.env.CGW_CONFIG;
  const configPath = explicit ?? ensureDemoConfig('.cgw');
  let config;
  try {
    config = loadConfig({ path: configPath });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logging.level);
  const serving = await serve(config, logger);
  const { port } = serving;
  // In a cluster, workers only serve; the primary prints and runs the demo.
  if (!cluster.isPrimary) {
    process.on('SIGTERM', () => void serving.stop().then(() => process.exit(0)));
    return;
  }
  let demo: RunningDemo | undefined;
  if (config.demo.enabled) demo = await startDemo(config, port, logger);

  const base = `http://${config.server.host}:${port}`;
  const db = config.database.type === 'sqlite' ? resolve(config.database.path) : `(${config.database.type})`;
  process.stderr.write(
    [
      '',
      'wechat-compliance-gateway is running',
      `  callbacks     ${base}/callback/oa/<account>   (${config.accounts.map((a) => a.id).join(', ') || 'no accounts configured'})`,
      `  health        ${base}/healthz   ${base}/readyz`,
      `  metrics       ${base}/metrics`,
      `  archive       ${db}`,
      `  admin token   ${adminTokenFor(config)}   (local admin API: ${base}/admin/v1, and npm run cgw -- …)`,
      ...(config.accounts[0] ? [`  consent page  ${base}/p/${config.accounts[0].id}/consent   (PIPL consent; the simulator's OAuth picks a follower)`] : []),
      ...(demo ? [`  simulator     ${demo.simulatorUrl} (Tencent, demo traffic on)`, `  demo app      ${demo.appUrl} (co-wechat middleware)`] : []),
      `  verify        npm run cgw -- archive verify --config ${configPath}`,
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight work');
    await demo?.stop();
    await serving.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
