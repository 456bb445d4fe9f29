/**
 * Customer groups to the takeover RM, ≤ 100 per call
 * (groupchat/onjob_transfer in service, groupchat/transfer for an RM who
 * left): the same request → call → answer steps as customers
 * (transfer-customers.ts). WeCom moves a group at once, so an answered group
 * is final: succeeded, or rejected with its errcode from failed_chat_list.
 * A group whose answer was lost is settled with groupchat/get: the takeover
 * RM owns it already (succeeded) or it is sent again.
 */
import { randomUUID } from 'node:crypto';
import { HANDOVER_JOB_ENTITY, type HandoverItemRow } from '../db/entities';
import { auditStep, backoffMs, corpIdOf, StaleHandoverState, type HandoverDeps } from './deps';
import { failHandover } from './finish';
import { handoverEntry } from './records';
import { openItem } from './sealing';
import { clearRetry, moveItems, type StepOutcome } from './transfer-customers';
import type { OpenItem, OpenJob } from './types';
import { callWecom, groupErrcodes, groupOwner, WECOM_PATHS, WecomCallFailure } from './wecom-api';

/** What a per-group errcode means, safe to show. */
export function groupErrcodeDetail(errcode: number): string {
  switch (errcode) {
    case 90500: return 'WeCom: the group owner has not left (use an in-service hand-over)';
    case 90501: return 'WeCom: not a customer group';
    case 90502: return 'WeCom: the group owner has left (use a resigned hand-over)';
    case 90504: return 'WeCom: the takeover RM already owns the group';
    default: return `WeCom errcode ${errcode}`;
  }
}

/** Send every pending group, chunk by chunk. */
export async function transferPendingGroups(deps: HandoverDeps, job: OpenJob, keepLease: () => Promise<boolean>): Promise<StepOutcome> {
  for (;;) {
    const rows = await deps.store.itemsOf(job.row.id, 'group', ['pending'], deps.config.batchSize);
    if (rows.length === 0) return 'ok';
    if ((await transferGroupChunk(deps, job, rows)) === 'stop') return 'stop';
    if (!(await keepLease())) return 'stop';
  }
}

async function transferGroupChunk(deps: HandoverDeps, job: OpenJob, rows: HandoverItemRow[]): Promise<StepOutcome> {
  const now = deps.now();
  const corpId = corpIdOf(deps, job.row.corpId);
  const groups = rows.map((row) => openItem(deps.keyStore, row));
  const attempt = randomUUID();
  const path = WECOM_PATHS.groupTransfer[job.mode];
  const body = { chat_id_list: groups.map((g) => g.ref), new_owner: job.secrets.takeoverUserid };
  const ids = groups.map((g) => g.row.id);
  let requestRecordId: string;
  try {
    requestRecordId = (await deps.archive.append(handoverEntry({
      job, corpId, step: 'groups.request', dedupe: [attempt], subject: null, occurredAtMs: now,
      facts: { attempt, path, request: body },
      effects: (tx, recordId) => moveItems(tx, ids, { status: 'pending' }, { status: 'calling', callRecordId: recordId, updatedAt: now }),
    }))).recordId;
  } catch (err) {
    if (err instanceof StaleHandoverState) return 'stop';
    throw err;
  }

  let answer: Record<string, unknown>;
  try {
    answer = await callWecom(deps.call, job.row.corpId, { method: 'POST', path, json: body });
  } catch (err) {
    if (!(err instanceof WecomCallFailure)) throw err;
    return groupsFailed(deps, job, corpId, groups, requestRecordId, attempt, err);
  }
  const failed = groupErrcodes(answer);
  const at = deps.now();
  const moved = groups.filter((g) => !failed.has(g.ref));
  const rejected = groups.filter((g) => failed.has(g.ref));
  try {
    await deps.archive.append(handoverEntry({
      job, corpId, step: 'groups.answer', dedupe: [attempt], subject: null, occurredAtMs: at,
      facts: { attempt, path, requestRecordId, answer, moved: moved.map((g) => g.ref), rejected: rejected.map((g) => ({ chatId: g.ref, errcode: failed.get(g.ref) })) },
      effects: async (tx) => {
        await moveItems(tx, moved.map((g) => g.row.id), { status: 'calling', callRecordId: requestRecordId }, { status: 'succeeded', errcode: 0, reason: 'new_owner', takeoverAt: at, updatedAt: at });
        for (const g of rejected) {
          const errcode = failed.get(g.ref)!;
          await moveItems(tx, [g.row.id], { status: 'calling', callRecordId: requestRecordId }, { status: 'rejected', errcode, reason: `wecom.${errcode}`, detail: groupErrcodeDetail(errcode), updatedAt: at });
        }
        await clearRetry(tx, job.row.id, at);
      },
    }));
  } catch (err) {
    if (err instanceof StaleHandoverState) return 'stop';
    throw err;
  }
  job.row.attempts = 0;
  const byErrcode: Record<string, number> = {};
  for (const g of rejected) byErrcode[String(failed.get(g.ref))] = (byErrcode[String(failed.get(g.ref))] ?? 0) + 1;
  await auditStep(deps, 'handover.transfer', job, 'success', { items: 'groups', sent: groups.length, accepted: moved.length, rejectedByErrcode: byErrcode, requestRecordId });
  return 'ok';
}

async function groupsFailed(deps: HandoverDeps, job: OpenJob, corpId: string, groups: OpenItem[], requestRecordId: string, attempt: string, err: WecomCallFailure): Promise<StepOutcome> {
  const at = deps.now();
  const attempts = job.row.attempts + 1;
  const giveUp = err.retry === 'never' || attempts > deps.config.maxAttempts;
  const inDoubt = err.delivered === 'unknown';
  const ids = groups.map((g) => g.row.id);
  const detail = `${err.code}: ${err.message}`.slice(0, 512);
  try {
    await deps.archive.append(handoverEntry({
      job, corpId, step: 'groups.answer', dedupe: [attempt], subject: null, occurredAtMs: at,
      facts: { attempt, path: err.path, requestRecordId, failure: { code: err.code, errcode: err.errcode, retry: err.retry, delivered: err.delivered, message: err.message }, chatIds: groups.map((g) => g.ref) },
      effects: async (tx) => {
        if (!inDoubt && giveUp) await moveItems(tx, ids, { status: 'calling', callRecordId: requestRecordId }, { status: 'failed', errcode: err.errcode, reason: err.code, detail: detail.slice(0, 256), updatedAt: at });
        else if (!inDoubt) await moveItems(tx, ids, { status: 'calling', callRecordId: requestRecordId }, { status: 'pending', callRecordId: null, updatedAt: at });
        await tx.update(HANDOVER_JOB_ENTITY, { id: job.row.id }, { attempts, nextRunAt: at + backoffMs(deps.config, attempts), failureDetail: `retrying after ${detail}`.slice(0, 512), updatedAt: at });
      },
    }));
  } catch (e) {
    if (e instanceof StaleHandoverState) return 'stop';
    throw e;
  }
  await auditStep(deps, 'handover.transfer', job, 'failure', { items: 'groups', sent: groups.length, code: err.code, retry: err.retry, delivered: err.delivered, attempts, requestRecordId });
  if (giveUp) await failHandover(deps, { ...job, row: { ...job.row, attempts } }, err.code, detail);
  return 'stop';
}

/** Groups left `calling` by a lost answer: owned by the takeover RM now (succeeded) or sent again. */
export async function resolveGroupsInDoubt(deps: HandoverDeps, job: OpenJob): Promise<StepOutcome> {
  const rows = await deps.store.itemsOf(job.row.id, 'group', ['calling']);
  if (rows.length === 0) return 'ok';
  const corpId = corpIdOf(deps, job.row.corpId);
  const owned: OpenItem[] = [];
  const again: OpenItem[] = [];
  try {
    for (const group of rows.map((row) => openItem(deps.keyStore, row))) {
      const owner = await groupOwner(deps.call, job.row.corpId, group.ref);
      (owner !== null && owner.toLowerCase() === job.secrets.takeoverUserid.toLowerCase() ? owned : again).push(group);
    }
  } catch (err) {
    if (!(err instanceof WecomCallFailure)) throw err;
    const attempts = job.row.attempts + 1;
    const at = deps.now();
    await deps.store.schedule(job.row.id, { attempts, nextRunAt: at + backoffMs(deps.config, attempts), failureDetail: `settling a lost group transfer answer: ${err.message}`.slice(0, 512), updatedAt: at });
    if (attempts > deps.config.maxAttempts) await failHandover(deps, { ...job, row: { ...job.row, attempts } }, err.code, `a group transfer call's answer was lost and groupchat/get could not settle it (${err.code}); check these groups in WeCom`);
    return 'stop';
  }
  const at = deps.now();
  try {
    await deps.archive.append(handoverEntry({
      job, corpId, step: 'groups.resolved', dedupe: [randomUUID()], subject: null, occurredAtMs: at,
      facts: { path: WECOM_PATHS.groupGet, ownedByTakeover: owned.map((g) => g.ref), sentAgain: again.map((g) => g.ref) },
      effects: async (tx) => {
        await moveItems(tx, owned.map((g) => g.row.id), { status: 'calling' }, { status: 'succeeded', errcode: 0, reason: 'new_owner', takeoverAt: at, updatedAt: at });
        await moveItems(tx, again.map((g) => g.row.id), { status: 'calling' }, { status: 'pending', callRecordId: null, updatedAt: at });
      },
    }));
  } catch (err) {
    if (err instanceof StaleHandoverState) return 'stop';
    throw err;
  }
  await auditStep(deps, 'handover.resolved', job, 'success', { items: 'groups', acceptedByWecom: owned.length, sentAgain: again.length });
  return 'ok';
}
