/**
 * The msgaudit configuration: secrets and keys from files, every problem
 * reported at once, and what only the start can check (the keys themselves,
 * the SDK library) failing the start with the version or the file named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { MsgauditKeyConfigError } from '../../connectors/wecom/msgaudit/keys/errors';
import { FinanceSdkLoadError } from '../../connectors/wecom/msgaudit/finance-sdk/load-finance-sdk';
import { ConfigError, loadConfig } from '../../gateway/config/load-config';
import { createMsgaudit, type MsgauditDeps } from '../../gateway/msgaudit/create-msgaudit';
import { unwrapWorkerCount } from '../../gateway/msgaudit/config';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { KEYS, newCorpId } from './msgaudit-harness';

const dir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(tree: Record<string, unknown>): ReturnType<typeof loadConfig> {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify({ dataDir: dir, ...tree }));
  return loadConfig({ path: file, env: {} });
}

function problems(tree: Record<string, unknown>): string[] {
  try {
    load(tree);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('msgaudit configuration', () => {
  it('reads the msgaudit secret and each private key from files ("<ver>File")', () => {
    writeFileSync(join(dir, 'secret'), 'msgaudit-secret-from-file-01234\n');
    writeFileSync(join(dir, 'v1.pem'), KEYS[1].pkcs1Pem);
    writeFileSync(join(dir, 'v2.pem'), KEYS[2].pkcs8Pem);
    const config = load({
      msgaudit: { sdkPath: '/opt/wework/libWeWorkFinanceSdk_C.so' },
      corps: [{ id: 'bank-corp', corpId: newCorpId(), msgaudit: { secretFile: join(dir, 'secret'), privateKeys: { '1File': join(dir, 'v1.pem'), '2File': join(dir, 'v2.pem') } } }],
    });
    // The file's final newline is dropped, as for every secret file.
    expect(config.corps[0]!.msgaudit).toEqual({ secret: 'msgaudit-secret-from-file-01234', privateKeys: { 1: KEYS[1].pkcs1Pem.trimEnd(), 2: KEYS[2].pkcs8Pem.trimEnd() } });
    expect(config.msgaudit).toMatchObject({ batchLimit: 1000, retentionDays: 5, alertHoursBeforeLoss: 96, pullIntervalMs: 60_000 });
  });

  it('reports every problem at once: no SDK path, a CorpID pulled twice, a bad key version, an alert past the horizon', () => {
    const corpId = newCorpId();
    const msgaudit = { secret: 'msgaudit-secret-0123456789', privateKeys: { 1: KEYS[1].pkcs1Pem } };
    expect(problems({
      msgaudit: { retentionDays: 5, alertHoursBeforeLoss: 130, batchLimit: 1001 },
      corps: [
        { id: 'a-corp', corpId, msgaudit },
        { id: 'b-corp', corpId: newCorpId(), msgaudit: { ...msgaudit, privateKeys: { current: KEYS[1].pkcs1Pem } } },
      ],
    })).toEqual(expect.arrayContaining([
      expect.stringMatching(/^msgaudit\.batchLimit: /),
      expect.stringMatching(/^msgaudit\.alertHoursBeforeLoss: must be below retentionDays × 24/),
      expect.stringMatching(/^corps\.1\.msgaudit\.privateKeys\.current: keys are publickey_ver numbers/),
    ]));
    expect(problems({ corps: [{ id: 'a-corp', corpId, msgaudit }, { id: 'b-corp', corpId, msgaudit }] })).toEqual([
      'msgaudit.sdkPath: required, corp "a-corp" has a msgaudit block (the bank-supplied libWeWorkFinanceSdk_C.so)',
      `corps.1.msgaudit: CorpID ${corpId} is already pulled by corps.0 (one cursor per corp)`,
    ]);
  });

  it('sizes the RSA unwrap pool to the cores unless msgaudit.unwrapWorkers says otherwise (0 = in-thread)', () => {
    expect(unwrapWorkerCount({}, 2)).toBe(2);
    expect(unwrapWorkerCount({}, 8)).toBe(8);
    expect(unwrapWorkerCount({}, 1)).toBe(1);
    expect(unwrapWorkerCount({ unwrapWorkers: 0 }, 8)).toBe(0);
    expect(unwrapWorkerCount({ unwrapWorkers: 3 }, 2)).toBe(3);
    expect(load({}).msgaudit.unwrapWorkers).toBeUndefined();
    expect(problems({ msgaudit: { unwrapWorkers: -1 } })).toEqual([expect.stringMatching(/^msgaudit\.unwrapWorkers: /)]);
    expect(problems({ msgaudit: { unwrapWorkers: 1.5 } })).toEqual([expect.stringMatching(/^msgaudit\.unwrapWorkers: /)]);
  });

  it('fails the start naming every key version it refuses, before loading the SDK', () => {
    const config = load({
      msgaudit: { sdkPath: join(dir, 'missing.so') },
      corps: [{ id: 'bank-corp', corpId: newCorpId(), msgaudit: { secret: 'msgaudit-secret-0123456789', privateKeys: { 1: KEYS[1].pkcs1Pem, 4: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----' } } }],
    });
    const build = () => createMsgaudit({ config: config.msgaudit, corps: config.corps, registry: new Registry(), logger: pino({ level: 'silent' }), now: Date.now } as unknown as MsgauditDeps);
    expect(build).toThrow(MsgauditKeyConfigError);
    expect(build).toThrow(/publickey_ver 4: this is a public key/);
  });

  it('fails the start naming the SDK library when it cannot be loaded', () => {
    const config = load({
      msgaudit: { sdkPath: join(dir, 'missing.so') },
      corps: [{ id: 'bank-corp', corpId: newCorpId(), msgaudit: { secret: 'msgaudit-secret-0123456789', privateKeys: { 1: KEYS[1].pkcs1Pem } } }],
    });
    const build = () => createMsgaudit({ config: config.msgaudit, corps: config.corps, registry: new Registry(), logger: pino({ level: 'silent' }), now: Date.now } as unknown as MsgauditDeps);
    expect(build).toThrow(FinanceSdkLoadError);
    expect(build).toThrow(/missing\.so does not exist/);
  });
});
