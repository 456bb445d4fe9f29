import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from './load-config';

const dir = mkdtempSync(join(tmpdir(), 'cgw-config-'));
const KEY_A = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY_B = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg';

function account(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'retail-oa', appId: 'wx0123456789abcdef', appSecret: 'a'.repeat(32), originalId: 'gh_0123456789ab', token: 'accountToken1', encodingAESKey: KEY_A, mode: 'safe', ...over };
}
function app(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'crm',
    credentials: { appId: 'wxfedcba9876543210', appSecret: 'b'.repeat(32), token: 'appToken1', encodingAESKey: KEY_B },
    callbackUrl: 'http://127.0.0.1:9/wechat',
    subscribes: ['retail-oa'],
    repliesFor: ['retail-oa'],
    ...over,
  };
}
function file(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : stringify(doc));
  return path;
}
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts a complete configuration and applies defaults', () => {
    const config = loadConfig({ path: file('ok.yaml', { accounts: [account()], apps: [app()] }), env: {} });
    expect(config.accounts[0]!.mode).toBe('safe');
    expect(config.database).toEqual({ type: 'sqlite', path: '.cgw/gateway.db' });
    expect(config.queue).toEqual({ type: 'in-process' });
    expect(config.apps[0]!.mode).toBe('safe');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(() =>
      loadConfig({
        path: file('bad.yaml', {
          server: { port: 'eighty' },
          accounts: [account({ appId: 'nope', encodingAESKey: 'short' }), account({ appId: 'wx1111111111111111' })],
          apps: [app({ subscribes: ['retail-oa', 'ghost'], callbackUrl: 'ftp://x' })],
        }),
        env: {},
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('server.port'),
        expect.stringContaining('accounts.0.appId'),
        expect.stringContaining('accounts.0.encodingAESKey'),
        expect.stringContaining('apps.0.callbackUrl'),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('reports cross-field problems together: duplicates, unknown subscriptions, two repliers, reused Tencent secrets', () => {
    const problems = problemsOf(() =>
      loadConfig({
        path: file('cross.yaml', {
          accounts: [account(), account({ appId: 'wx1111111111111111' })],
          apps: [
            app({ subscribes: ['retail-oa', 'ghost'] }),
            app({ id: 'bot', credentials: { appId: 'wx2222222222222222', appSecret: 'a'.repeat(32), token: 'botToken1', encodingAESKey: KEY_B.replace('A', 'Z') } }),
          ],
        }),
        env: {},
      }),
    );
    expect(problems.join('\n')).toMatch(/duplicate account id "retail-oa"/);
    expect(problems.join('\n')).toMatch(/apps\.0\.subscribes\.1: no account "ghost"/);
    expect(problems.join('\n')).toMatch(/already has replying app "crm"/);
    expect(problems.join('\n')).toMatch(/must not reuse the Tencent secrets/);
  });

  it('reports cross-field problems in the same round as schema problems', () => {
    const problems = problemsOf(() =>
      loadConfig({ path: file('mixed.yaml', { server: { port: 'eighty' }, accounts: [account()], apps: [app({ subscribes: ['retail-oa', 'ghost'] })] }), env: {} }),
    );
    expect(problems.join('\n')).toMatch(/server\.port/);
    expect(problems.join('\n')).toMatch(/apps\.0\.subscribes\.1: no account "ghost"/);
  });

  it('applies CGW_ environment overrides, parsing scalars and matching keys without case or underscores', () => {
    const config = loadConfig({
      path: file('env.yaml', { accounts: [account()], apps: [app()] }),
      env: { CGW_SERVER__PORT: '9090', CGW_ACCOUNTS__0__MODE: 'plain', CGW_QUEUE__TYPE: 'bull', CGW_QUEUE__REDIS_URL: 'redis://127.0.0.1:6379', CGW_ARCHIVE__MAX_BATCH: '64' },
    });
    expect(config.server.port).toBe(9090);
    expect(config.accounts[0]!.mode).toBe('plain');
    expect(config.queue).toEqual({ type: 'bull', redisUrl: 'redis://127.0.0.1:6379', prefix: 'cgw' });
    expect(config.archive.maxBatch).toBe(64);
  });

  it('reads secrets from files named by xFile keys and by _FILE environment variables', () => {
    const secretPath = file('appsecret', 'c'.repeat(32) + '\n');
    const tokenPath = file('token', 'fromFileToken\n');
    chmodSync(secretPath, 0o600);
    const { appSecret: _omit, ...withoutSecret } = account();
    const config = loadConfig({
      path: file('files.yaml', { accounts: [{ ...withoutSecret, appSecretFile: secretPath }], apps: [app()] }),
      env: { CGW_ACCOUNTS__0__TOKEN_FILE: tokenPath },
    });
    expect(config.accounts[0]!.appSecret).toBe('c'.repeat(32));
    expect(config.accounts[0]!.token).toBe('fromFileToken');
  });

  it('names a missing secret file and a doubly-given secret without printing any secret', () => {
    const problems = problemsOf(() =>
      loadConfig({ path: file('missing.yaml', { accounts: [account({ tokenFile: join(dir, 'nope') })], apps: [app()] }), env: {} }),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/accounts\.0\.tokenFile: both token and tokenFile are set/);
    expect(text).toMatch(/cannot read .*nope \(ENOENT\)/);
    expect(text).not.toContain('accountToken1');
    expect(text).not.toContain('a'.repeat(32));
  });

  it('reports unparseable YAML with the file name', () => {
    const problems = problemsOf(() => loadConfig({ path: file('broken.yaml', 'accounts: [unclosed\n'), env: {} }));
    expect(problems[0]).toMatch(/broken\.yaml: /);
  });

  it('rejects unknown keys instead of ignoring them', () => {
    const problems = problemsOf(() => loadConfig({ path: file('unknown.yaml', { databse: { type: 'sqlite' } }), env: {} }));
    expect(problems.join('\n')).toMatch(/databse/);
  });
});
