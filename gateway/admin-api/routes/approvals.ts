/** The approvals operations: list, show (decrypted), approve, reject, comment. Thin: validate was done; the port decides. */
import type { ApprovalResult, ApprovalsPort } from '../ports';
import type { Handler, HandlerResult } from '../typed';
import { textHash } from './text-hash';

/** GET /approvals. */
export function listApprovalsHandler(approvals: ApprovalsPort): Handler<'listApprovals'> {
  return async ({ actor, query }) => {
    const page = await approvals.list({ ...query, limit: query.limit ?? 50 }, actor);
    const filter = { status: query.status, accountId: query.accountId, appId: query.appId };
    return { body: page, audit: { details: { filter, count: page.items.length } } };
  };
}

/** GET /approvals/{messageId}: reading the decrypted message is audited with its content hash. */
export function getApprovalHandler(approvals: ApprovalsPort): Handler<'getApproval'> {
  return async ({ actor, path }) => {
    const held = await approvals.get(path.messageId, actor);
    return { body: held, audit: { contentHash: held.contentHash, details: { status: held.status } } };
  };
}

/** POST /approvals/{messageId}/approve. */
export function approveHandler(approvals: ApprovalsPort): Handler<'approveMessage'> {
  return async ({ actor, path, body }) => {
    const note = body?.note;
    const result = await approvals.approve(path.messageId, actor, note);
    return decided(result, note === undefined ? {} : { noteHash: textHash(note), noteLength: note.length });
  };
}

/** POST /approvals/{messageId}/reject. */
export function rejectHandler(approvals: ApprovalsPort): Handler<'rejectMessage'> {
  return async ({ actor, path, body }) => {
    const result = await approvals.reject(path.messageId, actor, body.reason);
    return decided(result, { reasonHash: textHash(body.reason), reasonLength: body.reason.length });
  };
}

/** POST /approvals/{messageId}/comment. */
export function commentHandler(approvals: ApprovalsPort): Handler<'commentMessage'> {
  return async ({ actor, path, body }) => {
    const result = await approvals.comment(path.messageId, actor, body.text);
    return decided(result, { commentHash: textHash(body.text), commentLength: body.text.length });
  };
}

/** The answer and its audit evidence: who (the actor), what (the event), the content hash and the state after. */
function decided(result: ApprovalResult, textEvidence: Record<string, unknown>): HandlerResult<'approveMessage'> {
  return {
    body: result,
    audit: {
      contentHash: result.contentHash,
      details: { status: result.status, approvalsCount: result.approvalsCount, requiredApprovals: result.requiredApprovals, ...textEvidence },
    },
  };
}
