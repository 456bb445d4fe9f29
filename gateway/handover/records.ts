/**
 * Every step of a hand-over is a `wecom.handover` archive record, written in
 * the transaction that changes the job's and items' state (its effects), so
 * the state never runs ahead of its evidence and the history is in the
 * tamper-evident chain. Each record carries both RMs' userids and the
 * customers or groups concerned, and is linked to its job (`handover_record`)
 * for "everything involving RM X". A customer's final outcome is a record of
 * its own whose subject is the customer, so it is also in that customer's
 * history (and, through a binding, the bank customer's).
 *
 * Steps: started, transfer.request / transfer.answer / transfer.resolved
 * (customers), groups.request / groups.answer / groups.resolved,
 * customer.final, completed, failed. Dedupe key
 * `["v1","handover",jobId,step,…]`.
 */
import { canonicalJson } from '../../connectors/canonical/json';
import type { ArchiveEntry, EffectTransaction } from '../archive/types';
import { chunk, rowsPerStatement } from '../db/chunk';
import { HANDOVER_RECORD_ENTITY } from '../db/entities';
import type { OpenJob } from './types';

export type HandoverStep =
  | 'started'
  | 'transfer.request'
  | 'transfer.answer'
  | 'transfer.resolved'
  | 'groups.request'
  | 'groups.answer'
  | 'groups.resolved'
  | 'customer.final'
  | 'completed'
  | 'failed';

/** One step to archive. */
export interface StepInput {
  job: OpenJob;
  /** The corp's CorpID (ww…), for the record; the job row holds its configuration id. */
  corpId: string;
  step: HandoverStep;
  /** The rest of the dedupe key after the job id and step (an attempt id, a customer's id). */
  dedupe: readonly (string | number)[];
  /** The customer the record is about (customer.final), else null. */
  subject: string | null;
  occurredAtMs: number;
  /** The step's facts: ids, Tencent's request and answer, outcomes. */
  facts: Record<string, unknown>;
  /** State the record justifies, in its transaction (only when the record is new). */
  effects?: (tx: EffectTransaction, recordId: string) => Promise<void>;
}

/** The archive entry of a step, linked to its job in the same transaction. */
export function handoverEntry(input: StepInput): ArchiveEntry {
  const { job } = input;
  return {
    recordType: 'wecom.handover',
    accountId: job.row.corpId,
    subject: input.subject,
    occurredAtMs: input.occurredAtMs,
    dedupeKey: canonicalJson(['v1', 'handover', job.row.id, input.step, ...input.dedupe]),
    payload: {
      step: input.step,
      jobId: job.row.id,
      corp: job.row.corpId,
      corpId: input.corpId,
      mode: job.mode,
      handoverUserid: job.secrets.handoverUserid,
      takeoverUserid: job.secrets.takeoverUserid,
      ...input.facts,
    },
    outbox: [],
    effects: async (tx, recordId) => {
      await tx.insert(HANDOVER_RECORD_ENTITY, { recordId, jobId: job.row.id, step: input.step, createdAt: input.occurredAtMs });
      await input.effects?.(tx, recordId);
    },
  };
}

/** Insert rows in statements every back end accepts (SQL Server: 2,100 parameters). */
export async function insertRows(tx: EffectTransaction, entity: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  for (const part of chunk(rows, rowsPerStatement(Object.keys(rows[0]!).length + 2))) await tx.insert(entity, part);
}
