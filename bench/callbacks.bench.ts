/**
 * Callbacks per second archived and acknowledged in safe mode, on SQLite and
 * PostgreSQL, beside a bare Koa handler that only answers "success", measured
 * in the same run on the same machine. The gateway runs in its own process;
 * every push is distinct (own MsgId, nonce, ciphertext), so each one is
 * verified, decrypted, parsed, envelope-encrypted, chained and committed
 * before its 200. Afterwards the archive's row count must equal the number of
 * 200s: acknowledged means committed.
 *
 * Consent capture is off here. The pushes come from 5,000 followers, so two
 * in five are a first contact, and with capture on each first contact also
 * sends the consent notice: an outbound message (policy, two archive records,
 * a Tencent call) — the outbound benchmark's subject, at a rate no real
 * account's first contacts reach. Inbound work that stays on with capture off
 * (withdrawal keywords, the follower view) is measured here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { writeFileSync } from 'node:fs';
import { createSimulatedAccount } from '../gateway/simulator/accounts';
import { createDataSource } from '../gateway/db/data-source';
import { ARCHIVE_RECORD_ENTITY } from '../gateway/db/entities';
import { buildSignedPushes, type SignedPush } from './signed-pushes';
import { startServerProcess, type ServerProcess } from './child';
import { freshDatabase } from './fresh-database';
import { freePort } from '../test/faults/gateway-child';

export interface CallbackBenchResult {
  target: string;
  callbacksPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  archived?: number;
}

export interface CallbackBenchOptions {
  /** Each target: a database kind and the gateway's worker processes (SQLite allows only 1). */
  targets: { kind: 'sqlite' | 'postgres'; workers: number }[];
  durationSeconds: number;
  connections: number;
}

async function load(port: number, pushes: SignedPush[], opts: CallbackBenchOptions): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: opts.connections,
    duration: opts.durationSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const push = pushes[next++ % pushes.length]!;
          return { ...req, path: push.path, body: push.body, headers: { 'content-type': 'text/xml' } };
        },
      },
    ],
  });
}

function summarise(target: string, r: autocannon.Result, server: ServerProcess): CallbackBenchResult {
  return {
    target,
    callbacksPerSecond: Math.round(r['2xx'] / r.duration),
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    peakRssMb: server.peakRssMb(),
  };
}

/** Run the baseline and the gateway on each database kind. */
export async function benchCallbacks(opts: CallbackBenchOptions): Promise<CallbackBenchResult[]> {
  const account = createSimulatedAccount({ callbackUrl: 'http://unused/', mode: 'safe' });
  const pushes = buildSignedPushes(account, '/callback/oa/bench-oa', 250_000);
  const results: CallbackBenchResult[] = [];

  const baseline = await startServerProcess('bench/koa-baseline.ts');
  try {
    results.push(summarise('bare Koa "success" (baseline)', await load(baseline.port, pushes, opts), baseline));
  } finally {
    await baseline.stop();
  }

  for (const { kind, workers } of opts.targets) {
    const dir = mkdtempSync(join(tmpdir(), 'cgw-bench-'));
    const db = await freshDatabase(kind, dir);
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, stringify({
      dataDir: dir,
      server: { host: '127.0.0.1', port: workers > 1 ? await freePort() : 0, workers },
      database: db.config,
      keys: { type: 'file', path: join(dir, 'keys.json') },
      archive: { pkiDir: join(dir, 'pki') },
      logging: { level: 'warn' },
      consent: { capture: false },
      accounts: [{ id: 'bench-oa', appId: account.appId, appSecret: account.appSecret, originalId: account.originalId, token: account.token, encodingAESKey: account.encodingAESKey, mode: 'safe' }],
    }), { mode: 0o600 });
    const gateway = await startServerProcess('test/faults/gateway-process.ts', [configPath]);
    try {
      const r = summarise(`gateway, safe mode, ${kind}, ${workers} worker${workers > 1 ? 's' : ''}`, await load(gateway.port, pushes, opts), gateway);
      const ds = await createDataSource(db.config).initialize();
      r.archived = await ds.getRepository(ARCHIVE_RECORD_ENTITY).count();
      await ds.destroy();
      results.push(r);
    } finally {
      await gateway.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
