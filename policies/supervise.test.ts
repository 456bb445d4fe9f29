import path from 'node:path';
import { canonicalHash } from '../connectors/canonical/json';
import { loadPolicyFile, parsePolicy, PolicyError } from './load-policy';
import { preparePolicy } from './prepare';
import { highestSeverity, summariseFindings, supervise, type CapturedMessage } from './supervise';
import { policyVersion } from './version';

const DEFAULT_POLICY = path.join(__dirname, 'default-policy.yaml');
const NOW = Date.parse('2025-06-01T10:00:00+08:00');
const prepared = preparePolicy(loadPolicyFile(DEFAULT_POLICY).policy);

const rm = (text: string, msgtype = 'text'): CapturedMessage => ({ sender: 'rm', msgtype, texts: [{ path: 'text.content', text }] });

function problemsOf(yaml: string): string[] {
  try {
    parsePolicy(yaml, 'test.yaml');
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

const lexicons = `
format: 1
name: t
lexicons:
  - id: words
    terms:
      - { id: sure-profit, text: 稳赚, category: guarantee, action: deny }
`;

describe('the supervision section', () => {
  it('is in the default policy: RM-sent messages, lexicon and PII rules with severities', () => {
    const s = prepared.supervision!;
    expect(s.lexicon.map((r) => [r.id, r.severity])).toEqual([
      ['rm-prohibited-terms', 'critical'], ['rm-review-terms', 'warning'], ['rm-watch-terms', 'info'], ['customer-complaints', 'warning'],
    ]);
    expect(s.pii.map((r) => [r.id, [...r.detectors], r.severity])).toEqual([['rm-identity-numbers', ['prcResidentId', 'bankCard'], 'critical'], ['rm-phone-numbers', ['mobile'], 'warning']]);
    expect(s.detectors).toEqual({ prcResidentId: true, bankCard: true, mobile: true, email: false });
    expect([...s.lexicon[0]!.senders]).toEqual(['rm']);
    expect(s.recallSeverity).toBe('inherit');
  });

  it('points lexicon rules at the terms of the policy’s one automaton, split by action', () => {
    const lexicon = prepared.lexicon!;
    const [prohibited, review, watch] = prepared.supervision!.lexicon;
    const actions = (terms: ReadonlySet<number>) => new Set([...terms].map((i) => lexicon.terms[i]!.action));
    expect(actions(prohibited!.terms)).toEqual(new Set(['deny']));
    expect(actions(review!.terms)).toEqual(new Set(['hold']));
    expect(actions(watch!.terms)).toEqual(new Set(['flag']));
    expect(prohibited!.terms.size + review!.terms.size + watch!.terms.size).toBe(lexicon.terms.length);
  });

  it('fills defaults: RM-sent, every msgtype, recall severity inherited, minCount 1', () => {
    const { policy } = parsePolicy(`${lexicons}supervision:\n  lexicons: [{ id: s, lexicons: [words], severity: info }]\n  pii: [{ id: p, detectors: [mobile], severity: warning }]\n`);
    expect(policy.supervision).toEqual({
      senders: ['rm'], msgtypes: ['*'], recall: { severity: 'inherit' },
      lexicons: [{ id: 's', lexicons: ['words'], severity: 'info' }],
      pii: [{ id: 'p', detectors: ['mobile'], severity: 'warning', minCount: 1 }],
    });
  });

  it('leaves the version of a policy without the section as it was', () => {
    const { policy, version } = parsePolicy(lexicons);
    expect(policy.supervision).toBeUndefined();
    expect('supervision' in policy).toBe(false);
    const { lexicons: l, ...rest } = policy;
    expect(version).toBe(canonicalHash({ ...rest, lexicons: l.map((x) => ({ ...x, terms: [...x.terms].sort((a, b) => a.id.localeCompare(b.id)) })) }));
  });

  it('changes the version with any change to the section, not with layout', () => {
    const base = `${lexicons}supervision:\n  lexicons: [{ id: s, lexicons: [words], severity: info }]\n`;
    const v = parsePolicy(base).version;
    expect(parsePolicy(base.replace('severity: info', 'severity: critical')).version).not.toBe(v);
    expect(parsePolicy(`${lexicons}supervision:\n  senders: [rm]\n  recall: { severity: inherit }\n  lexicons:\n    - id: s\n      lexicons: [words]\n      severity: info\n`).version).toBe(v);
    expect(policyVersion(parsePolicy(base).policy)).toBe(v);
  });

  it('reports unknown lexicons, impossible categories, unknown senders and msgtypes, duplicate rule ids and an empty section', () => {
    const problems = problemsOf(`${lexicons}pii: { id: dup }
supervision:
  senders: [rm, robot]
  msgtypes: [txt]
  lexicons:
    - { id: a, lexicons: [nope], severity: info }
    - { id: b, lexicons: [words], categories: [crypto], severity: loud }
`).join('\n');
    for (const where of ['supervision.senders.1', 'supervision.msgtypes.0', 'supervision.lexicons.1.severity']) expect(problems).toContain(where);
    const crossField = problemsOf(`${lexicons}pii: { id: dup }
supervision:
  lexicons:
    - { id: a, lexicons: [nope], severity: info }
    - { id: b, lexicons: [words], categories: [crypto], severity: info }
  pii: [{ id: dup, detectors: [mobile], severity: info }]
`).join('\n');
    expect(crossField).toContain('supervision.lexicons.0.lexicons.0: no lexicon "nope" in lexicons');
    expect(crossField).toContain('supervision.lexicons.1.categories.0: no term of the named lexicons has category "crypto"');
    expect(crossField).toContain('supervision.pii.0.id: rule id "dup" is already used at pii.id');
    expect(problemsOf(`${lexicons}supervision:\n  lexicons: [{ id: s, lexicons: [words], actions: [flag], severity: info }]\n`)).toEqual(['supervision.lexicons.0: no term of the named lexicons has the categories and actions given, so the rule could never match']);
    expect(problemsOf(`${lexicons}supervision: {}\n`)).toEqual(['supervision: give at least one rule in lexicons or pii (or remove the section)']);
  });
});

describe('supervise', () => {
  it('returns rule ids, codes, term ids, categories, paths and counts, never the text', () => {
    const text = '保证收益，稳赚不赔，身份证440301199003071230，卡号4111111111111111，手机13800138000';
    const result = supervise(prepared, rm(text), NOW);
    expect(result.severity).toBe('critical');
    expect(result.policyVersion).toBe(prepared.version);
    expect(result.findings.map((f) => [f.code, f.rule])).toEqual([
      ['supervision.lexicon', 'rm-prohibited-terms'], ['supervision.pii', 'rm-identity-numbers'], ['supervision.pii', 'rm-phone-numbers'],
    ]);
    expect(result.findings[1]!.hits).toEqual([{ source: 'pii', id: 'prcResidentId', path: 'text.content', count: 1 }, { source: 'pii', id: 'bankCard', path: 'text.content', count: 1 }]);
    const serialised = JSON.stringify(result);
    for (const piece of ['保证收益', '稳赚', '440301199003071230', '4111111111111111', '13800138000', '0301', '1111']) expect(serialised).not.toContain(piece);
  });

  it('is deterministic and does not depend on the clock beyond `now`', () => {
    expect(supervise(prepared, rm('稳赚 13800138000'), NOW)).toEqual(supervise(prepared, rm('稳赚 13800138000'), NOW));
    // A resident id born after `now` is not one.
    const unborn = rm('证件 11010520300101001X');
    expect(supervise(prepared, unborn, NOW).findings).toEqual([]);
    expect(supervise(prepared, unborn, Date.parse('2031-01-01')).findings.map((f) => f.rule)).toEqual(['rm-identity-numbers']);
  });

  it('applies only the rules whose senders and msgtypes cover the message', () => {
    expect(supervise(prepared, { ...rm('稳赚'), sender: 'customer' }, NOW)).toMatchObject({ applied: ['customer-complaints'], findings: [], severity: null });
    const policy = preparePolicy(parsePolicy(`${lexicons}supervision:\n  msgtypes: [text, mixed]\n  lexicons: [{ id: s, lexicons: [words], severity: info }, { id: files, lexicons: [words], msgtypes: [file], severity: critical }]\n`).policy);
    expect(supervise(policy, rm('稳赚', 'mixed'), NOW).applied).toEqual(['s']);
    expect(supervise(policy, rm('稳赚', 'file'), NOW).findings.map((f) => [f.rule, f.severity])).toEqual([['files', 'critical']]);
    expect(supervise(policy, rm('稳赚', 'link'), NOW).applied).toEqual([]);
  });

  it('finds nothing without a supervision section', () => {
    const policy = preparePolicy(parsePolicy(lexicons).policy);
    expect(policy.supervision).toBeUndefined();
    expect(supervise(policy, rm('稳赚'), NOW)).toEqual({ policyVersion: policy.version, applied: [], findings: [], severity: null });
  });
});

describe('findings as alert text', () => {
  it('summarises codes, rules, severities, ids and counts summed over paths', () => {
    const result = supervise(prepared, { sender: 'rm', msgtype: 'mixed', texts: [{ path: 'a', text: '保本保本' }, { path: 'b', text: '保本 13800138000' }] }, NOW);
    expect(summariseFindings(result.findings)).toBe('supervision.lexicon rm-prohibited-terms (critical): guarantee-principal ×3; supervision.pii rm-phone-numbers (warning): mobile ×1');
  });

  it('orders severities info < warning < critical', () => {
    expect(highestSeverity([])).toBeNull();
    expect(highestSeverity(['info', 'critical', 'warning'])).toBe('critical');
    expect(highestSeverity(['info', 'warning'])).toBe('warning');
  });
});
