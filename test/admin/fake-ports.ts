/**
 * In-memory stand-ins for the admin API's collaborators (the gateway's
 * approvals, message status and policy dry-run; consent ports that know nobody). They enforce the same
 * approval rules the real port must (owner group, distinct approvers, approver
 * group, pending, expiry) so the API's error mapping and audit are exercised
 * end to end; the real rules are tested with the real port.
 */
import { createHash } from 'node:crypto';
import { AdminError } from '../../gateway/admin-api/admin-error';
import type { AdminPorts, ApprovalResult, HeldMessage, MessageStatus, PolicyDecision } from '../../gateway/admin-api/ports';
import type { Actor } from '../../gateway/auth/actor';

/** A held message the fake knows, with the rule's groups. */
export interface FakeHeld extends HeldMessage {
  ownerGroup: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A held message with sensible defaults: pending, one approver needed, expiring in an hour. */
export function heldMessage(messageId: string, over: Partial<FakeHeld> = {}, nowMs = Date.now()): FakeHeld {
  const body = { touser: 'oPLANTEDopenid000000000000', msgtype: 'text', text: { content: `hello from ${messageId}` } };
  return {
    messageId,
    accountId: 'retail-oa',
    appId: 'crm',
    kind: 'oa.custom',
    msgtype: 'text',
    recipientsCount: 1,
    texts: [{ path: '/text/content', text: body.text.content }],
    body,
    decision: {
      id: `d-${messageId}`,
      outcome: 'hold',
      reasons: [{ code: 'approval.required', rule: 'route-marketing' }],
      policyVersion: sha('policy-v1'),
      evaluatedAt: iso(nowMs - 1000),
      masked: [],
      hits: [],
      body,
      approval: { group: 'compliance-approvers', requiredApprovals: 1, ttlMs: 3_600_000, route: 'route-marketing' },
    },
    policyVersion: sha('policy-v1'),
    contentHash: sha(`content-${messageId}`),
    status: 'pending',
    requiredApprovals: 1,
    ownerGroup: 'crm-owners',
    approverGroup: 'compliance-approvers',
    approvals: [],
    comments: [],
    submittedAt: iso(nowMs - 1000),
    expiresAt: iso(nowMs + 3_600_000),
    ...over,
  };
}

/** The fake ports and the state a test inspects. */
export interface FakePorts extends AdminPorts {
  held: Map<string, FakeHeld>;
  statuses: Map<string, MessageStatus>;
  /** What the policy fake was asked, in order. */
  evaluated: unknown[];
  /** Make every port call fail with this error (e.g. unavailable). */
  failWith?: Error;
}

/** Fresh fake ports holding `messages`. */
export function fakePorts(messages: FakeHeld[] = [], now: () => number = Date.now): FakePorts {
  const held = new Map(messages.map((m) => [m.messageId, m]));
  const state: FakePorts = {
    held,
    statuses: new Map(),
    evaluated: [],
    approvals: {
      async list(query) {
        fail();
        const all = [...held.values()]
          .filter((m) => (!query.status || m.status === query.status) && (!query.accountId || m.accountId === query.accountId) && (!query.appId || m.appId === query.appId))
          .sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
        const start = query.cursor ? Number(Buffer.from(query.cursor, 'base64url').toString()) : 0;
        const items = all.slice(start, start + query.limit).map((m) => ({
          messageId: m.messageId, accountId: m.accountId, appId: m.appId, kind: m.kind, msgtype: m.msgtype, status: m.status,
          recipientsCount: m.recipientsCount, contentHash: m.contentHash, reasons: m.decision.reasons.map((r) => r.code),
          approvalsCount: m.approvals.length, requiredApprovals: m.requiredApprovals, submittedAt: m.submittedAt, expiresAt: m.expiresAt,
        }));
        const next = start + query.limit < all.length ? Buffer.from(String(start + query.limit)).toString('base64url') : null;
        return { items, nextCursor: next };
      },
      async get(messageId) {
        fail();
        return find(messageId);
      },
      async approve(messageId, actor, note) {
        fail();
        const m = decidable(messageId, actor);
        if (m.approvals.some((a) => a.subject === actor.subject)) throw new AdminError('duplicate_approver', 'you already approved this message', { contentHash: m.contentHash });
        m.approvals.push({ subject: actor.subject, at: iso(now()), ...(note ? { note } : {}) });
        if (m.approvals.length >= m.requiredApprovals) m.status = 'approved';
        return result(m);
      },
      async reject(messageId, actor, reason) {
        fail();
        const m = decidable(messageId, actor);
        m.status = 'rejected';
        m.rejection = { subject: actor.subject, at: iso(now()), reason };
        return result(m);
      },
      async comment(messageId, actor, text) {
        fail();
        const m = find(messageId);
        m.comments.push({ subject: actor.subject, at: iso(now()), text });
        return result(m);
      },
    },
    messages: {
      async status(messageId) {
        fail();
        const status = state.statuses.get(messageId);
        if (!status) throw new AdminError('not_found', `no outbound message ${messageId}`);
        return status;
      },
    },
    apps: {
      async revokeTokens(appId) {
        fail();
        if (appId !== 'crm') throw new AdminError('not_found', `no app ${appId}`);
        return 2;
      },
    },
    // Consent, bindings, rights and alerts run against the real gateway (test/consent/admin-*.test.ts); here they know nobody.
    consent: { get: nobody, record: nobody },
    bindings: { bind: nobody, unbind: nobody, history: nobody, customerRecords: nobody },
    rights: { access: nobody, processing: nobody },
    alerts: { list: async () => [], close: nobody },
    // The content library runs against the real gateway (test/content-library/); here it holds nothing.
    content: { list: async () => ({ items: [], nextCursor: null }), get: nobody, create: nobody, revise: nobody, transition: nobody, messages: nobody },
    // Hand-overs run against the real gateway (test/handover/); here there are none.
    handover: { start: nobody, get: nobody, list: async () => ({ list: { items: [] }, audit: { details: {} } }), rmRecords: nobody },
    policy: {
      async evaluate(request) {
        fail();
        state.evaluated.push(request);
        if (request.accountId !== 'retail-oa') throw new AdminError('not_found', `no account ${request.accountId}`);
        const decision: PolicyDecision = {
          id: `dry-${state.evaluated.length}`,
          outcome: 'hold',
          reasons: [{ code: 'approval.required', rule: 'route-marketing' }],
          policyVersion: sha('policy-v1'),
          evaluatedAt: iso(request.atMs),
          masked: [],
          hits: [],
          body: request.body,
          approval: { group: 'compliance-approvers', requiredApprovals: 2, ttlMs: 86_400_000, route: 'route-marketing' },
        };
        return decision;
      },
    },
  };

  async function nobody(): Promise<never> {
    fail();
    throw new AdminError('not_found', 'this test server holds no consent or bindings');
  }

  function fail(): void {
    if (state.failWith) throw state.failWith;
  }

  function find(messageId: string): FakeHeld {
    const m = held.get(messageId);
    if (!m) throw new AdminError('not_found', `no held message ${messageId}`);
    return m;
  }

  // The approval rules, in the order the real port must apply them.
  function decidable(messageId: string, actor: Actor): FakeHeld {
    const m = find(messageId);
    if (Date.parse(m.expiresAt) <= now()) throw new AdminError('expired', 'the approval expired', { contentHash: m.contentHash });
    if (m.status !== 'pending') throw new AdminError('not_pending', `the approval is ${m.status}`, { contentHash: m.contentHash });
    if (actor.groups.includes(m.ownerGroup)) throw new AdminError('self_approval', "you are in the requesting app's owner group", { contentHash: m.contentHash });
    if (m.approverGroup && actor.via === 'oidc' && !actor.groups.includes(m.approverGroup)) throw new AdminError('not_in_group', `approvers must be in ${m.approverGroup}`, { contentHash: m.contentHash });
    return m;
  }

  return state;
}

function result(m: FakeHeld): ApprovalResult {
  return { messageId: m.messageId, status: m.status, contentHash: m.contentHash, approvalsCount: m.approvals.length, requiredApprovals: m.requiredApprovals };
}
