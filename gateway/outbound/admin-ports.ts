/**
 * The admin API's ports over the outbound workflow: the approvals queue (a
 * held message decrypted for review, with its decision, approvals and
 * comments), approve / reject / comment, message status, and the policy
 * dry-run. Each maps the workflow's errors onto the admin API's problems.
 */
import type { Actor } from '../auth/actor';
import { AdminError } from '../admin-api/admin-error';
import type { AdminPorts, ApprovalResult, ApprovalStatus, HeldMessage, MessageStatus, OutboundAdminPorts, PolicyDecision } from '../admin-api/ports';
import { reasonCodesOf, type OutboundMessageRow, type OutboundStatus } from '../db/entities';
import type { AccountConfig, CorpConfig } from '../config/schema';
import type { Decision } from '../../connectors/canonical/decision';
import { classifyOaSend } from '../../connectors/wechat/outbound/classify-oa';
import { classifyWecomSend } from '../../connectors/wecom/outbound/classify-wecom';
import { OutboundShapeError } from '../../connectors/canonical/outbound-shape';
import { isUniqueViolation } from '../db/errors';
import { actOnMessage, type ApprovalAction } from './approve-message';
import { ApprovalError } from './approval-errors';
import type { OutboundDeps } from './outbound-deps';
import type { SubmittedPayload } from './submitted-payload';
import type { AppTokens } from '../compat-api/app-tokens';

const iso = (ms: number | null): string => new Date(ms ?? 0).toISOString();

function approvalStatus(status: OutboundStatus): ApprovalStatus {
  if (status === 'held') return 'pending';
  if (status === 'rejected' || status === 'denied') return 'rejected';
  if (status === 'expired') return 'expired';
  return 'approved';
}

function decisionForApi(d: Decision): PolicyDecision {
  return { ...d, evaluatedAt: iso(d.evaluatedAt) } as unknown as PolicyDecision;
}

function messageId(id: string): number {
  const n = Number(id);
  if (!/^\d{1,16}$/.test(id) || !Number.isSafeInteger(n)) throw new AdminError('not_found', `no outbound message ${id.slice(0, 32)}`);
  return n;
}

function result(msg: OutboundMessageRow): ApprovalResult {
  return { messageId: String(msg.id), status: approvalStatus(msg.status), contentHash: msg.contentHash, approvalsCount: msg.approvalsCount, requiredApprovals: msg.approvalsRequired };
}

async function act(deps: OutboundDeps, id: string, actor: Actor, action: ApprovalAction, note?: string): Promise<ApprovalResult> {
  const n = messageId(id);
  try {
    return result(await actOnMessage(deps, n, { subject: actor.subject, groups: actor.groups, roles: actor.roles, via: actor.via }, action, note));
  } catch (err) {
    // Two requests of the same approver raced past the check; the unique key caught the second.
    const refused = err instanceof ApprovalError ? err : isUniqueViolation(err) ? new ApprovalError('duplicate_approver', 'this approver already approved the message') : null;
    if (!refused) throw err;
    // A refused attempt (self-approval, wrong group, twice) is review evidence too: its audit event names the content.
    const msg = refused.code === 'not_found' ? null : await deps.messages.get(n).catch(() => null);
    throw new AdminError(refused.code, refused.message, msg ? { contentHash: msg.contentHash } : {});
  }
}

/** Build the admin API's ports. */
export function adminPorts(deps: OutboundDeps, accounts: readonly AccountConfig[], corps: readonly CorpConfig[], tokens: Pick<AppTokens, 'revokeApp'>): OutboundAdminPorts {
  const held = async (id: string): Promise<{ msg: OutboundMessageRow; submitted: SubmittedPayload }> => {
    const msg = await deps.messages.get(messageId(id));
    if (!msg) throw new AdminError('not_found', `no outbound message ${id.slice(0, 32)}`);
    return { msg, submitted: (await deps.reader.open(msg.recordId)).payload as unknown as SubmittedPayload };
  };
  return {
    approvals: {
      async list(query) {
        const statuses: OutboundStatus[] | undefined = query.status === undefined ? undefined
          : query.status === 'pending' ? ['held'] : query.status === 'rejected' ? ['rejected', 'denied'] : query.status === 'expired' ? ['expired'] : ['approved', 'queued', 'delivered', 'failed'];
        const beforeId = query.cursor ? Number.parseInt(query.cursor, 36) : undefined;
        // Only messages that were ever held belong in the approvals queue. Filtered in the query, not after
        // it: a page of newer, never-held messages must not end the listing early.
        const rows = await deps.messages.list({
          ...(statuses ? { statuses } : {}), outcome: 'hold', ...(query.accountId ? { accountId: query.accountId } : {}), ...(query.appId ? { appId: query.appId } : {}),
          ...(beforeId !== undefined && Number.isSafeInteger(beforeId) ? { beforeId } : {}), limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        return {
          items: page.map((m) => ({
            messageId: String(m.id), accountId: m.accountId, appId: m.appId, kind: m.kind as HeldMessage['kind'], msgtype: m.msgtype, status: approvalStatus(m.status),
            recipientsCount: m.recipientCount, contentHash: m.contentHash, reasons: reasonCodesOf(m) as HeldMessage['decision']['reasons'][number]['code'][],
            approvalsCount: m.approvalsCount, requiredApprovals: m.approvalsRequired, submittedAt: iso(m.createdAt), expiresAt: iso(m.expiresAt),
          })) as Awaited<ReturnType<AdminPorts['approvals']['list']>>['items'],
          nextCursor: rows.length > query.limit ? page[page.length - 1]!.id.toString(36) : null,
        };
      },
      async get(id) {
        const { msg, submitted } = await held(id);
        // Only messages that were held are approvals; /messages/{id} answers for every message.
        if (msg.outcome !== 'hold') throw new AdminError('not_found', `no held outbound message ${id.slice(0, 32)}`);
        const actions = await deps.messages.actions(msg.id);
        const notes = await Promise.all(actions.map(async (a) => ((await deps.reader.open(a.recordId)).payload as { note?: string | null }).note ?? undefined));
        const entries = actions.map((a, i) => ({ a, note: notes[i] }));
        const rejection = entries.find((e) => e.a.action === 'reject');
        const owner = deps.apps.get(msg.appId)?.owners[0];
        return {
          messageId: String(msg.id), accountId: msg.accountId, appId: msg.appId, kind: msg.kind as HeldMessage['kind'], msgtype: msg.msgtype, recipientsCount: msg.recipientCount,
          texts: submitted.message.texts, body: submitted.message.body, decision: decisionForApi(submitted.decision), policyVersion: msg.policyVersion, contentHash: msg.contentHash,
          status: approvalStatus(msg.status), requiredApprovals: msg.approvalsRequired,
          ...(owner ? { ownerGroup: owner } : {}), ...(msg.approvalGroup ? { approverGroup: msg.approvalGroup } : {}),
          approvals: entries.filter((e) => e.a.action === 'approve').map((e) => ({ subject: e.a.actor, at: iso(e.a.at), ...(e.note ? { note: e.note } : {}) })),
          ...(rejection ? { rejection: { subject: rejection.a.actor, at: iso(rejection.a.at), reason: rejection.note ?? '' } } : {}),
          comments: entries.filter((e) => e.a.action === 'comment').map((e) => ({ subject: e.a.actor, at: iso(e.a.at), text: e.note ?? '' })),
          submittedAt: iso(msg.createdAt), expiresAt: iso(msg.expiresAt),
        } as HeldMessage;
      },
      approve: (id, actor, note) => act(deps, id, actor, 'approve', note),
      reject: (id, actor, reason) => act(deps, id, actor, 'reject', reason),
      comment: (id, actor, text) => act(deps, id, actor, 'comment', text),
    },
    messages: {
      async status(id): Promise<MessageStatus> {
        const { msg } = await held(id);
        const state = msg.status === 'approved' ? 'queued' : msg.status;
        return {
          messageId: String(msg.id), accountId: msg.accountId, appId: msg.appId, kind: msg.kind as MessageStatus['kind'], state, decisionOutcome: msg.outcome as MessageStatus['decisionOutcome'],
          reasons: reasonCodesOf(msg) as MessageStatus['reasons'], contentHash: msg.contentHash, submittedAt: iso(msg.createdAt), updatedAt: iso(msg.updatedAt),
          attempts: 0, ...(msg.tencentErrcode !== null && msg.tencentErrcode !== 0 ? { lastErrorCode: String(msg.tencentErrcode) } : {}),
          ...(msg.status === 'delivered' && msg.finishedAt !== null ? { deliveredAt: iso(msg.finishedAt) } : {}),
        } as MessageStatus;
      },
    },
    apps: {
      async revokeTokens(appId, accountId) {
        if (!deps.apps.has(appId)) throw new AdminError('not_found', `no app ${appId.slice(0, 64)}`);
        return tokens.revokeApp(appId, accountId);
      },
    },
    policy: {
      async evaluate(request) {
        const app = deps.apps.get(request.appId);
        const isOa = accounts.some((a) => a.id === request.accountId);
        if (!app || (!isOa && !corps.some((c) => c.id === request.accountId))) throw new AdminError('not_found', 'unknown account or app');
        const path = request.path.replace(/^\/cgi-bin\//, '');
        let classified;
        try {
          classified = isOa ? classifyOaSend(path, request.body) : classifyWecomSend(path, request.body);
        } catch (err) {
          if (err instanceof OutboundShapeError) throw new AdminError('invalid', `the request would be refused with errcode ${err.errcode}: ${err.detail}`);
          throw err;
        }
        const decision = await deps.policy.decide({
          id: '0', kind: classified.kind, product: classified.product, accountId: request.accountId, appId: app.id, msgtype: classified.msgtype,
          recipients: classified.recipients, texts: classified.texts, body: request.body, contentHash: classified.contentHash, submittedAt: request.atMs,
        }, { now: request.atMs });
        return decisionForApi(decision);
      },
    },
  };
}
