import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadPolicyFile, parsePolicy, PolicyError } from './load-policy';
import { preparePolicy } from './prepare';

const DEFAULT_POLICY = path.join(__dirname, 'default-policy.yaml');

function problemsOf(yaml: string): string[] {
  try {
    parsePolicy(yaml, 'test.yaml');
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

const minimal = 'format: 1\nname: minimal\n';

describe('loading the default policy', () => {
  it('loads, prepares and reports a sha256 version', () => {
    const loaded = loadPolicyFile(DEFAULT_POLICY);
    expect(loaded.version).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.policy.lexicons[0]!.terms.length).toBeGreaterThanOrEqual(40);
    const prepared = preparePolicy(loaded.policy);
    expect(prepared.version).toBe(loaded.version);
    expect(prepared.finra).toMatchObject({ threshold: 25, windowDays: 30 });
    expect(prepared.window?.table.message).toEqual({ validityMs: 48 * 3_600_000, quota: 5 });
    expect(prepared.window?.table.payment).toEqual({ validityMs: 48 * 3_600_000, quota: null });
    expect(prepared.window?.table.menu_click).toEqual({ validityMs: 60_000, quota: 3 });
  });

  it('reports an unreadable file as a problem naming the file', () => {
    expect(() => loadPolicyFile('/no/such/policy.yaml')).toThrow(/cannot read \/no\/such\/policy\.yaml \(ENOENT\)/);
  });
});

describe('policy validation', () => {
  it('applies defaults to a minimal policy and turns absent rules off', () => {
    const { policy } = parsePolicy(minimal);
    expect(policy).toMatchObject({ consent: [], binding: [], quotas: [], lexicons: [], disclaimers: [] });
    expect(policy.window).toBeUndefined();
    expect(policy.approval.default).toEqual({ group: 'compliance', requiredApprovals: 1, ttl: 24 * 3_600_000 });
  });

  it('fills the window table from Tencent’s current values', () => {
    const { policy } = parsePolicy(`${minimal}window: {}\n`);
    expect(policy.window?.triggers).toEqual({
      message: { validity: 172_800_000, quota: 5 },
      menu_click: { validity: 60_000, quota: 3 },
      subscribe: { validity: 60_000, quota: 3 },
      qr_scan: { validity: 60_000, quota: 3 },
      payment: { validity: 172_800_000, quota: 'unlimited' },
    });
  });

  it('reports every schema problem at once, each with its path', () => {
    const problems = problemsOf(`
format: 2
name: broken
colour: blue
window: { triggers: { message: { validity: 48 hours, quota: 0 } } }
lexicons:
  - id: Content
    terms:
      - { id: t1, text: 保本, category: guarantee, action: block }
quotas:
  - { id: q, apps: [], perDay: -1 }
approval:
  routes:
    - { id: r, when: { reasons: [approval.required] }, group: g, requiredApprovals: 3 }
disclaimers:
  - { id: d, path: text/content, text: x }
`);
    for (const where of ['format', '(root): Unrecognized key: "colour"', 'window.triggers.message.validity', 'window.triggers.message.quota', 'lexicons.0.id', 'lexicons.0.terms.0.action', 'quotas.0.apps', 'quotas.0.perDay', 'approval.routes.0.when.reasons.0', 'approval.routes.0.requiredApprovals', 'disclaimers.0.path']) {
      expect(problems.join('\n')).toContain(where);
    }
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('format: 1\nname: [unclosed\n')).toEqual([expect.stringMatching(/^line \d+, column \d+: /)]);
  });

  it('reports a duplicate YAML key', () => {
    expect(problemsOf('format: 1\nname: a\nname: b\n').join('\n')).toMatch(/unique/i);
  });

  it('reports every cross-field problem at once', () => {
    const problems = problemsOf(`
format: 1
name: cross
window: { id: same, kinds: [oa.custom, oa.reply] }
quotas:
  - { id: same, apps: ['*'] }
lexicons:
  - id: words
    terms:
      - { id: t1, text: 保本, category: g, action: deny, except: [保本, 本金] }
      - { id: t1, text: "—— ！", category: g, action: deny }
approval:
  routes:
    - { id: r, when: {}, group: g }
`);
    expect(problems).toEqual([
      expect.stringContaining('window.kinds: a passive reply (oa.reply)'),
      expect.stringContaining('quotas.0.id: rule id "same" is already used at window.id'),
      'quotas.0: set perDay, perMinute or both',
      expect.stringContaining('approval.routes.0.when: give at least one condition'),
      expect.stringContaining('lexicons.0.terms.0.except.0: an exception must be a longer phrase'),
      expect.stringContaining('lexicons.0.terms.0.except.1: an exception must be a longer phrase'),
      'lexicons.0.terms.1.id: term id "t1" is already used at lexicons.0.terms.0',
      expect.stringContaining('lexicons.0.terms.1.text: normalises to nothing'),
    ]);
  });

  it('rejects a top level that is not a mapping', () => {
    expect(problemsOf('- 1\n- 2\n')).toEqual(['(root): the top level must be a mapping']);
  });
});

describe('policy version', () => {
  const text = readFileSync(DEFAULT_POLICY, 'utf8');
  const base = parsePolicy(text).version;

  it('does not change when the YAML is reformatted and its keys reordered', () => {
    const tree = parse(text) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(tree).reverse().map(([k, v]) => [k, reverseKeys(v)]));
    const rewritten = stringify(reordered, { indent: 4, lineWidth: 0 });
    expect(rewritten).not.toBe(text);
    expect(parsePolicy(rewritten).version).toBe(base);
  });

  it('does not change when lexicon terms are reordered', () => {
    const tree = parse(text) as { lexicons: { terms: unknown[] }[] };
    tree.lexicons[0]!.terms.reverse();
    expect(parsePolicy(stringify(tree)).version).toBe(base);
  });

  it('does not change when a duration is spelled differently or a default is written out', () => {
    const respelled = text.replace('message: { validity: 48h, quota: 5 }', 'message: { validity: 2d, quota: 5 }');
    expect(respelled).not.toBe(text);
    expect(parsePolicy(respelled).version).toBe(base);
    expect(parsePolicy(`${minimal}window: {}\n`).version).toBe(parsePolicy(`${minimal}window: { id: cs-window, onUnknown: allow }\n`).version);
  });

  it('changes with any semantic change', () => {
    const changes = [
      text.replace('threshold: 25', 'threshold: 26'),
      text.replace('text: 稳赚,', 'text: 稳赚钱,'),
      text.replace('onUnknown: hold', 'onUnknown: deny'),
      text.replace('requiredApprovals: 2\n      ttl: 48h', 'requiredApprovals: 1\n      ttl: 48h'),
      text.replace('理财非存款，产品有风险，投资须谨慎。\n    separator: "\\n\\n"', '理财非存款，投资须谨慎。\n    separator: "\\n\\n"'),
    ];
    const versions = changes.map((changed) => {
      expect(changed).not.toBe(text);
      return parsePolicy(changed).version;
    });
    expect(new Set([base, ...versions]).size).toBe(changes.length + 1);
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  return value;
}
