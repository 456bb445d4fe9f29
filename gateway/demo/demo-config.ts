/**
 * Demo mode's configuration: one Official Account in safe mode and one
 * internal app, with secrets generated at first start and kept in the data
 * directory (0600) so restarts reuse them. Nothing here is a real credential.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writePrivateFileAtomic } from '../../certs/private-file';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(n: number): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n; i++) {
    const b = bytes[i % bytes.length]!;
    if (b < 248) out += ALNUM[b % 62];
  }
  return out;
}

const hex = (n: number): string => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);

/** Path of the demo configuration file, created on first use. */
export function ensureDemoConfig(dataDir: string): string {
  const path = join(dataDir, 'demo-config.yaml');
  if (existsSync(path)) return path;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const doc = {
    dataDir,
    database: { type: 'sqlite', path: join(dataDir, 'gateway.db') },
    keys: { type: 'file', path: join(dataDir, 'keys.json') },
    archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 10000 },
    demo: { enabled: true, simulatorPort: 8081, appPort: 8082, ratePerSecond: 0.5 },
    // The simulator plays Tencent for outbound calls and OAuth too (consent notices, the consent and bind pages).
    tencent: { oaBaseUrl: 'http://127.0.0.1:8081', oauthAuthorizeUrl: 'http://127.0.0.1:8081/connect/oauth2/authorize' },
    consent: { publicBaseUrl: 'http://127.0.0.1:8080' },
    accounts: [{ id: 'demo-oa', appId: `wx${hex(16)}`, appSecret: hex(32), originalId: `gh_${hex(12)}`, token: alnum(32), encodingAESKey: alnum(43), mode: 'safe' }],
    apps: [{
      id: 'demo-crm',
      credentials: { appId: `wx${hex(16)}`, appSecret: hex(32), token: alnum(32), encodingAESKey: alnum(43) },
      callbackUrl: 'http://127.0.0.1:8082/wechat',
      mode: 'safe',
      subscribes: ['demo-oa'],
      repliesFor: ['demo-oa'],
    }],
  };
  writePrivateFileAtomic(path, `# Demo configuration generated at first start: fake credentials for the simulator, not Tencent's.\n${stringify(doc)}`, { exclusive: true });
  return path;
}
