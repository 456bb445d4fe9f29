/**
 * Approvals through the admin API: approve, reject (with a reason), comment,
 * two distinct approvers, the owner-group and approver-group rules, and the
 * audit evidence of each action (who, when, what, the content hash) — FINRA
 * 3110 evidence of review. SSO tokens from a real provider; both databases.
 */
import { createHash } from 'node:crypto';
import { describeEachDatabase } from '../db';
import { problemType } from '../../gateway/admin-api/problems';
import { AdminError } from '../../gateway/admin-api/admin-error';
import { verifyAuditLog } from '../../gateway/audit/verify-audit-log';
import { startOidcProvider, type TestOidcProvider } from './oidc-provider';
import { call, startAdminServer, type AdminServer } from './admin-server';
import { heldMessage } from './fake-ports';
import { adminConfigFor, IDENTITIES } from './identities';

let provider: TestOidcProvider;
beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, ['urn:cgw:admin']);
});
afterAll(async () => provider?.stop());

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const NOW = Date.parse('2031-06-01T09:00:00Z');

describeEachDatabase('approvals through the admin API', (db) => {
  let server: AdminServer;
  const token = new Map<string, string>();
  const lastEvent = async (type: Parameters<AdminServer['audit']['log']['list']>[0]['type']) => (await server.audit.log.list({ type, order: 'desc', limit: 1 })).items[0];

  beforeAll(async () => {
    server = await startAdminServer({
      dataSource: db.dataSource,
      admin: adminConfigFor(provider, false),
      now: () => NOW,
      held: [
        heldMessage('m-single', {}, NOW),
        heldMessage('m-four-eyes', { requiredApprovals: 2 }, NOW),
        heldMessage('m-reject', {}, NOW),
        heldMessage('m-expired', { expiresAt: new Date(NOW - 1).toISOString() }, NOW),
        heldMessage('m-other-account', { accountId: 'wealth-oa' }, NOW),
      ],
    });
    for (const id of ['officer', 'officer2', 'supervisor', 'auditor', 'crm-owner', 'outside-officer']) token.set(id, await provider.token(id));
  });
  afterAll(async () => server?.close());

  it('lists held messages with filters and cursor pagination, audited with the filter', async () => {
    const first = await call(server.api, '/approvals?status=pending&limit=2', { token: token.get('auditor')! });
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { messageId: string }) => i.messageId)).toEqual(['m-expired', 'm-four-eyes']);
    const second = await call(server.api, `/approvals?status=pending&limit=2&cursor=${first.body.nextCursor}`, { token: token.get('auditor')! });
    expect(second.body.items.map((i: { messageId: string }) => i.messageId)).toEqual(['m-other-account', 'm-reject']);
    const wealth = await call(server.api, '/approvals?accountId=wealth-oa', { token: token.get('auditor')! });
    expect(wealth.body).toEqual({ items: [expect.objectContaining({ messageId: 'm-other-account', reasons: ['approval.required'] })], nextCursor: null });
    expect(await lastEvent('admin.approval.list')).toMatchObject({ actor: { subject: 'auditor' }, outcome: 'success', details: { filter: { accountId: 'wealth-oa' }, count: 1 } });
  });

  it('shows one held message decrypted, and audits the viewing with its content hash', async () => {
    const answer = await call(server.api, '/approvals/m-single', { token: token.get('officer')! });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ messageId: 'm-single', kind: 'oa.custom', msgtype: 'text', recipientsCount: 1, texts: [{ path: '/text/content', text: 'hello from m-single' }], status: 'pending', approvals: [], comments: [] });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await lastEvent('admin.approval.view')).toMatchObject({ actor: { subject: 'officer', via: 'oidc' }, target: 'm-single', contentHash: sha('content-m-single'), at: NOW });
  });

  it('records an approval with who, when, what and the content hash; the note is audited by hash only', async () => {
    const answer = await call(server.api, '/approvals/m-single/approve', { token: token.get('officer')!, json: { note: 'checked against the 2210 rules' } });
    expect(answer).toMatchObject({ status: 200, body: { messageId: 'm-single', status: 'approved', approvalsCount: 1, requiredApprovals: 1, contentHash: sha('content-m-single') } });
    const event = await lastEvent('admin.approval.approve');
    expect(event).toMatchObject({
      actor: { subject: 'officer', via: 'oidc' },
      at: NOW,
      target: 'm-single',
      contentHash: sha('content-m-single'),
      outcome: 'success',
      details: { status: 'approved', approvalsCount: 1, requiredApprovals: 1, noteHash: sha('checked against the 2210 rules'), noteLength: 30 },
    });
    expect(JSON.stringify(event)).not.toContain('2210 rules');
  });

  it('needs two distinct approvers where the rule says so, refusing the same person twice with 409', async () => {
    const once = await call(server.api, '/approvals/m-four-eyes/approve', { token: token.get('officer')!, json: {} });
    expect(once.body).toMatchObject({ status: 'pending', approvalsCount: 1, requiredApprovals: 2 });
    const again = await call(server.api, '/approvals/m-four-eyes/approve', { token: token.get('officer')!, method: 'POST' });
    expect(again).toMatchObject({ status: 409, contentType: 'application/problem+json', body: { type: problemType('duplicate_approver'), detail: 'you already approved this message' } });
    expect(await lastEvent('admin.approval.approve')).toMatchObject({ actor: { subject: 'officer' }, outcome: 'failure', contentHash: sha('content-m-four-eyes'), details: { problem: 'duplicate_approver' } });
    const second = await call(server.api, '/approvals/m-four-eyes/approve', { token: token.get('supervisor')!, method: 'POST' });
    expect(second.body).toMatchObject({ status: 'approved', approvalsCount: 2 });
  });

  it("refuses a member of the requesting app's owner group with 403 self-approval, audited", async () => {
    server.ports.held.set('m-own', heldMessage('m-own', {}, NOW));
    const answer = await call(server.api, '/approvals/m-own/approve', { token: token.get('crm-owner')!, json: {} });
    expect(answer).toMatchObject({ status: 403, body: { type: problemType('self_approval'), title: "Members of the requesting app's owner group cannot approve its messages" } });
    expect(await lastEvent('admin.approval.approve')).toMatchObject({ actor: { subject: 'crm-owner' }, target: 'm-own', outcome: 'failure', details: { problem: 'self_approval' } });
    expect(server.ports.held.get('m-own')!.approvals).toEqual([]);
  });

  it("refuses an officer outside the rule's approver group with 403 not-in-approver-group", async () => {
    const answer = await call(server.api, '/approvals/m-own/approve', { token: token.get('outside-officer')!, json: {} });
    expect(answer).toMatchObject({ status: 403, body: { type: problemType('not_in_group') } });
  });

  it('rejects with a reason, audited by the reason hash; a second decision is 409 approval-not-pending', async () => {
    const answer = await call(server.api, '/approvals/m-reject/reject', { token: token.get('supervisor')!, json: { reason: 'promises returns' } });
    expect(answer.body).toMatchObject({ status: 'rejected' });
    expect(server.ports.held.get('m-reject')!.rejection).toMatchObject({ subject: 'supervisor', reason: 'promises returns' });
    expect(await lastEvent('admin.approval.reject')).toMatchObject({ actor: { subject: 'supervisor' }, contentHash: sha('content-m-reject'), details: { status: 'rejected', reasonHash: sha('promises returns') } });
    const late = await call(server.api, '/approvals/m-reject/approve', { token: token.get('officer')!, method: 'POST' });
    expect(late).toMatchObject({ status: 409, body: { type: problemType('not_pending') } });
  });

  it('refuses to decide an expired approval with 409 approval-expired', async () => {
    const answer = await call(server.api, '/approvals/m-expired/approve', { token: token.get('officer')!, method: 'POST' });
    expect(answer).toMatchObject({ status: 409, body: { type: problemType('expired') } });
  });

  it('comments on any held message, audited by the comment hash', async () => {
    const answer = await call(server.api, '/approvals/m-reject/comment', { token: token.get('officer')!, json: { text: 'agreed with the rejection' } });
    expect(answer.status).toBe(200);
    expect(server.ports.held.get('m-reject')!.comments).toEqual([expect.objectContaining({ subject: 'officer', text: 'agreed with the rejection' })]);
    expect(await lastEvent('admin.approval.comment')).toMatchObject({ target: 'm-reject', details: { commentHash: sha('agreed with the rejection') } });
  });

  it('answers an unknown message 404 not-found, audited as a failure with no content hash', async () => {
    const answer = await call(server.api, '/approvals/m-missing', { token: token.get('officer')! });
    expect(answer).toMatchObject({ status: 404, body: { type: problemType('not_found'), detail: 'no held message m-missing' } });
    expect(await lastEvent('admin.approval.view')).toMatchObject({ target: 'm-missing', contentHash: null, outcome: 'failure', details: { problem: 'not_found' } });
  });

  it('answers a port failure 503 service-unavailable with generic detail, and an unexpected error 500 without leaking it', async () => {
    server.ports.failWith = new AdminError('unavailable', 'database down at 10.0.0.7');
    const busy = await call(server.api, '/approvals', { token: token.get('officer')! });
    expect(busy).toMatchObject({ status: 503, body: { type: problemType('unavailable') } });
    expect(busy.body.detail).not.toContain('10.0.0.7');
    server.ports.failWith = new Error('secret connection string postgres://u:hunter2@db');
    const broken = await call(server.api, '/approvals', { token: token.get('officer')! });
    expect(broken).toMatchObject({ status: 500, body: { type: problemType('internal'), title: 'Internal error' } });
    expect(JSON.stringify(broken.body)).not.toContain('hunter2');
    expect(server.logs()).toContain(broken.body.instance.replace('urn:uuid:', ''));
    expect(server.logs()).not.toContain('hunter2');
    delete server.ports.failWith;
  });

  it('reports message status and dry-runs the policy, auditing the decision codes but not the request body', async () => {
    server.ports.statuses.set('m-sent', { messageId: 'm-sent', accountId: 'retail-oa', appId: 'crm', kind: 'oa.custom', state: 'delivered', decisionOutcome: 'allow', contentHash: sha('x'), submittedAt: new Date(NOW).toISOString(), updatedAt: new Date(NOW).toISOString(), attempts: 1 });
    expect((await call(server.api, '/messages/m-sent', { token: token.get('auditor')! })).body).toMatchObject({ state: 'delivered' });
    const request = { accountId: 'retail-oa', appId: 'crm', path: '/cgi-bin/message/custom/send', body: { touser: 'oSECRETopenid', msgtype: 'text', text: { content: '13800138000 buy now' } }, at: '2031-06-01T10:00:00.000Z' };
    const answer = await call(server.api, '/policy/eval', { token: token.get('officer')!, json: request });
    expect(answer.body).toMatchObject({ outcome: 'hold', reasons: [{ code: 'approval.required' }], evaluatedAt: '2031-06-01T10:00:00.000Z' });
    expect(server.ports.evaluated.at(-1)).toMatchObject({ accountId: 'retail-oa', atMs: Date.parse(request.at) });
    const event = await lastEvent('admin.policy.eval');
    expect(event).toMatchObject({ target: 'retail-oa', details: { outcome: 'hold', reasons: ['approval.required'], path: '/cgi-bin/message/custom/send' } });
    expect(JSON.stringify(event)).not.toMatch(/13800138000|oSECRETopenid/);
    expect(server.logs()).not.toMatch(/13800138000|oSECRETopenid/);
  });

  it('lists audit events with filters and verifies the chain through the API', async () => {
    const page = await call(server.api, '/audit-events?type=admin.approval.approve&order=asc&limit=2', { token: token.get('auditor')! });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]).toMatchObject({ type: 'admin.approval.approve', at: new Date(NOW).toISOString(), actor: { subject: 'officer' } });
    const next = await call(server.api, `/audit-events?type=admin.approval.approve&order=asc&limit=2&cursor=${page.body.nextCursor}`, { token: token.get('auditor')! });
    expect(next.body.items[0].seq).toBeGreaterThan(page.body.items[1].seq);
    const verified = await call(server.api, '/audit/verify', { token: token.get('supervisor')!, method: 'POST' });
    expect(verified.body).toMatchObject({ ok: true, findings: [] });
    expect(verified.body.events).toBeGreaterThan(15);
    expect(await lastEvent('admin.audit.verify')).toMatchObject({ actor: { subject: 'supervisor' }, details: { ok: true } });
    expect((await verifyAuditLog(db.dataSource)).ok).toBe(true);
  });
});
