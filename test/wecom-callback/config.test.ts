/** `corps[].callback`: validated like the OA account's Token and EncodingAESKey, secrets from files, and the example that documents it. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from '../../gateway/config/load-config';
import { corpSchema } from '../../gateway/config/schema';
import { wecomCorpRuntimes } from '../../gateway/commands/wecom-callback-deps';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const corp = (callback?: unknown): Record<string, unknown> => ({ id: 'bank-corp', corpId: 'ww0123456789abcdef', ...(callback !== undefined && { callback }) });
const load = (corps: unknown[], env: NodeJS.ProcessEnv = {}) => loadConfig({ env, overlay: { corps } });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('corps[].callback', () => {
  it('is optional, and only corps with one receive callbacks', () => {
    const config = load([corp(), { ...corp({ token: 'corpToken1', encodingAESKey: KEY }), id: 'other-corp', corpId: 'ww00000000000000aa' }]);
    expect(config.corps[0]!.callback).toBeUndefined();
    expect(config.corps[1]!.callback).toEqual({ token: 'corpToken1', encodingAESKey: KEY });
    const runtimes = wecomCorpRuntimes(config.corps);
    expect([...runtimes.keys()]).toEqual(['other-corp']);
    expect(runtimes.get('other-corp')!.aesKey).toHaveLength(32);
  });

  it('reports every bad field at once, without echoing the secrets', () => {
    const problems = problemsOf(() => load([corp({ token: 'x!', encodingAESKey: `${KEY.slice(0, 42)}!` }), { ...corp({ token: 'fine1234', encodingAESKey: KEY, extra: 1 }), id: 'c2' }]));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^corps\.0\.callback\.token: must be 3-32 letters or digits/),
      expect.stringMatching(/^corps\.0\.callback\.encodingAESKey: must be exactly 43 characters/),
      expect.stringMatching(/^corps\.1\.callback: .*extra/),
    ]));
    expect(problems.join('\n')).not.toContain(KEY.slice(0, 42));
  });

  it('requires both the token and the key', () => {
    expect(problemsOf(() => load([corp({ token: 'corpToken1' })]))).toEqual([expect.stringMatching(/^corps\.0\.callback\.encodingAESKey: /)]);
  });

  it('reads tokenFile and encodingAESKeyFile, and CGW_…_FILE variables, as the loader does for every secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgw-wecom-cfg-'));
    writeFileSync(join(dir, 'token'), 'fileToken123\n');
    writeFileSync(join(dir, 'key'), `${KEY}\n`);
    const fromFiles = load([corp({ tokenFile: join(dir, 'token'), encodingAESKeyFile: join(dir, 'key') })]);
    expect(fromFiles.corps[0]!.callback).toEqual({ token: 'fileToken123', encodingAESKey: KEY });

    writeFileSync(join(dir, 'token2'), 'envToken456');
    const fromEnv = load([corp({ token: 'yamlToken1', encodingAESKey: KEY })], { CGW_CORPS__0__CALLBACK__TOKEN_FILE: join(dir, 'token2') });
    expect(fromEnv.corps[0]!.callback!.token).toBe('envToken456');
  });

  it('is documented in example.yaml with keys the schema accepts', () => {
    const lines = readFileSync(join(__dirname, '../../gateway/config/example.yaml'), 'utf8').split('\n');
    const start = lines.findIndex((l) => /^\s*# callback:/.test(l));
    expect(start).toBeGreaterThan(0);
    const block: string[] = [];
    for (const line of lines.slice(start + 1)) {
      const m = /^\s*#\s{3}(\w+):\s*(\S+)/.exec(line);
      if (!m) break;
      block.push(`${m[1]}: ${m[2]}`);
    }
    const documented = parseYaml(block.join('\n')) as Record<string, string>;
    expect(Object.keys(documented).sort()).toEqual(['encodingAESKeyFile', 'tokenFile']);
    const resolved = Object.fromEntries(Object.keys(documented).map((k) => [k.replace(/File$/, ''), k === 'tokenFile' ? 'docToken1' : KEY]));
    expect(corpSchema.shape.callback.safeParse(resolved).success).toBe(true);
  });
});
