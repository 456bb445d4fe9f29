/**
 * A real gateway for the content library's admin API tests: its own
 * database (SQLite or PostgreSQL), SSO tokens from a real OIDC provider
 * (roles mapped from the identities' claims), logs captured so tests can
 * grep them. No Tencent is needed: the library's lifecycle never calls it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../gateway/config/load-config';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import { createLogger } from '../../gateway/observability/logger';
import { call, type Answer } from '../admin/admin-server';
import type { TestIdentity, TestOidcProvider } from '../admin/oidc-provider';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../db';

export const AUDIENCE = 'urn:cgw:admin';

/** SSO identities (client ids) and the roles their groups map to. */
export const IDENTITIES: Record<string, TestIdentity> = {
  officer: { claims: { groups: ['compliance'] } },
  officer2: { claims: { groups: ['compliance'] } },
  supervisor: { claims: { groups: ['compliance-leads'] } },
  auditor: { claims: { groups: ['internal-audit'] } },
  'it-admin': { claims: { groups: ['cgw-it'] } },
  crm: { claims: { groups: ['crm-machine'] } },
};
const ROLE_MAP = { compliance: 'compliance-officer', 'compliance-leads': ['compliance-officer', 'compliance-supervisor'], 'internal-audit': 'auditor', 'crm-machine': 'crm-service', 'cgw-it': 'it-admin' };

export interface ContentHarness {
  gateway: Gateway;
  url: string;
  /** Call the admin API as `who` (a JWT from the provider). */
  admin(path: string, who: string, init?: { json?: unknown; method?: string; body?: string; headers?: Record<string, string> }): Promise<Answer>;
  logs(): string;
  close(): Promise<void>;
}

/** Start a gateway on a fresh database of `kind`; `contentLibrary` overrides the section. */
export async function startContentHarness(kind: DatabaseKind, provider: TestOidcProvider, contentLibrary: Record<string, unknown> = {}): Promise<ContentHarness> {
  const db: TestDatabase = await openTestDatabase(kind);
  await db.dataSource.destroy();
  const dataDir = mkdtempSync(join(tmpdir(), 'cgw-content-'));
  let logText = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((logText += chunk.toString('utf8')), done()) });
  const config = loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 2000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      admin: { localToken: { enabled: false }, oidc: { issuer: provider.issuer, audience: AUDIENCE, jwksUri: provider.jwksUri, algorithms: ['RS256'], roleMap: ROLE_MAP } },
      contentLibrary,
      consent: { capture: false },
    },
  });
  let gateway: Gateway;
  try {
    gateway = await createGateway(config, { housekeeping: false, logger: createLogger('debug', sink) });
  } catch (err) {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { port } = await gateway.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, string>();
  return {
    gateway, url,
    async admin(path, who, init = {}) {
      if (!tokens.has(who)) tokens.set(who, await provider.token(who));
      return call(`${url}/admin/v1`, path, { token: tokens.get(who)!, ...init });
    },
    logs: () => logText,
    async close() {
      await gateway.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
