import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config';
import { configSchema } from './schema';

describe('example.yaml', () => {
  it('is a valid configuration once its secret files exist (every key it documents is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgw-example-'));
    const secrets: Record<string, string> = {
      'retail-oa-appsecret': 'a'.repeat(32), 'retail-oa-token': 'retailToken1', 'retail-oa-aeskey': 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      'crm-appsecret': 'b'.repeat(32), 'crm-token': 'crmToken1', 'crm-aeskey': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg',
      'bank-corp-agent-1000002': 'A'.repeat(43), 'bank-corp-contact': 'B'.repeat(43), 'crm-corpsecret': 'C'.repeat(43),
    };
    for (const [name, value] of Object.entries(secrets)) writeFileSync(join(dir, name), `${value}\n`);
    const text = readFileSync(join(__dirname, 'example.yaml'), 'utf8').replaceAll('/run/secrets/', `${dir}/`);
    writeFileSync(join(dir, 'example.yaml'), text);
    const config = loadConfig({ path: join(dir, 'example.yaml'), env: {} });
    expect(config.accounts[0]!.token).toBe('retailToken1');
    expect(config.apps[0]!.repliesFor).toEqual(['retail-oa']);
    expect(config.corps[0]!.agents[0]!.secret).toBe('A'.repeat(43));
  });

  it('documents every top-level key of the schema', () => {
    const text = readFileSync(join(__dirname, 'example.yaml'), 'utf8');
    const documented = new Set([...text.matchAll(/^([a-zA-Z]+):/gm)].map((m) => m[1]));
    expect(Object.keys(configSchema.shape).filter((k) => !documented.has(k))).toEqual([]);
  });
});
