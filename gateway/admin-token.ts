/** The local admin token of the embedded default: random, created at first start, kept 0600 in the data directory. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from './config/schema';
import { writePrivateFileAtomic } from '../certs/private-file';

/** Read (or create) the local admin token. */
export function adminTokenFor(config: GatewayConfig): string {
  const path = join(config.dataDir, 'admin-token');
  if (!existsSync(path)) {
    try {
      writePrivateFileAtomic(path, `cgw_${randomBytes(24).toString('base64url')}\n`, { exclusive: true });
    } catch (err) {
      // Several worker processes start at once: the one that lost the exclusive create reads the winner's token.
      if (!existsSync(path)) throw err;
    }
  }
  return readFileSync(path, 'utf8').trim();
}
