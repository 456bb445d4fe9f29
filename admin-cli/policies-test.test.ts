/** `cgw policies test`, run as the real CLI process on temporary case files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runCli } from './__tests__/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'cgw-policies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function caseFile(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const policy = `
policy:
  format: 1
  name: cli
  lexicons:
    - id: words
      terms: [{ id: sure-profit, text: 稳赚, category: guarantee, action: deny }]
`;

const passing = `${policy}
cases:
  - name: denies a sure-profit promise
    message: { text: 穩 賺 }
    expect: { outcome: deny, reasons: [lexicon.blocked], deny: { errcode: 87014 } }
  - name: allows a plain message
    message: { text: 您好 }
    expect: { outcome: allow, reasons: [policy.default_allow] }
`;

const failing = `${policy}
cases:
  - name: expects a plain message to be held
    message: { text: 您好 }
    expect: { outcome: hold, reasons: [approval.required] }
  - name: denies a sure-profit promise
    message: { text: 稳赚 }
    expect: { outcome: deny, reasons: [lexicon.blocked] }
`;

describe('cgw policies test', () => {
  it('prints every case of a passing file and exits 0', async () => {
    const result = await runCli(['policies', 'test', caseFile('passing.yaml', passing)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/passing\.yaml \(policy [0-9a-f]{12}\)\n/);
    expect(result.stdout).toContain('  ok    denies a sure-profit promise\n  ok    allows a plain message\n');
    expect(result.stdout).toMatch(/2 passed, 0 failed\n$/);
  });

  it('prints the differences of a failing case and exits 1', async () => {
    const result = await runCli(['policies', 'test', caseFile('passing-too.yaml', passing), caseFile('failing.yaml', failing)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  FAIL  expects a plain message to be held\n');
    expect(result.stdout).toContain('outcome: expected hold, got allow');
    expect(result.stdout).toContain('reasons: missing approval.required');
    expect(result.stdout).toContain('reasons: unexpected policy.default_allow (rule policy)');
    expect(result.stdout).toContain('  ok    denies a sure-profit promise\n');
    expect(result.stdout).toMatch(/3 passed, 1 failed\n$/);
  });

  it('reports a malformed file on stderr with every problem and exits 2', async () => {
    const malformed = caseFile('malformed.yaml', 'policy: { format: 1, name: x, window: { kinds: [oa.reply] } }\ncases:\n  - name: no expectation\n    colour: blue\n');
    const result = await runCli(['policies', 'test', malformed, caseFile('fine.yaml', passing)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`malformed case file ${malformed}`);
    expect(result.stderr).toContain('cases.0.expect');
    expect(result.stderr).toContain('cases.0: Unrecognized key: "colour"');
    expect(result.stdout).toMatch(/2 passed, 0 failed, 1 malformed file\(s\)\n$/);
  });

  it('runs the repository’s own case files green', async () => {
    const result = await runCli(['policies', 'test', path.join(REPO_ROOT, 'policies/cases/window.yaml'), path.join(REPO_ROOT, 'policies/cases/pii.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed, 0 failed\n$/);
  });
});
