/**
 * Test support: starts test/admin/oidc-server.mjs (a real oidc-provider, ESM
 * only, so in a child process) and mints real JWT access tokens from it with
 * client_credentials + a resource indicator. Each identity is a client whose
 * SSO claims the provider adds to its tokens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The SSO claims (and token lifetime) of one test identity. */
export interface TestIdentity {
  claims: Record<string, unknown>;
  ttlSeconds?: number;
}

/** A running provider. */
export interface TestOidcProvider {
  issuer: string;
  jwksUri: string;
  /** A JWT for `clientId` from the trusted provider (or `from` the rogue / imposter one), for `audience`. */
  token(clientId: string, options?: { audience?: string; from?: 'main' | 'rogue' | 'imposter' }): Promise<string>;
  stop(): Promise<void>;
}

/** The secret every test client uses (the server's CLIENT_SECRET). */
const CLIENT_SECRET = 'test-secret-not-used-elsewhere';

/** Start a provider knowing `identities`, issuing tokens for `audiences` (the first is the default). */
export async function startOidcProvider(identities: Record<string, TestIdentity>, audiences: string[]): Promise<TestOidcProvider> {
  const script = path.join(__dirname, 'oidc-server.mjs');
  const child: ChildProcess = spawn(process.execPath, [script, JSON.stringify({ clients: identities, audiences })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const started = await new Promise<{ issuer: string; jwksUri: string; rogue: string; imposter: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`oidc-server did not start: ${stderr}`)), 15_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`oidc-server exited with ${code}: ${stderr}`)));
  });
  const bases = { main: started.issuer, rogue: started.rogue, imposter: started.imposter };

  return {
    issuer: started.issuer,
    jwksUri: started.jwksUri,
    async token(clientId, options = {}) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: CLIENT_SECRET, scope: 'cgw', resource: options.audience ?? audiences[0]! });
      const response = await fetch(`${bases[options.from ?? 'main']}/token`, { method: 'POST', body: form });
      const answer = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!answer.access_token) throw new Error(`token for ${clientId}: ${answer.error}: ${answer.error_description}`);
      return answer.access_token;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
