/** Every admin route refuses bad input with a specific problem+json, validated against the spec's own schemas; refusals are audited. */
import { randomBytes } from 'node:crypto';
import { describeEachDatabase } from '../db';
import { problemType, type ProblemCode } from '../../gateway/admin-api/problems';
import { call, startAdminServer, type AdminServer } from './admin-server';
import { heldMessage } from './fake-ports';

const TOKEN = `cgw_${randomBytes(24).toString('base64url')}`;
const MARKER = 'PLANTED-VALUE-7f3a';

interface Case {
  name: string;
  path: string;
  method?: string;
  body?: string | Buffer;
  contentType?: string;
  problem: ProblemCode;
  /** A field problem's pointer, for validation_failed. */
  pointer?: string;
}

const json = (value: unknown) => JSON.stringify(value);
const CASES: Case[] = [
  // bodies
  { name: 'invalid JSON', path: '/approvals/m-1/reject', body: '{"reason": ', problem: 'invalid_json' },
  { name: 'a body that is not UTF-8', path: '/approvals/m-1/comment', body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), problem: 'invalid_json' },
  { name: 'an oversized body (over 64 KiB)', path: '/approvals/m-1/comment', body: json({ text: 'x'.repeat(70 * 1024) }), problem: 'payload_too_large' },
  { name: 'a body that is not application/json', path: '/approvals/m-1/reject', body: json({ reason: 'no' }), contentType: 'text/plain', problem: 'unsupported_media_type' },
  { name: 'reject without a reason', path: '/approvals/m-1/reject', body: json({}), problem: 'validation_failed', pointer: '/body/reason' },
  { name: 'reject without any body', path: '/approvals/m-1/reject', problem: 'validation_failed', pointer: '/body', method: 'POST' },
  { name: 'reject with a blank reason', path: '/approvals/m-1/reject', body: json({ reason: '   ' }), problem: 'validation_failed', pointer: '/body/reason' },
  { name: 'reject with a reason that is not a string', path: '/approvals/m-1/reject', body: json({ reason: 42 }), problem: 'validation_failed', pointer: '/body/reason' },
  { name: 'approve with an unknown field', path: '/approvals/m-1/approve', body: json({ note: 'ok', approveAll: true }), problem: 'validation_failed', pointer: '/body/approveAll' },
  { name: 'approve with a JSON array', path: '/approvals/m-1/approve', body: json([{ note: 'ok' }]), problem: 'validation_failed', pointer: '/body' },
  { name: 'approve with an over-long note', path: '/approvals/m-1/approve', body: json({ note: MARKER.repeat(200) }), problem: 'validation_failed', pointer: '/body/note' },
  { name: 'comment without text', path: '/approvals/m-1/comment', body: json({ note: 'wrong field' }), problem: 'validation_failed', pointer: '/body/text' },
  { name: 'comment with an empty text', path: '/approvals/m-1/comment', body: json({ text: '' }), problem: 'validation_failed', pointer: '/body/text' },
  { name: 'policy eval without an account', path: '/policy/eval', body: json({ appId: 'crm', path: '/cgi-bin/message/custom/send', body: {} }), problem: 'validation_failed', pointer: '/body/accountId' },
  { name: 'policy eval of a path outside /cgi-bin', path: '/policy/eval', body: json({ accountId: 'retail-oa', appId: 'crm', path: '/../etc/passwd', body: {} }), problem: 'validation_failed', pointer: '/body/path' },
  { name: 'policy eval whose body is an array', path: '/policy/eval', body: json({ accountId: 'retail-oa', appId: 'crm', path: '/cgi-bin/message/custom/send', body: [] }), problem: 'validation_failed', pointer: '/body/body' },
  { name: 'policy eval with a bad date', path: '/policy/eval', body: json({ accountId: 'retail-oa', appId: 'crm', path: '/cgi-bin/message/custom/send', body: {}, at: 'tomorrow' }), problem: 'validation_failed', pointer: '/body/at' },
  { name: 'policy eval with a float in the body', path: '/policy/eval', body: json({ accountId: 'retail-oa', appId: 'crm', path: '/cgi-bin/message/custom/send', body: { amount: 1.5 } }), problem: 'invalid' },
  { name: 'audit verify with a body', path: '/audit/verify', body: json({ deep: true }), problem: 'validation_failed', pointer: '/body' },
  // path parameters
  { name: 'a message id with a space', path: '/approvals/bad%20id', problem: 'validation_failed', pointer: '/path/messageId' },
  { name: 'a message id of 129 characters', path: `/messages/${'m'.repeat(129)}`, problem: 'validation_failed', pointer: '/path/messageId' },
  { name: 'broken percent-encoding in the path', path: '/approvals/%E0%A4%A', problem: 'validation_failed', pointer: '/path/messageId' },
  // query parameters
  { name: 'an unknown query parameter', path: '/approvals?sort=desc', problem: 'validation_failed', pointer: '/query/sort' },
  { name: 'an unknown approval status', path: '/approvals?status=maybe', problem: 'validation_failed', pointer: '/query/status' },
  { name: 'a repeated query parameter', path: '/approvals?status=pending&status=approved', problem: 'validation_failed', pointer: '/query/status' },
  { name: 'a limit of 0', path: '/approvals?limit=0', problem: 'validation_failed', pointer: '/query/limit' },
  { name: 'a limit over 200', path: '/audit-events?limit=201', problem: 'validation_failed', pointer: '/query/limit' },
  { name: 'a limit that is not a number', path: '/audit-events?limit=ten', problem: 'validation_failed', pointer: '/query/limit' },
  { name: 'an account id with upper case', path: '/approvals?accountId=Retail', problem: 'validation_failed', pointer: '/query/accountId' },
  { name: 'an unregistered audit event type', path: '/audit-events?type=admin.everything', problem: 'validation_failed', pointer: '/query/type' },
  { name: 'a from that is not a date-time', path: '/audit-events?from=yesterday', problem: 'validation_failed', pointer: '/query/from' },
  { name: 'a cursor with characters outside base64url', path: '/audit-events?cursor=a%2Bb', problem: 'validation_failed', pointer: '/query/cursor' },
  { name: 'a cursor this API did not issue', path: `/audit-events?cursor=${Buffer.from('seq:-1').toString('base64url')}`, problem: 'validation_failed', pointer: '/query/cursor' },
];

describeEachDatabase('admin API input validation', (db) => {
  let server: AdminServer;
  beforeAll(async () => {
    server = await startAdminServer({ dataSource: db.dataSource, localToken: TOKEN, held: [heldMessage('m-1')] });
  });
  afterAll(async () => server?.close());

  for (const c of CASES) {
    it(`refuses ${c.name} with ${c.problem}`, async () => {
      const headers: Record<string, string> = c.body !== undefined ? { 'content-type': c.contentType ?? 'application/json' } : {};
      const answer = await call(server.api, c.path, { token: TOKEN, headers, ...(c.body !== undefined ? { body: c.body } : {}), ...(c.method ? { method: c.method } : {}) });
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ type: problemType(c.problem), instance: expect.stringMatching(/^urn:uuid:/) });
      expect(answer.status).toBe(answer.body.status);
      if (c.pointer) expect(answer.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(c.pointer);
      // Problems say where and what, never the value that was sent.
      expect(JSON.stringify(answer.body)).not.toContain(MARKER);
      expect(server.ports.held.get('m-1')).toMatchObject({ status: 'pending', approvals: [], comments: [] });
    });
  }

  it('audits a refused request as a failure of its operation, naming the problem', async () => {
    await call(server.api, '/approvals/m-1/reject', { token: TOKEN, json: { reason: '' } });
    const event = (await server.audit.log.list({ type: 'admin.approval.reject', order: 'desc', limit: 1 })).items[0];
    expect(event).toMatchObject({ actor: { subject: 'local-admin' }, target: 'm-1', outcome: 'failure', details: { problem: 'validation_failed' } });
  });

  it('accepts a body of exactly the limit when otherwise valid (the limit is on bytes, not on the field)', async () => {
    const text = 'y'.repeat(4000);
    const answer = await call(server.api, '/approvals/m-1/comment', { token: TOKEN, json: { text } });
    expect(answer.status).toBe(200);
    server.ports.held.get('m-1')!.comments = [];
  });

  it('applies query defaults from the spec (limit 50, newest first)', async () => {
    const answer = await call(server.api, '/audit-events', { token: TOKEN });
    expect(answer.status).toBe(200);
    const seqs = answer.body.items.map((e: { seq: number }) => e.seq);
    expect(seqs.length).toBeLessThanOrEqual(50);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => b - a));
  });
});
