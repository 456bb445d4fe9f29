/**
 * How a hand-over ends. `failHandover` stops sending for good (a `failed`
 * record): customers and groups not yet sent become failed, those whose call
 * answer was lost become failed with reason `in_doubt` (check them in
 * WeCom); customers WeCom already started stay waiting and are still polled.
 * `finishIfDone` writes the `completed` record once every item is final: the
 * job's status is then `completed`, or `failed` when sending had stopped.
 */
import { randomUUID } from 'node:crypto';
import { In, Not } from 'typeorm';
import { HANDOVER_ITEM_ENTITY, HANDOVER_JOB_ENTITY } from '../db/entities';
import { auditStep, corpIdOf, StaleHandoverState, type HandoverDeps } from './deps';
import type { ItemCounts } from './job-store';
import { handoverEntry } from './records';
import { openItem } from './sealing';
import type { OpenJob } from './types';

const IN_DOUBT_DETAIL = "the transfer call's answer was lost and could not be settled; check in WeCom whether the hand-over started";

/** Stop sending for good. */
export async function failHandover(deps: HandoverDeps, job: OpenJob, code: string, detail: string): Promise<void> {
  const at = deps.now();
  const corpId = corpIdOf(deps, job.row.corpId);
  const open = (await deps.store.itemsOf(job.row.id, undefined, ['pending', 'calling'])).map((row) => openItem(deps.keyStore, row));
  const refs = (kind: string, status: string) => open.filter((i) => i.row.kind === kind && i.row.status === status).map((i) => i.ref);
  const entry = handoverEntry({
    job, corpId, step: 'failed', dedupe: [randomUUID()], subject: null, occurredAtMs: at,
    facts: { code, detail, customersNotSent: refs('customer', 'pending'), groupsNotSent: refs('group', 'pending'), customersInDoubt: refs('customer', 'calling'), groupsInDoubt: refs('group', 'calling') },
    effects: async (tx) => {
      await tx.update(HANDOVER_ITEM_ENTITY, { jobId: job.row.id, status: 'pending' }, { status: 'failed', reason: code.slice(0, 64), detail: detail.slice(0, 256), updatedAt: at });
      await tx.update(HANDOVER_ITEM_ENTITY, { jobId: job.row.id, status: 'calling' }, { status: 'failed', reason: 'in_doubt', detail: IN_DOUBT_DETAIL, updatedAt: at });
      await tx.update(HANDOVER_JOB_ENTITY, { id: job.row.id }, { failureCode: code.slice(0, 64), failureDetail: detail.slice(0, 512), nextRunAt: at, updatedAt: at });
    },
  });
  await deps.archive.append(entry);
  job.row.failureCode = code;
  job.row.failureDetail = detail;
  await auditStep(deps, 'handover.failed', job, 'failure', { code, customersNotSent: refs('customer', 'pending').length, groupsNotSent: refs('group', 'pending').length, inDoubt: refs('customer', 'calling').length + refs('group', 'calling').length });
}

/** Items still moving. */
export function openCount(counts: ItemCounts): number {
  return ['pending', 'calling', 'waiting'].reduce((sum, s) => sum + (counts.customer[s] ?? 0) + (counts.group[s] ?? 0), 0);
}

/** End the job when every item is final; true when it ended (now or before). */
export async function finishIfDone(deps: HandoverDeps, job: OpenJob): Promise<boolean> {
  const counts = await deps.store.counts(job.row.id);
  if (openCount(counts) > 0) return false;
  const at = deps.now();
  const status = job.row.failureCode ? 'failed' : 'completed';
  const entry = handoverEntry({
    job, corpId: corpIdOf(deps, job.row.corpId), step: 'completed', dedupe: [], subject: null, occurredAtMs: at,
    facts: { status, counts, ...(job.row.failureCode ? { failureCode: job.row.failureCode } : {}) },
    effects: async (tx) => {
      const changed = await tx.update(HANDOVER_JOB_ENTITY, { id: job.row.id, status: Not(In(['completed', 'failed'])) }, { status, activeKey: `done|${job.row.id}`, finishedAt: at, nextRunAt: null, updatedAt: at, ...(job.row.failureCode ? {} : { failureDetail: null }) });
      if (changed !== 1) throw new StaleHandoverState('the hand-over had already ended');
    },
  });
  try {
    await deps.archive.append(entry);
  } catch (err) {
    if (err instanceof StaleHandoverState) return true;
    throw err;
  }
  await auditStep(deps, 'handover.completed', job, status === 'completed' ? 'success' : 'failure', { status, customers: counts.customer, groups: counts.group });
  return true;
}
