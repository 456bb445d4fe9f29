/** `cgw approvals`, `cgw audit` and `cgw policies eval`, run as the real CLI process against a running admin API. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeEachDatabase } from '../db';
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { AUDIT_EVENT_ENTITY } from '../../gateway/db/entities';
import { startAdminServer, type AdminServer } from './admin-server';
import { heldMessage } from './fake-ports';

const TOKEN = `cgw_${randomBytes(24).toString('base64url')}`;
const dir = mkdtempSync(path.join(tmpdir(), 'cgw-admin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEachDatabase('cgw admin commands', (db) => {
  let server: AdminServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startAdminServer({ dataSource: db.dataSource, localToken: TOKEN, held: [heldMessage('m-1'), heldMessage('m-2', { requiredApprovals: 2 })] });
    env = { CGW_ADMIN_URL: server.url, CGW_ADMIN_TOKEN: TOKEN };
  });
  afterAll(async () => server?.close());

  it('lists held messages for a person and as JSON', async () => {
    const human = await runCli(['approvals', 'list', '--status', 'pending'], env);
    expect(human).toMatchObject({ code: 0, stderr: '' });
    expect(human.stdout).toMatch(/^m-1 {2}pending +0\/1 {2}retail-oa\/crm {2}oa\.custom text {2}to 1 .* approval\.required$/m);
    const json = await runCli(['approvals', 'list', '--json', '--limit', '1'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ items: [{ messageId: 'm-1' }], nextCursor: expect.any(String) });
  });

  it('shows a held message decrypted, with its decision and content hash', async () => {
    const result = await runCli(['approvals', 'show', 'm-1'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('text /text/content: hello from m-1');
    expect(result.stdout).toContain('decision     hold: approval.required (route-marketing)');
    expect(result.stdout).toContain(`content hash ${server.ports.held.get('m-1')!.contentHash}`);
  });

  it('approves, then reports the second attempt as a problem with exit 1 and the error id', async () => {
    const ok = await runCli(['approvals', 'approve', 'm-1', '--note', 'fine'], env);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/^m-1: approved, 1\/1 approval\(s\), content hash [0-9a-f]{64}\n$/) });
    expect(server.ports.held.get('m-1')!.approvals).toEqual([expect.objectContaining({ subject: 'local-admin', note: 'fine' })]);
    const again = await runCli(['approvals', 'approve', 'm-1'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^cgw: 409 approval-not-pending: The approval is no longer pending\n {2}the approval is approved\n {2}error id: urn:uuid:[0-9a-f-]{36}\n$/);
  });

  it('rejects with a reason and comments; a reject without --reason is a usage error (exit 2)', async () => {
    const missing = await runCli(['approvals', 'reject', 'm-2'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--reason <text>' not specified");
    expect((await runCli(['approvals', 'comment', 'm-2', '--text', 'second look'], env)).code).toBe(0);
    const rejected = await runCli(['approvals', 'reject', 'm-2', '--reason', 'misleading', '--json'], env);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ messageId: 'm-2', status: 'rejected' });
  });

  it('reports a validation problem with the field it concerns, exit 2', async () => {
    const result = await runCli(['approvals', 'list', '--limit', '500'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('400 validation-failed');
    expect(result.stderr).toContain('/query/limit: must be <= 200');
  });

  it('dry-runs the policy on a request file', async () => {
    const file = path.join(dir, `eval-${db.kind}.json`);
    writeFileSync(file, JSON.stringify({ accountId: 'retail-oa', appId: 'crm', path: '/cgi-bin/message/custom/send', body: { touser: 'o1', msgtype: 'text', text: { content: 'hi' } } }));
    const result = await runCli(['policies', 'eval', file], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('outcome  hold\n  approval.required (rule route-marketing)');
    expect((await runCli(['policies', 'eval', path.join(dir, 'missing.json')], env)).code).toBe(2);
  });

  it('lists the audit events the commands above left, with who and what', async () => {
    const result = await runCli(['audit', 'list', '--type', 'admin.approval.approve', '--order', 'asc'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#\d+ {2}\S+ {2}admin\.approval\.approve {2}success {2}local-admin \(local-token\) {2}on m-1 {2}content [0-9a-f]{12}…/m);
    expect(result.stdout).toMatch(/admin\.approval\.approve {2}failure .*"problem":"not_pending"/);
  });

  it('verifies the audit chain through the API (exit 0), and fails with exit 1 once a row is altered', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('audit log verified');
    if (db.kind === 'sqlite') {
      const direct = await runCli(['audit', 'verify', '--db', (db.config as { path: string }).path, '--json'], {});
      expect(direct.code).toBe(0);
      expect(JSON.parse(direct.stdout)).toMatchObject({ ok: true, findings: [] });
    }
    await db.dataSource.createQueryBuilder().update(AUDIT_EVENT_ENTITY).set({ outcome: 'denied' }).where({ seq: 2 }).execute();
    const tampered = await runCli(['audit', 'verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/^AUDIT LOG VERIFICATION FAILED\n.*\n {2}seq 2 event [0-9a-f-]{36}: hash-mismatch: /);
  });

  it('says what is missing without a URL or token (exit 2), refuses a wrong token (401, exit 2), and reports an unreachable gateway (exit 1)', async () => {
    const noUrl = await runCli(['approvals', 'list'], { CGW_ADMIN_TOKEN: TOKEN });
    expect(noUrl).toMatchObject({ code: 2, stderr: expect.stringContaining('no admin API URL') });
    const noToken = await runCli(['audit', 'list'], { CGW_ADMIN_URL: server.url });
    expect(noToken).toMatchObject({ code: 2, stderr: expect.stringContaining('no admin token') });
    const wrong = await runCli(['approvals', 'list', '--token-file', writeToken(`cgw_${'x'.repeat(32)}`)], { CGW_ADMIN_URL: server.url });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('401 unauthenticated: Authentication required\n  the local admin token is not valid');
    const down = await runCli(['approvals', 'list', '--url', 'http://127.0.0.1:9'], { CGW_ADMIN_TOKEN: TOKEN });
    expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot reach the admin API') });
  });
});

function writeToken(token: string): string {
  const file = path.join(dir, `token-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}
