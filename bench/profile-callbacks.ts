/**
 * Profiling aid for callback throughput (not part of npm run bench): runs one
 * gateway process with --cpu-prof under autocannon load and prints callbacks/s,
 * CPU microseconds per callback for the gateway, PostgreSQL and the load
 * generator, and the archive batch metrics. Profiles land in /tmp/cpuprof.
 *   tsx bench/profile-callbacks.ts sqlite
 *   DUR=20 CONN=256 tsx bench/profile-callbacks.ts postgres postgres://postgres@127.0.0.1:5432/<fresh db>
 *   WORKERS=2 … (server.workers; the gateway CPU figure then sums the primary and its workers)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { createSimulatedAccount } from '../gateway/simulator/accounts';
import { buildSignedPushes } from './signed-pushes';
import { createDataSource, runMigrations } from '../gateway/db/data-source';
import { freePort } from '../test/faults/gateway-child';
(async () => {
  const kind = process.argv[2] ?? 'sqlite';
  const workers = Number(process.env.WORKERS ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'prof-'));
  const account = createSimulatedAccount({ callbackUrl: 'http://x/', mode: 'safe' });
  const database = kind === 'sqlite' ? { type: 'sqlite', path: join(dir, 'b.db') } : { type: 'postgres', url: process.argv[3]!, poolSize: 20 };
  const ds = await createDataSource(database as any).initialize(); await runMigrations(ds); await ds.destroy();
  writeFileSync(join(dir, 'c.yaml'), stringify({ dataDir: dir, server: { port: workers > 1 ? await freePort() : 0, workers }, database, keys: { type: 'file', path: join(dir, 'k.json') }, archive: { pkiDir: join(dir, 'pki') }, logging: { level: 'warn' }, consent: { capture: false },
    accounts: [{ id: 'bench-oa', appId: account.appId, appSecret: account.appSecret, originalId: account.originalId, token: account.token, encodingAESKey: account.encodingAESKey, mode: 'safe' }] }));
  const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/cpuprof', '--import', 'tsx', require('node:path').join(__dirname, '../test/faults/gateway-process.ts'), join(dir, 'c.yaml')], { cwd: require('node:path').join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => createInterface({ input: child.stdout! }).once('line', (l) => r(JSON.parse(l).port)));
  const pushes = buildSignedPushes(account, '/callback/oa/bench-oa', 60000);
  let i = 0;
  const cpuOf = (pid: number) => { const f = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
  const pgCpu = () => require('child_process').execSync('pgrep -u postgres').toString().trim().split('\n').reduce((a: number, p: string) => { try { return a + cpuOf(Number(p)); } catch { return a; } }, 0);
  const gatewayCpu = () => [child.pid!, ...require('child_process').execSync(`pgrep -P ${child.pid} || true`).toString().trim().split('\n').filter(Boolean).map(Number)].reduce((a: number, p: number) => { try { return a + cpuOf(p); } catch { return a; } }, 0);
  const g0 = gatewayCpu(), p0 = pgCpu(), s0 = process.cpuUsage();
  const res = await autocannon({ url: `http://127.0.0.1:${port}`, connections: Number(process.env.CONN ?? 64), duration: Number(process.env.DUR ?? 8), requests: [{ method: 'POST', setupRequest: (req: any) => { const p = pushes[i++ % pushes.length]!; return { ...req, path: p.path, body: p.body }; } }] });
  const n = res['2xx'];
  const self = process.cpuUsage(s0);
  console.log('rps', n / res.duration, 'cpu us/req gateway', Math.round((gatewayCpu() - g0) * 1000 / n), 'postgres', Math.round((pgCpu() - p0) * 1000 / n), 'loadgen', Math.round((self.user + self.system) / n));
  const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  console.log(m.split('\n').filter((l) => /^cgw_(archive_batch_size|archive_commit_seconds|callback_duration_seconds)_(sum|count)/.test(l)).join('\n'));
  child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r));
})();
