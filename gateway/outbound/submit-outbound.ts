/**
 * submitOutbound: one message from an internal app. Policy first; then the
 * archive record (body + decision), the message's state row, its recipients
 * and — when allowed — the delivery outbox row, all in ONE transaction; only
 * then is Tencent called (archive before effect). Allowed messages are
 * delivered inline so the app sees Tencent's own answer; held ones are
 * answered errcode 0 with the gateway msgid so SDKs do not retry.
 */
import type { AppConfig } from '../config/schema';
import type { ClassifiedOutbound } from '../../connectors/canonical/classified-outbound';
import type { Decision } from '../../connectors/canonical/decision';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import { OUTBOUND_MESSAGE_ENTITY, OUTBOUND_RECIPIENT_ENTITY, reasonCodesOf, type OutboundMessageRow, type OutboundStatus } from '../db/entities';
import type { OutboundDeps } from './outbound-deps';
import type { SubmittedPayload } from './submitted-payload';
import { deliverOutbound } from './deliver-outbound';
import { OutboundShapeError } from '../../connectors/canonical/outbound-shape';

export interface SubmitInput {
  app: AppConfig;
  accountId: string;
  classified: ClassifiedOutbound;
  body: Record<string, unknown>;
  /** A decision already made (a screened passive reply); the live policy decides otherwise. */
  decision?: Decision;
  /** The gateway's own disclosure (the consent notice): see DecideOptions.notRetail. */
  notRetail?: boolean;
}

/** What the compatible API answers the app: Tencent's JSON, plus the documented `cgw_*` extension fields. */
export type SubmitAnswer = Record<string, unknown> & { errcode: number; errmsg: string };

const PERSONAL_RECIPIENTS = new Set(['openid', 'external_userid', 'userid']);

/** Accept, decide, archive and (when allowed) deliver one outbound message. @throws OutboundShapeError 40003 for an openid of another account; the database's error when the archive cannot commit (answered -1). */
export async function submitOutbound(deps: OutboundDeps, input: SubmitInput): Promise<SubmitAnswer> {
  const now = deps.now();
  const { classified } = input;
  const message: OutboundMessage = {
    id: String(deps.nextMsgId(now)), kind: classified.kind, product: classified.product, accountId: input.accountId, appId: input.app.id,
    msgtype: classified.msgtype, recipients: classified.recipients, texts: classified.texts, body: input.body, contentHash: classified.contentHash, submittedAt: now,
  };
  // One read of the recipients' follower rows serves the account check here and the window rule in the policy; the
  // policy's other lookups (FINRA count, quotas, consent) go out while it is read, not after.
  const openids = classified.product === 'oa' ? classified.recipients.filter((r) => r.type === 'openid').map((r) => deps.subjectIndex(r.id)) : [];
  const reading = openids.length > 0 ? deps.contacts.followers(input.accountId, openids) : undefined;
  const deciding = input.decision ? Promise.resolve(input.decision) : deps.policy.decide(message, { ...(reading ? { followers: reading } : {}), ...(input.notRetail ? { notRetail: true } : {}) });
  deciding.catch(() => undefined); // awaited below unless the account check throws first
  const followers = await reading;
  if (followers?.elsewhere) throw new OutboundShapeError(40003, 'openid does not belong to this account');
  const decision = await deciding;
  const status: OutboundStatus = decision.outcome === 'deny' ? 'denied' : decision.outcome === 'hold' ? 'held' : 'queued';
  const ttlMs = decision.approval?.ttlMs ?? deps.config.heldTtlHours * 3_600_000;
  // A held customer-service message cannot outlive its 48-hour window: Tencent would refuse it (45015).
  const windowCloses = status === 'held' ? await deps.policy.windowClosesAt?.(message, followers) : null;
  const expiresAt = status === 'held' ? Math.min(now + ttlMs, windowCloses ?? Number.MAX_SAFE_INTEGER) : null;
  const submission = { input, message, decision, status, expiresAt, now };

  let archived = await archiveSubmission(deps, submission);
  // A msgid another replica drew in the same millisecond: the dedupe key says so; this message is not that one, so it takes a new id.
  for (let attempt = 1; archived.appended.duplicate; attempt++) {
    if (attempt >= 5) throw new Error('could not draw an unused msgid');
    deps.logger.warn({ msgid: archived.row.id }, 'outbound msgid already taken; drawing another');
    archived = await archiveSubmission(deps, { ...submission, message: { ...message, id: String(deps.nextMsgId(deps.now())) } });
  }
  const { row, payload, appended } = archived;
  const id = row.id;
  const cgw = { cgw_msgid: String(id), cgw_status: status, cgw_policy_version: decision.policyVersion };
  deps.observe?.submitted(classified.kind, status);
  deps.logger.info({ msgid: id, app: input.app.id, account: input.accountId, kind: classified.kind, status, reasons: row.reasonCodes, policyVersion: decision.policyVersion.slice(0, 12) }, 'outbound message accepted');

  if (status === 'denied') {
    const deny = decision.deny ?? { errcode: 48001, errmsg: 'policy denied' };
    return { errcode: deny.errcode, errmsg: deny.errmsg, ...cgw };
  }
  if (status === 'held') {
    await deps.audit.record({
      type: 'outbound.held', actor: { subject: `app:${input.app.id}`, via: 'app-token' }, target: String(id), contentHash: classified.contentHash, outcome: 'held',
      details: { reasons: row.reasonCodes, group: row.approvalGroup ?? '', approvals: row.approvalsRequired },
    });
    return { errcode: 0, errmsg: 'ok', msgid: id, ...(classified.kind === 'oa.mass' ? { msg_id: id, msg_data_id: id } : {}), ...cgw, cgw_reasons: reasonCodesOf(row) };
  }
  const outboxId = appended.outboxIds[0]?.id;
  if (!outboxId) return { errcode: 0, errmsg: 'ok', ...cgw };
  const delivered = await deliverOutbound(deps, outboxId, { inlineDeadlineMs: deps.config.inlineTimeoutMs, known: { msg: { ...row, recordId: appended.recordId }, submitted: payload } });
  if (delivered.state === 'delivered') return { ...delivered.response, errcode: 0, errmsg: String(delivered.response.errmsg ?? 'ok'), ...cgw, cgw_status: 'delivered' };
  if (delivered.state === 'rejected') return { errcode: delivered.errcode, errmsg: delivered.errmsg, ...cgw, cgw_status: 'failed' };
  // Tencent did not answer in time or asked for a retry: the gateway owns the retries now, so the app must not resend.
  return { errcode: 0, errmsg: 'ok', ...cgw, cgw_status: 'queued' };
}

interface Submission {
  input: SubmitInput;
  message: OutboundMessage;
  decision: Decision;
  status: OutboundStatus;
  expiresAt: number | null;
  now: number;
}

/**
 * Archive the submitted record with its message row and recipients in one
 * transaction. An allowed message's deliver row is created claimed by this
 * request, which delivers it inline right after; the sweeper takes it only if
 * that claim lapses (this process died).
 */
async function archiveSubmission(deps: OutboundDeps, s: Submission) {
  const { input, message, decision, status, now } = s;
  const { classified } = input;
  const id = Number(message.id);
  const single = classified.recipients.length === 1 ? classified.recipients[0] : undefined;
  const payload: SubmittedPayload = {
    message: { ...message, body: decision.body ?? input.body }, requestBody: input.body, tencentPath: classified.tencentPath, decision,
    ...(classified.secret ? { secret: classified.secret } : {}),
  };
  const row: OutboundMessageRow = {
    id, recordId: '', accountId: input.accountId, appId: input.app.id, kind: classified.kind, msgtype: classified.msgtype, status,
    outcome: decision.outcome, reasonCodes: [...new Set(decision.reasons.map((r) => r.code))].join(' ').slice(0, 1000), policyVersion: decision.policyVersion,
    contentHash: classified.contentHash, recipientCount: classified.recipients.length, approvalGroup: decision.approval?.group ?? null,
    approvalsRequired: decision.approval?.requiredApprovals ?? 0, approvalsCount: 0,
    windowSubjectBidx: classified.kind === 'oa.custom' && single ? deps.subjectIndex(single.id) : null, expiresAt: s.expiresAt,
    tencentMsgid: null, tencentErrcode: status === 'denied' ? (decision.deny?.errcode ?? null) : null, createdAt: now, updatedAt: now, finishedAt: status === 'denied' ? now : null,
  };
  const recipientRows = status === 'denied' ? [] : [...new Set(classified.recipients.filter((r) => PERSONAL_RECIPIENTS.has(r.type)).map((r) => deps.subjectIndex(r.id)))]
    .map((recipientBidx) => ({ messageId: id, recipientBidx, contentHash: classified.contentHash, createdAt: now }));
  const appended = await deps.archive.append({
    recordType: 'outbound.submitted',
    accountId: input.accountId,
    subject: single && PERSONAL_RECIPIENTS.has(single.type) ? single.id : null,
    occurredAtMs: now,
    dedupeKey: `outbound.submitted|${id}`,
    // A msgid this process just drew; another replica's clash is still caught (archive types: `fresh`).
    fresh: true,
    payload: payload as unknown as Record<string, unknown>,
    outbox: status === 'queued' ? [{ kind: 'deliver', target: 'tencent', claimMs: deps.config.claimMs }] : [],
    effects: async (tx, recordId) => {
      await tx.insert(OUTBOUND_MESSAGE_ENTITY, { ...row, recordId });
      if (recipientRows.length > 0) await tx.insert(OUTBOUND_RECIPIENT_ENTITY, recipientRows);
    },
  });
  return { row, payload, appended };
}
