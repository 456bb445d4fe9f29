/**
 * Customers to WeCom, ≤ 100 per call (transfer_customer in service,
 * resigned/transfer_customer for an RM who left). Each call is three steps:
 *
 * 1. `transfer.request` archived with the exact request, and its customers
 *    moved pending → calling in the same transaction (compare-and-set: of two
 *    replicas only one can, so no customer is sent twice); the 2-in-90-days
 *    rule is checked again here and customers over it are skipped.
 * 2. The call.
 * 3. `transfer.answer` archived with WeCom's answer, each customer moved to
 *    waiting (errcode 0: WeCom started the hand-over, the takeover is 24 h
 *    later) or rejected (its errcode); a failed call puts the customers back
 *    to pending (WeCom answered an error: nothing was started), fails them
 *    (an error retrying cannot fix), or leaves them calling when the answer
 *    was lost — those are settled from transfer_result before anything is
 *    sent again (`resolveCustomersInDoubt`), never sent blind.
 */
import { randomUUID } from 'node:crypto';
import { In, IsNull } from 'typeorm';
import type { EffectTransaction } from '../archive/types';
import { HANDOVER_ITEM_ENTITY, HANDOVER_JOB_ENTITY, type HandoverItemRow } from '../db/entities';
import { capVerdict } from './cap';
import { auditStep, backoffMs, corpIdOf, StaleHandoverState, type HandoverDeps } from './deps';
import { failHandover } from './finish';
import { handoverEntry } from './records';
import { openItem } from './sealing';
import type { OpenItem, OpenJob } from './types';
import { callWecom, transferBody, transferErrcodes, transferResults, WECOM_PATHS, WecomCallFailure } from './wecom-api';

const DAY_MS = 86_400_000;

/** How a step ended: on to the next, or stop this run (retry later, lost a race, or the job failed). */
export type StepOutcome = 'ok' | 'stop';

/** What a per-customer errcode means, safe to show. */
export function customerErrcodeDetail(errcode: number): string {
  switch (errcode) {
    case 40096: return 'WeCom: not a customer of the corp (invalid external_userid)';
    case 84061: return 'WeCom: not a customer of the handover RM';
    case 40128: return 'WeCom: transferred too often (at most 2 in-service transfers per customer in 90 days)';
    case 40129: return 'WeCom: a transfer of this customer is already waiting';
    case 40130: return 'WeCom: handover and takeover RM are the same member';
    default: return `WeCom errcode ${errcode}`;
  }
}

/** Move `ids` from `from` to the new values, or throw StaleHandoverState when another replica moved one first. */
export async function moveItems(tx: EffectTransaction, ids: readonly string[], where: Record<string, unknown>, set: Record<string, unknown>): Promise<void> {
  if (ids.length === 0) return;
  const changed = await tx.update(HANDOVER_ITEM_ENTITY, { id: In([...ids]), ...where }, set);
  if (changed !== ids.length) throw new StaleHandoverState(`expected to move ${ids.length} hand-over items, moved ${changed}`);
}

/** A step went through: the retry count and its note go (a failure for good stays). */
export async function clearRetry(tx: EffectTransaction, jobId: string, at: number): Promise<void> {
  await tx.update(HANDOVER_JOB_ENTITY, { id: jobId }, { attempts: 0, updatedAt: at });
  await tx.update(HANDOVER_JOB_ENTITY, { id: jobId, failureCode: IsNull() }, { failureDetail: null });
}

/** Send every pending customer, chunk by chunk. */
export async function transferPendingCustomers(deps: HandoverDeps, job: OpenJob, keepLease: () => Promise<boolean>): Promise<StepOutcome> {
  for (;;) {
    const rows = await deps.store.itemsOf(job.row.id, 'customer', ['pending'], deps.config.batchSize);
    if (rows.length === 0) return 'ok';
    if ((await transferChunk(deps, job, rows)) === 'stop') return 'stop';
    if (!(await keepLease())) return 'stop';
  }
}

async function transferChunk(deps: HandoverDeps, job: OpenJob, rows: HandoverItemRow[]): Promise<StepOutcome> {
  const now = deps.now();
  const corpId = corpIdOf(deps, job.row.corpId);
  const items = rows.map((row) => openItem(deps.keyStore, row));
  const skipped: { item: OpenItem; detail: string; nextAllowedAt: number | null }[] = [];
  let send = items;
  if (job.mode === 'in-service') {
    // Again, right before calling: another hand-over may have moved these customers since this one started.
    const counting = await deps.store.countingTransfers(job.row.corpId, items.map((i) => i.row.subjectBidx!), now - deps.config.capWindowDays * DAY_MS, job.row.id);
    send = [];
    for (const item of items) {
      const verdict = capVerdict(counting.get(item.row.subjectBidx!) ?? [], now, deps.config.capPerCustomer, deps.config.capWindowDays);
      if (verdict.allowed) send.push(item);
      else skipped.push({ item, detail: verdict.detail, nextAllowedAt: verdict.nextAllowedAt });
    }
  }
  const attempt = randomUUID();
  const body = transferBody(job.mode, job.secrets.handoverUserid, job.secrets.takeoverUserid, send.map((i) => i.ref), job.secrets.transferSuccessMsg);
  const path = WECOM_PATHS.transfer[job.mode];
  const sendIds = send.map((i) => i.row.id);
  const request = handoverEntry({
    job, corpId, step: 'transfer.request', dedupe: [attempt], subject: null, occurredAtMs: now,
    facts: {
      attempt, path, ...(send.length > 0 ? { request: body } : {}), externalUserIds: send.map((i) => i.ref),
      skippedBeforeCalling: skipped.map((s) => ({ externalUserId: s.item.ref, reason: 'cap.90_days', detail: s.detail, nextAllowedAt: s.nextAllowedAt })),
    },
    effects: async (tx, recordId) => {
      await moveItems(tx, sendIds, { status: 'pending' }, { status: 'calling', callRecordId: recordId, updatedAt: now });
      for (const s of skipped) await moveItems(tx, [s.item.row.id], { status: 'pending' }, { status: 'skipped', reason: 'cap.90_days', detail: s.detail.slice(0, 256), updatedAt: now });
    },
  });
  const finals = skipped.map((s) => handoverEntry({
    job, corpId, step: 'customer.final', dedupe: [s.item.ref, 'skipped', attempt], subject: s.item.ref, occurredAtMs: now,
    facts: { externalUserId: s.item.ref, status: 'skipped', reason: 'cap.90_days', detail: s.detail, nextAllowedAt: s.nextAllowedAt },
  }));
  let requestRecordId: string;
  try {
    requestRecordId = (await deps.archive.appendAll([request, ...finals]))[0]!.recordId;
  } catch (err) {
    if (err instanceof StaleHandoverState) return 'stop';
    throw err;
  }
  if (send.length === 0) return 'ok';

  let answer: Record<string, unknown>;
  try {
    answer = await callWecom(deps.call, job.row.corpId, { method: 'POST', path, json: body });
  } catch (err) {
    if (!(err instanceof WecomCallFailure)) throw err;
    return transferFailed(deps, job, corpId, send, requestRecordId, attempt, err);
  }

  const errcodes = transferErrcodes(answer, send.map((i) => i.ref));
  const accepted = send.filter((i) => errcodes.get(i.ref) === 0);
  const rejected = send.filter((i) => errcodes.has(i.ref) && errcodes.get(i.ref) !== 0);
  // A customer the answer leaves out stays `calling`: the next run settles it from transfer_result.
  const unanswered = send.filter((i) => !errcodes.has(i.ref));
  const at = deps.now();
  const answerEntry = handoverEntry({
    job, corpId, step: 'transfer.answer', dedupe: [attempt], subject: null, occurredAtMs: at,
    facts: { attempt, path, requestRecordId, answer, accepted: accepted.map((i) => i.ref), rejected: rejected.map((i) => ({ externalUserId: i.ref, errcode: errcodes.get(i.ref) })), unanswered: unanswered.map((i) => i.ref) },
    effects: async (tx) => {
      await moveItems(tx, accepted.map((i) => i.row.id), { status: 'calling', callRecordId: requestRecordId }, { status: 'waiting', acceptedAt: at, errcode: 0, updatedAt: at });
      for (const item of rejected) {
        const errcode = errcodes.get(item.ref)!;
        await moveItems(tx, [item.row.id], { status: 'calling', callRecordId: requestRecordId }, { status: 'rejected', errcode, reason: `wecom.${errcode}`, detail: customerErrcodeDetail(errcode), updatedAt: at });
      }
      await clearRetry(tx, job.row.id, at);
    },
  });
  const rejectedFinals = rejected.map((item) => handoverEntry({
    job, corpId, step: 'customer.final', dedupe: [item.ref, 'rejected', attempt], subject: item.ref, occurredAtMs: at,
    facts: { externalUserId: item.ref, status: 'rejected', errcode: errcodes.get(item.ref), reason: `wecom.${errcodes.get(item.ref)}`, detail: customerErrcodeDetail(errcodes.get(item.ref)!) },
  }));
  try {
    await deps.archive.appendAll([answerEntry, ...rejectedFinals]);
  } catch (err) {
    if (err instanceof StaleHandoverState) return 'stop';
    throw err;
  }
  const byErrcode: Record<string, number> = {};
  for (const item of rejected) byErrcode[String(errcodes.get(item.ref))] = (byErrcode[String(errcodes.get(item.ref))] ?? 0) + 1;
  job.row.attempts = 0;
  await auditStep(deps, 'handover.transfer', job, 'success', { items: 'customers', sent: send.length, accepted: accepted.length, rejectedByErrcode: byErrcode, unanswered: unanswered.length, skippedBeforeCalling: skipped.length, requestRecordId });
  return 'ok';
}

/** A transfer call that failed: back to pending, failed for good, or left in doubt (answer lost). */
async function transferFailed(deps: HandoverDeps, job: OpenJob, corpId: string, send: OpenItem[], requestRecordId: string, attempt: string, err: WecomCallFailure): Promise<StepOutcome> {
  const at = deps.now();
  const attempts = job.row.attempts + 1;
  const giveUp = err.retry === 'never' || attempts > deps.config.maxAttempts;
  const ids = send.map((i) => i.row.id);
  const inDoubt = err.delivered === 'unknown';
  const detail = err.errcode === 40097
    ? 'WeCom says the handover RM has not left (40097): a resigned hand-over needs a member who has left WeCom; start an in-service hand-over instead'
    : `${err.code}: ${err.message}`.slice(0, 512);
  const entry = handoverEntry({
    job, corpId, step: 'transfer.answer', dedupe: [attempt], subject: null, occurredAtMs: at,
    facts: { attempt, path: err.path, requestRecordId, failure: { code: err.code, errcode: err.errcode, retry: err.retry, delivered: err.delivered, message: err.message }, externalUserIds: send.map((i) => i.ref) },
    effects: async (tx) => {
      // In doubt, the customers stay `calling` until transfer_result settles them; otherwise WeCom started nothing.
      if (!inDoubt && giveUp) await moveItems(tx, ids, { status: 'calling', callRecordId: requestRecordId }, { status: 'failed', errcode: err.errcode, reason: err.code, detail: detail.slice(0, 256), updatedAt: at });
      else if (!inDoubt) await moveItems(tx, ids, { status: 'calling', callRecordId: requestRecordId }, { status: 'pending', callRecordId: null, updatedAt: at });
      await tx.update(HANDOVER_JOB_ENTITY, { id: job.row.id }, { attempts, nextRunAt: at + backoffMs(deps.config, attempts), failureDetail: `retrying after ${detail}`.slice(0, 512), updatedAt: at });
    },
  });
  try {
    await deps.archive.append(entry);
  } catch (e) {
    if (e instanceof StaleHandoverState) return 'stop';
    throw e;
  }
  await auditStep(deps, 'handover.transfer', job, 'failure', { items: 'customers', sent: send.length, code: err.code, retry: err.retry, delivered: err.delivered, attempts, requestRecordId });
  deps.logger.warn({ handover: job.row.id, code: err.code, retry: err.retry, delivered: err.delivered, attempts }, 'hand-over transfer call failed');
  if (giveUp) await failHandover(deps, { ...job, row: { ...job.row, attempts } }, err.code, detail);
  return 'stop';
}

/**
 * Customers left `calling` by a call whose answer was lost: ask transfer_result instead of calling
 * again. Waiting, or taken over since the call: WeCom took the call (no second transfer); not
 * listed, or known only from before the call: pending, sent again. A refusal or limit answer
 * (takeover_time 0) cannot be dated and is sent again (if it was ours, a second transfer that
 * counts towards the 2 in 90 days).
 */
export async function resolveCustomersInDoubt(deps: HandoverDeps, job: OpenJob): Promise<StepOutcome> {
  const rows = await deps.store.itemsOf(job.row.id, 'customer', ['calling']);
  if (rows.length === 0) return 'ok';
  const corpId = corpIdOf(deps, job.row.corpId);
  let states;
  try {
    states = await transferResults(deps.call, job.row.corpId, job.mode, job.secrets.handoverUserid, job.secrets.takeoverUserid);
  } catch (err) {
    if (!(err instanceof WecomCallFailure)) throw err;
    const attempts = job.row.attempts + 1;
    const at = deps.now();
    await deps.store.schedule(job.row.id, { attempts, nextRunAt: at + backoffMs(deps.config, attempts), failureDetail: `settling a lost transfer answer: ${err.message}`.slice(0, 512), updatedAt: at });
    if (err.retry === 'never' || attempts > deps.config.maxAttempts) await failHandover(deps, { ...job, row: { ...job.row, attempts } }, err.code, `a transfer call's answer was lost and transfer_result could not settle it (${err.code}); check these customers in WeCom`);
    return 'stop';
  }
  const at = deps.now();
  const accepted: { item: OpenItem; status: 'waiting' | 'succeeded'; takeoverAt: number | null }[] = [];
  const again: OpenItem[] = [];
  for (const item of rows.map((row) => openItem(deps.keyStore, row))) {
    const state = states.get(item.ref);
    const calledAt = item.row.updatedAt;
    if (state?.status === 2) accepted.push({ item, status: 'waiting', takeoverAt: null });
    else if (state?.status === 1 && state.takeoverTime * 1000 >= calledAt) accepted.push({ item, status: 'succeeded', takeoverAt: state.takeoverTime * 1000 });
    else again.push(item);
  }
  const entry = handoverEntry({
    job, corpId, step: 'transfer.resolved', dedupe: [randomUUID()], subject: null, occurredAtMs: at,
    facts: {
      path: WECOM_PATHS.result[job.mode],
      acceptedByWecom: accepted.map((a) => ({ externalUserId: a.item.ref, status: a.status })),
      sentAgain: again.map((i) => i.ref),
    },
    effects: async (tx) => {
      for (const a of accepted) {
        await moveItems(tx, [a.item.row.id], { status: 'calling', callRecordId: a.item.row.callRecordId }, { status: a.status, errcode: 0, acceptedAt: a.item.row.updatedAt, takeoverAt: a.takeoverAt, ...(a.status === 'succeeded' ? { reason: 'taken_over' } : {}), updatedAt: at });
      }
      await moveItems(tx, again.map((i) => i.row.id), { status: 'calling' }, { status: 'pending', callRecordId: null, updatedAt: at });
      await clearRetry(tx, job.row.id, at);
    },
  });
  const finals = accepted.filter((a) => a.status === 'succeeded').map((a) => handoverEntry({
    job, corpId, step: 'customer.final', dedupe: [a.item.ref, 'succeeded'], subject: a.item.ref, occurredAtMs: at,
    facts: { externalUserId: a.item.ref, status: 'succeeded', takeoverTime: a.takeoverAt, settledFrom: 'transfer_result' },
  }));
  try {
    await deps.archive.appendAll([entry, ...finals]);
  } catch (err) {
    if (err instanceof StaleHandoverState) return 'stop';
    throw err;
  }
  await auditStep(deps, 'handover.resolved', job, 'success', { items: 'customers', acceptedByWecom: accepted.length, sentAgain: again.length });
  return 'ok';
}
