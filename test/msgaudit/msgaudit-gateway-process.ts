/**
 * A gateway pulling the Finance SDK stand-in in a process of its own, for
 * the kill -9 test. Usage:
 *   node --import tsx test/msgaudit/msgaudit-gateway-process.ts <config.yaml> <standin-data.json> [<Function>:<ms>]
 * Loads the stand-in's data (and makes each call of the stand-in function
 * sleep that long, e.g. DecryptData:3, so a batch or a download is in
 * progress most of the time), starts the gateway (its pullers start with
 * it), prints `{"ready":true}` on stdout. SIGTERM closes it gracefully.
 */
import pino from 'pino';
import { openStandinControl, type StandinFunction } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-control';
import { loadConfig } from '../../gateway/config/load-config';
import { createGateway } from '../../gateway/create-gateway';
import { createLogger } from '../../gateway/observability/logger';

async function main(): Promise<void> {
  const [configPath, dataPath, slow] = process.argv.slice(2);
  if (!configPath || !dataPath) throw new Error('usage: msgaudit-gateway-process.ts <config.yaml> <standin-data.json> [<Function>:<ms>]');
  // The file is the whole configuration: jest's variables must not be read as CGW_* overrides.
  const config = loadConfig({ path: configPath, env: {} });
  if (!config.msgaudit.sdkPath) throw new Error('msgaudit.sdkPath is required');
  const standin = openStandinControl(config.msgaudit.sdkPath);
  standin.loadFile(dataPath);
  const [fn, ms] = (slow ?? '').split(':');
  if (fn && Number(ms) > 0) standin.setMode(fn as StandinFunction, 'slow', { arg: Number(ms) });
  const gateway = await createGateway(config, { logger: createLogger(config.logging.level, pino.destination(2)) });
  process.stdout.write('{"ready":true}\n');
  process.on('SIGTERM', () => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`msgaudit gateway process failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
