/** `cgw config check`: the gateway's own start-up validation, without starting anything. */
import { loadCliConfig } from './load';

/** Exit code: 0 valid, 2 invalid (every problem printed). */
export async function configCheckCommand(opts: { config?: string }): Promise<number> {
  const config = loadCliConfig(opts.config);
  if (!config) return 2;
  process.stdout.write(`configuration ok: ${config.accounts.length} account(s), ${config.apps.length} app(s), database ${config.database.type}, queue ${config.queue.type}\n`);
  return 0;
}
