/** Shared CLI plumbing: load the configuration the way the gateway does, and print problems for humans. */
import { ConfigError, loadConfig } from '../../gateway/config/load-config';
import type { GatewayConfig } from '../../gateway/config/schema';

/** Load the configuration from --config or $CGW_CONFIG; prints problems and returns null when invalid. */
export function loadCliConfig(path: string | undefined): GatewayConfig | null {
  const file = path ?? process.env.CGW_CONFIG;
  try {
    return loadConfig(file ? { path: file } : {});
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}
