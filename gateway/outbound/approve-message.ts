/**
 * Approve, reject or comment on a held message. Each action is an archive
 * record (who, when, what, the message's content hash, the note) committed
 * in its own transaction with a compare-and-set on the message's state, so
 * two officers racing cannot both take the last approval or approve a
 * message another just rejected. The last required approval releases the
 * message: it is re-evaluated against the live policy first (consent
 * withdrawn or window closed since ⇒ not sent).
 */
import { randomUUID } from 'node:crypto';
import { APPROVAL_ACTION_ENTITY, OUTBOUND_MESSAGE_ENTITY, type OutboundMessageRow } from '../db/entities';
import { ApprovalError, type ApprovalActor } from './approval-errors';
import type { OutboundDeps } from './outbound-deps';
import type { SubmittedPayload } from './submitted-payload';

export type ApprovalAction = 'approve' | 'reject' | 'comment';

async function loadHeld(deps: OutboundDeps, messageId: number, action: ApprovalAction): Promise<OutboundMessageRow> {
  const msg = await deps.messages.get(messageId);
  // A message the policy let through (or denied) at submission was never up for approval.
  if (!msg || msg.outcome !== 'hold') throw new ApprovalError('not_found', `no held outbound message ${messageId}`);
  if (action === 'comment') return msg;
  if (msg.status !== 'held') throw new ApprovalError('not_pending', `message ${messageId} is ${msg.status}, not held`);
  if (msg.expiresAt !== null && msg.expiresAt <= deps.now()) throw new ApprovalError('expired', `message ${messageId} expired awaiting approval`);
  return msg;
}

function checkApprover(deps: OutboundDeps, msg: OutboundMessageRow, actor: ApprovalActor): void {
  const owners = deps.apps.get(msg.appId)?.owners ?? [];
  if (actor.groups.some((g) => owners.includes(g))) throw new ApprovalError('self_approval', `members of the requesting app's owner group may not approve or reject its messages`);
  // The local admin token of the embedded default stands for the operator, who is in every approval group.
  if (msg.approvalGroup && actor.via !== 'local-token' && !actor.groups.includes(msg.approvalGroup)) {
    throw new ApprovalError('not_in_group', `approval group "${msg.approvalGroup}" is required`);
  }
}

/** Record one approval action; resolves with the message's state afterwards. @throws ApprovalError */
export async function actOnMessage(deps: OutboundDeps, messageId: number, actor: ApprovalActor, action: ApprovalAction, note?: string): Promise<OutboundMessageRow> {
  if ((action === 'reject' || action === 'comment') && (!note || note.trim() === '')) throw new ApprovalError('invalid', `${action} needs ${action === 'reject' ? 'a reason' : 'a text'}`);
  const msg = await loadHeld(deps, messageId, action);
  if (action !== 'comment') checkApprover(deps, msg, actor);
  if (action === 'approve') {
    const prior = await deps.messages.actions(messageId);
    if (prior.some((a) => a.action === 'approve' && a.actor === actor.subject)) throw new ApprovalError('duplicate_approver', `${actor.subject} already approved this message; a second, different approver is required`);
  }
  const now = deps.now();
  const approvals = msg.approvalsCount + (action === 'approve' ? 1 : 0);
  const releases = action === 'approve' && approvals >= Math.max(1, msg.approvalsRequired);
  let nextStatus: OutboundMessageRow['status'] = msg.status;
  let releaseDecision: unknown;
  if (action === 'reject') nextStatus = 'rejected';
  if (releases) {
    const submitted = (await deps.reader.open(msg.recordId)).payload as unknown as SubmittedPayload;
    const decision = await deps.policy.decide(submitted.message, { atRelease: true });
    releaseDecision = decision;
    nextStatus = decision.outcome === 'deny' ? 'denied' : 'approved';
  }
  const final = nextStatus === 'rejected' || nextStatus === 'denied';
  const notify = final && Boolean(deps.apps.get(msg.appId)?.eventsUrl);
  const appended = await deps.archive.append({
    recordType: 'outbound.approval',
    accountId: msg.accountId,
    subject: null,
    occurredAtMs: now,
    dedupeKey: `outbound.approval|${messageId}|${randomUUID()}`,
    payload: {
      messageId: String(messageId), action, actor: { subject: actor.subject, via: actor.via, groups: [...actor.groups] }, note: note ?? null,
      contentHash: msg.contentHash, statusBefore: msg.status, statusAfter: nextStatus, ...(releaseDecision ? { releaseDecision } : {}),
    },
    outbox: [...(nextStatus === 'approved' ? [{ kind: 'deliver' as const, target: 'tencent' }] : []), ...(notify ? [{ kind: 'notify' as const, target: msg.appId }] : [])],
    exclusive: true,
    effects: async (tx, recordId) => {
      await tx.insert(APPROVAL_ACTION_ENTITY, {
        id: randomUUID(), messageId, actor: actor.subject.slice(0, 256), action, actionKey: action === 'approve' ? `approve|${actor.subject}`.slice(0, 300) : `${action}|${randomUUID()}`, recordId, at: now,
      });
      if (action === 'comment') return;
      const changed = await tx.update(OUTBOUND_MESSAGE_ENTITY, { id: messageId, status: 'held', approvalsCount: msg.approvalsCount }, {
        approvalsCount: approvals, status: nextStatus, updatedAt: now, ...(final ? { finishedAt: now } : {}),
      });
      if (changed !== 1) throw new ApprovalError('not_pending', `message ${messageId} changed while this ${action} was recorded; reload and retry`);
    },
  });
  appended.outboxIds.forEach((o) => deps.schedule(o.id));
  // The action itself (admin.approval.*) is audited once, by the admin API that received it; here only
  // what it did to the message: released, denied at release, or rejected for good.
  const actorOf = { subject: actor.subject, via: actor.via };
  if (releases) {
    await deps.audit.record({
      type: nextStatus === 'approved' ? 'outbound.released' : 'outbound.denied_at_release', actor: actorOf, target: String(messageId), contentHash: msg.contentHash, outcome: nextStatus,
      details: { reasons: ((releaseDecision as { reasons?: { code: string }[] }).reasons ?? []).map((r) => r.code).join(' '), approvals, recordId: appended.recordId },
    });
  }
  if (action === 'reject') {
    await deps.audit.record({ type: 'outbound.rejected', actor: actorOf, target: String(messageId), contentHash: msg.contentHash, outcome: nextStatus, details: { recordId: appended.recordId } });
  }
  return (await deps.messages.get(messageId)) ?? msg;
}
