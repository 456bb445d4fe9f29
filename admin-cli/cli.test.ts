/** `cgw config check` and `cgw migrate`, run as the real CLI process against temporary files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrations } from '../gateway/db/migrations';
import { runCli } from './__tests__/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'cgw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const validYaml = (dbPath: string) => `
database:
  type: sqlite
  path: ${dbPath}
accounts:
  - id: retail-oa
    appId: wx0123456789abcdef
    appSecret: 0123456789abcdef0123456789abcdef
    originalId: gh_0123456789ab
    token: retailToken1
    encodingAESKey: ${'a'.repeat(43)}
    mode: safe
apps:
  - id: crm
    credentials:
      appId: wxfedcba9876543210
      appSecret: fedcba9876543210fedcba9876543210
      token: crmToken1
      encodingAESKey: ${'b'.repeat(43)}
    callbackUrl: https://crm.internal/wechat/callback
    subscribes: [retail-oa]
    repliesFor: [retail-oa]
`;

describe('cgw config check', () => {
  it('accepts a valid configuration with exit 0 and a summary on stdout', async () => {
    const result = await runCli(['config', 'check', '-c', configFile('valid.yaml', validYaml(path.join(dir, 'unused.db')))]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('configuration ok: 1 account(s), 1 app(s), database sqlite, queue in-process\n');
  });

  it('rejects a configuration with several problems with exit 2, printing every one on stderr', async () => {
    const missingSecret = path.join(dir, 'no-such-secret');
    const yaml = `
colour: blue
server:
  port: 70000
database:
  type: postgres
  url: mysql://db.internal/cgw
accounts:
  - id: Retail_OA
    appId: wx-not-an-appid
    appSecretFile: ${missingSecret}
    originalId: gh_0123456789ab
    token: retailToken1
    encodingAESKey: too-short
    mode: safe
`;
    const result = await runCli(['config', 'check', '-c', configFile('broken.yaml', yaml)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/invalid configuration \(\d+ problems\)/);
    for (const problem of ['colour', 'server.port', 'database.url', 'accounts.0.id', 'accounts.0.appId', 'accounts.0.encodingAESKey', `accounts.0.appSecretFile: cannot read ${missingSecret} (ENOENT)`]) {
      expect(result.stderr).toContain(problem);
    }
  });

  it('reads the file named by $CGW_CONFIG when --config is absent', async () => {
    const result = await runCli(['config', 'check'], { CGW_CONFIG: configFile('env.yaml', 'server:\n  port: -1\n') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port');
  });
});

describe('cgw migrate', () => {
  it('lists the migrations pending on a fresh SQLite file, applies them in order, then says up to date and lists them applied', async () => {
    const config = configFile('migrate.yaml', validYaml(path.join(dir, 'fresh.db')));
    const names = migrations.map((m) => new m().name!);
    expect(names[0]).toBe('InitialSchema1795433713913');
    expect(await runCli(['migrate', '--status', '-c', config])).toMatchObject({ code: 0, stdout: names.map((n) => `pending  ${n}\n`).join('') });
    expect(await runCli(['migrate', '-c', config])).toMatchObject({ code: 0, stdout: `applied ${names.length} migration(s): ${names.join(', ')}\n` });
    expect(await runCli(['migrate', '-c', config])).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    expect(await runCli(['migrate', '--status', '-c', config])).toMatchObject({ code: 0, stdout: names.map((n) => `applied  ${n}\n`).join('') });
  });

  it('refuses an invalid configuration with exit 2, naming the problem', async () => {
    const result = await runCli(['migrate', '-c', configFile('bad-db.yaml', 'database:\n  type: sqlite\n  path: ""\n')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('database.path');
  });
});
