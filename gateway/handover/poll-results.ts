/**
 * Waiting customers' fates from transfer_result (resigned/transfer_result for
 * a resigned hand-over): 1 taken over (24 h after the start, on Tencent's
 * clock), 3 refused by the customer, 4 the takeover RM at their customer
 * limit, 5 no record; 2 still waiting. Each customer that reached a final
 * state gets a `customer.final` record (subject: the customer) with its
 * item's change in the same transaction. A WeCom `transfer_fail` callback
 * for the same customer is archived by the callback endpoint (wecom.callback,
 * subject the customer) whether or not the poll has seen it yet.
 */
import { auditStep, backoffMs, corpIdOf, StaleHandoverState, type HandoverDeps } from './deps';
import { chunk } from '../db/chunk';
import { handoverEntry } from './records';
import { openItem } from './sealing';
import { moveItems, type StepOutcome } from './transfer-customers';
import type { OpenJob } from './types';
import { transferResults, WECOM_PATHS, WecomCallFailure } from './wecom-api';

/** A final transfer_result status and what it becomes. */
const FINAL: Record<number, { status: 'succeeded' | 'refused' | 'limit_exceeded' | 'failed'; reason: string; detail: string | null }> = {
  1: { status: 'succeeded', reason: 'taken_over', detail: null },
  3: { status: 'refused', reason: 'customer_refused', detail: 'the customer refused the hand-over; they stay with the handover RM' },
  4: { status: 'limit_exceeded', reason: 'customer_limit_exceed', detail: 'the takeover RM has reached their customer limit; the customer stays with the handover RM' },
  5: { status: 'failed', reason: 'wecom.no_record', detail: 'WeCom has no record of this transfer (transfer_result status 5)' },
};

/** Ask transfer_result once and record every customer that reached a final state. */
export async function pollResults(deps: HandoverDeps, job: OpenJob): Promise<StepOutcome> {
  const rows = await deps.store.itemsOf(job.row.id, 'customer', ['waiting']);
  if (rows.length === 0) return 'ok';
  const corpId = corpIdOf(deps, job.row.corpId);
  let states;
  try {
    states = await transferResults(deps.call, job.row.corpId, job.mode, job.secrets.handoverUserid, job.secrets.takeoverUserid);
  } catch (err) {
    if (!(err instanceof WecomCallFailure)) throw err;
    // Polling never gives up: the takeovers happen at WeCom whatever the gateway sees; it asks again later.
    const attempts = job.row.attempts + 1;
    const at = deps.now();
    await deps.store.schedule(job.row.id, { attempts, nextRunAt: at + Math.max(backoffMs(deps.config, attempts), 0), failureDetail: `transfer_result: ${err.code}`, updatedAt: at });
    deps.logger.warn({ handover: job.row.id, code: err.code, attempts }, 'transfer_result failed; asking again later');
    return 'stop';
  }
  const at = deps.now();
  // WeCom answered: a note about an earlier failed poll is history now.
  if (!job.row.failureCode && job.row.failureDetail) await deps.store.schedule(job.row.id, { attempts: 0, failureDetail: null, updatedAt: at });
  const settled = rows
    .map((row) => openItem(deps.keyStore, row))
    .flatMap((item) => {
      const state = states.get(item.ref);
      const final = state ? FINAL[state.status] : undefined;
      return final && state ? [{ item, final, takeoverAt: state.status === 1 && state.takeoverTime > 0 ? state.takeoverTime * 1000 : null, tencent: { status: state.status, takeover_time: state.takeoverTime } }] : [];
    });
  const counts: Record<string, number> = {};
  for (const part of chunk(settled, 200)) {
    const entries = part.map(({ item, final, takeoverAt, tencent }) => handoverEntry({
      job, corpId, step: 'customer.final', dedupe: [item.ref, final.status, item.row.callRecordId ?? ''], subject: item.ref, occurredAtMs: takeoverAt ?? at,
      facts: { externalUserId: item.ref, status: final.status, reason: final.reason, ...(final.detail ? { detail: final.detail } : {}), takeoverTime: takeoverAt, path: WECOM_PATHS.result[job.mode], transferResult: tencent },
      effects: (tx) => moveItems(tx, [item.row.id], { status: 'waiting' }, { status: final.status, reason: final.reason, detail: final.detail, takeoverAt, updatedAt: at }),
    }));
    try {
      await deps.archive.appendAll(entries);
    } catch (err) {
      if (err instanceof StaleHandoverState) return 'stop';
      throw err;
    }
    for (const { final } of part) counts[final.status] = (counts[final.status] ?? 0) + 1;
  }
  if (settled.length > 0) await auditStep(deps, 'handover.result', job, 'success', { settled: counts, stillWaiting: rows.length - settled.length });
  return 'ok';
}
