/**
 * The README's promise: on a fresh directory the start command brings up the
 * gateway on SQLite with the in-process queue and the simulator sending demo
 * traffic to the demo app, prints where to look, stops gracefully on SIGTERM,
 * and `cgw archive verify` then passes on what it archived.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { freePort } from './free-port';

const ROOT = join(__dirname, '..');
const TSX = pathToFileURL(require.resolve('tsx')).href;

describe('embedded default (npm start)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'cgw-start-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('starts in demo mode, archives and forwards demo traffic, stops on SIGTERM, and the archive verifies', async () => {
    const [gw, sim, app] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      CGW_SERVER__PORT: String(gw),
      CGW_DEMO__SIMULATOR_PORT: String(sim),
      CGW_DEMO__APP_PORT: String(app),
      CGW_APPS__0__CALLBACK_URL: `http://127.0.0.1:${app}/wechat`,
      CGW_DEMO__RATE_PER_SECOND: '20',
    };
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'gateway/main.ts')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!stderr.includes('verify ')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway did not start:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stderr).toContain(`http://127.0.0.1:${gw}/healthz`);
      expect(stderr).toContain(`http://127.0.0.1:${gw}/metrics`);
      expect(stderr).toMatch(/admin token +cgw_[A-Za-z0-9_-]{20,}/);
      expect(stderr).toContain('archive verify --config');
      expect((await fetch(`http://127.0.0.1:${gw}/readyz`)).status).toBe(200);
      // Wait for demo traffic to be archived and forwarded.
      let archived = 0;
      while (Date.now() < deadline && archived < 10) {
        await new Promise((r) => setTimeout(r, 250));
        const m = /cgw_callbacks_total\{account="demo-oa",outcome="(archived|replied)"\} (\d+)/g;
        archived = [...(await (await fetch(`http://127.0.0.1:${gw}/metrics`)).text()).matchAll(m)].reduce((n, x) => n + Number(x[2]), 0);
      }
      expect(archived).toBeGreaterThanOrEqual(10);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    const db = new Database(join(cwd, '.cgw', 'gateway.db'), { readonly: true });
    const records = (db.prepare('SELECT COUNT(*) AS n FROM archive_record').get() as { n: number }).n;
    const forwarded = (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'done'").get() as { n: number }).n;
    db.close();
    expect(records).toBeGreaterThanOrEqual(10);
    expect(forwarded).toBeGreaterThanOrEqual(1);

    const verify = spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'admin-cli/main.ts'), 'archive', 'verify', '--config', '.cgw/demo-config.yaml', '--json'], { cwd, env: process.env, encoding: 'utf8' });
    expect(verify.status).toBe(0);
    const report = JSON.parse(verify.stdout) as { ok: boolean; records: number; checkpoints: { count: number } };
    expect(report).toMatchObject({ ok: true, records });
    expect(report.checkpoints.count).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
