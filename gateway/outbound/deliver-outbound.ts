/**
 * deliverOutbound: the worker's command for a `deliver` outbox row. Claims the
 * row (one deliverer at a time, across replicas), calls Tencent with the real
 * token, archives Tencent's answer and moves the message to its final state
 * in one transaction. Retries only what Tencent says was not delivered (-1,
 * 45009, 5xx) or left unknown (timeout); never what it accepted or refused.
 */
import { OA_CONTACT_ENTITY, OUTBOUND_MESSAGE_ENTITY, OUTBOX_ENTITY, type OutboundMessageRow } from '../db/entities';
import { backoffMs } from '../outbox/outbox-store';
import type { OutboundDeps } from './outbound-deps';
import type { TencentOutcome } from './ports';
import type { SubmittedPayload } from './submitted-payload';

export type DeliveryState =
  | { state: 'delivered'; response: Record<string, unknown> }
  | { state: 'rejected'; errcode: number; errmsg: string }
  | { state: 'retrying' }
  | { state: 'skipped' };

/** What the submitting request already holds, so its inline delivery does not read it back from the database; its deliver row was created claimed by that request (submit-outbound.ts). */
export interface KnownDelivery {
  msg: OutboundMessageRow;
  submitted: SubmittedPayload;
}

/**
 * Deliver the message behind outbox row `outboxId`. With `inlineDeadlineMs`, resolve by then with `retrying` while the attempt goes on.
 * `known` (the submitting request's own row and payload, its deliver row created claimed) skips reading them back and claiming.
 */
export async function deliverOutbound(deps: OutboundDeps, outboxId: string, options: { inlineDeadlineMs?: number; known?: KnownDelivery } = {}): Promise<DeliveryState> {
  const attempt = options.known ? attemptKnown(deps, outboxId, options.known, options.inlineDeadlineMs !== undefined) : attemptDelivery(deps, outboxId);
  if (options.inlineDeadlineMs === undefined) return attempt;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DeliveryState>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'retrying' }), options.inlineDeadlineMs);
  });
  attempt.catch((err: unknown) => deps.logger.error({ outboxId, err }, 'outbound delivery failed; the sweeper will retry'));
  try {
    return await Promise.race([attempt.catch((): DeliveryState => ({ state: 'retrying' })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function attemptDelivery(deps: OutboundDeps, outboxId: string): Promise<DeliveryState> {
  const row = await deps.outbox.get(outboxId);
  if (!row || row.status !== 'pending' || row.kind !== 'deliver') return { state: 'skipped' };
  const now = deps.now();
  if (!(await deps.outbox.claim(outboxId, now, deps.config.claimMs))) return { state: 'skipped' };
  const trigger = await deps.reader.open(row.recordId);
  const messageId = Number((trigger.payload as { messageId?: string; message?: { id: string } }).messageId ?? (trigger.payload as { message: { id: string } }).message.id);
  const msg = await deps.messages.get(messageId);
  if (!msg || (msg.status !== 'queued' && msg.status !== 'approved')) {
    await deps.outbox.markDone(outboxId, now);
    return { state: 'skipped' };
  }
  // A deliver row written at submission points at the submitted record itself: do not load and decrypt it twice.
  const submitted = (msg.recordId === row.recordId ? trigger : await deps.reader.open(msg.recordId)).payload as unknown as SubmittedPayload;
  return sendAndRecord(deps, outboxId, row.attempts, msg, submitted);
}

// The inline attempt right after submission: the row is new (0 attempts), created claimed by the submitting request, and its content is in hand.
async function attemptKnown(deps: OutboundDeps, outboxId: string, known: KnownDelivery, answerFirst: boolean): Promise<DeliveryState> {
  return sendAndRecord(deps, outboxId, 0, known.msg, known.submitted, answerFirst);
}

/**
 * Call Tencent and record its answer. `answerFirst` (the app waits inline):
 * resolve with Tencent's final answer as soon as it is in, while its record
 * commits; the app then waits for one archive commit (its submission's),
 * not two. What the app is told is Tencent's own answer either way, and the
 * message is already archived; should the record fail to commit, the row's
 * claim lapses and the sweeper retries, as after a crash at this point.
 */
async function sendAndRecord(deps: OutboundDeps, outboxId: string, priorAttempts: number, msg: OutboundMessageRow, submitted: SubmittedPayload, answerFirst = false): Promise<DeliveryState> {
  const record = async (recording: Promise<void>) => {
    if (!answerFirst) return recording;
    recording.catch((err: unknown) => deps.logger.error({ msgid: msg.id, outboxId, err }, "recording Tencent's answer failed; the message is retried once its claim lapses"));
  };
  const target = { product: submitted.message.product, accountId: msg.accountId, ...(submitted.secret ? { secret: submitted.secret } : {}) };
  const outcome = await deps.tencent.send(target, submitted.tencentPath, submitted.message.body, deps.config.claimMs / 2);
  const attempts = priorAttempts + 1;
  deps.observe?.delivery(msg.kind, outcome.ok ? 'delivered' : outcome.retry === 'never' || attempts >= deps.config.maxAttempts ? 'failed' : 'retry');
  if (outcome.ok) {
    deps.logger.info({ msgid: msg.id, kind: msg.kind, attempts }, 'outbound message delivered');
    await record(finish(deps, msg, outboxId, attempts, outcome, 'delivered'));
    return { state: 'delivered', response: outcome.response };
  }
  if (outcome.retry === 'never' || attempts >= deps.config.maxAttempts) {
    deps.logger.warn({ msgid: msg.id, kind: msg.kind, attempts, errcode: outcome.errcode }, outcome.retry === 'never' ? 'Tencent refused the outbound message; not retried' : 'outbound message failed after its last attempt');
  }
  if (outcome.retry === 'never') {
    await record(finish(deps, msg, outboxId, attempts, outcome, 'failed'));
    return { state: 'rejected', errcode: outcome.errcode ?? -1, errmsg: outcome.errmsg };
  }
  if (attempts >= deps.config.maxAttempts) {
    await finish(deps, msg, outboxId, attempts, outcome, 'failed');
    return { state: 'retrying' };
  }
  const delay = backoffMs(attempts, deps.config.backoffBaseMs, deps.config.backoffMaxMs);
  deps.logger.warn({ msgid: msg.id, kind: msg.kind, attempts, errcode: outcome.errcode, delivered: outcome.delivered, retryInMs: delay }, 'outbound delivery not confirmed by Tencent; retrying');
  const later = deps.now();
  await deps.outbox.markAttemptFailed(outboxId, attempts, later + delay, `tencent errcode ${outcome.errcode ?? 'none'} (${outcome.delivered === 'unknown' ? 'outcome unknown' : 'not delivered'})`, false, later);
  deps.schedule(outboxId, attempts, delay);
  return { state: 'retrying' };
}

/** Archive Tencent's final answer; in the same transaction set the message's final state, close the outbox row, count the window, and queue the app's notification. */
async function finish(deps: OutboundDeps, msg: OutboundMessageRow, outboxId: string, attempts: number, outcome: TencentOutcome, status: 'delivered' | 'failed'): Promise<void> {
  const now = deps.now();
  const app = deps.apps.get(msg.appId);
  const notify = app?.eventsUrl && msg.outcome === 'hold';
  const tencentMsgid = outcome.ok ? pickMsgid(outcome.response) : null;
  const errcode = outcome.ok ? 0 : outcome.errcode;
  await deps.archive.append({
    recordType: 'outbound.delivery',
    accountId: msg.accountId,
    subject: null,
    occurredAtMs: now,
    dedupeKey: `outbound.delivery|${msg.id}`,
    // Nearly always new: a second deliverer finishing the same message is the rare clash the writer's rerun answers as a duplicate.
    fresh: true,
    payload: { messageId: String(msg.id), status, attempts, ...(outcome.ok ? { response: outcome.response } : { errcode: outcome.errcode, errmsg: outcome.errmsg, delivered: outcome.delivered }) },
    outbox: notify ? [{ kind: 'notify', target: msg.appId }] : [],
    // Group-committed with other records: these effects are compare-and-set updates that change nothing when
    // the state moved on, and never throw for business reasons, so they can share a transaction — and, being
    // the same for every delivery of the batch but for the row, are written as one UPDATE per table (timestamps:
    // the batch's time, when the outcome became part of the record).
    effects: async (tx) => {
      const at = tx.nowMs;
      tx.updateGathered(OUTBOUND_MESSAGE_ENTITY, 'id', { id: msg.id, status: msg.status }, { status, tencentMsgid, tencentErrcode: errcode, updatedAt: at, finishedAt: at });
      tx.updateGathered(OUTBOX_ENTITY, 'id', { id: outboxId, status: 'pending' }, { status: status === 'delivered' ? 'done' : 'failed', attempts, doneAt: at, updatedAt: at, lastError: status === 'failed' ? `tencent errcode ${errcode}` : null });
      if (status === 'delivered' && msg.kind === 'oa.custom' && msg.windowSubjectBidx) {
        // Incremented in SQL, not read-then-written: two deliveries to one follower in concurrent transactions must both count.
        tx.updateGathered(OA_CONTACT_ENTITY, 'openidBidx', { accountId: msg.accountId, openidBidx: msg.windowSubjectBidx }, { sentSince: () => 'sent_since + 1', updatedAt: at });
      }
    },
  }).then((r) => r.outboxIds.forEach((o) => deps.schedule(o.id)));
}

function pickMsgid(response: Record<string, unknown>): string | null {
  const v = response.msgid ?? response.msg_id;
  return v === undefined || v === null ? null : String(v).slice(0, 64);
}
