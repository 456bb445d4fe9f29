/**
 * RM departure (issue 6 item 7): one `handover_job` per hand-over of an RM's
 * customers and groups to another RM, one `handover_item` per customer or
 * group with its status, and `handover_record` linking every archive record
 * a job wrote (wecom.handover) to it.
 *
 * The RMs' userids and the customers' external_userids are sealed (the
 * transfer APIs need them in clear) and blind-indexed with the archive's
 * `subject` index, so `from_bidx` / `to_bidx` / `subject_bidx` join with
 * `archive_record.subject_bidx`: "everything involving RM X" is the RM's own
 * records, the records of every customer handed to or from X, and the
 * hand-over records themselves (gateway/handover/rm-records.ts). Group chat
 * ids are not personal and are kept in clear, as in `wecom_room`.
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, intColumn, sealedColumns, varcharColumn } from './columns';

/** A row of `handover_job`. */
export interface HandoverJobRow {
  id: string;
  /** The corp's configuration id. */
  corpId: string;
  mode: string;
  /** Subject blind index of the handover (from) and takeover (to) userid. */
  fromBidx: string;
  toBidx: string;
  /** Sealed { handoverUserid, takeoverUserid, transferSuccessMsg? }. */
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  /** transferring | waiting | completed | failed. */
  status: string;
  /** `<corp>|<from_bidx>` while the job runs (unique: one running job per RM), `done|<id>` after. */
  activeKey: string;
  /** `req|<corp>|<requestId>` or `job|<id>` (unique: a retried start finds its job). */
  requestKey: string;
  startedBy: string;
  startedVia: string;
  createdAt: number;
  updatedAt: number;
  /** When the runner looks at the job next (backoff, next transfer_result poll); null when final. */
  nextRunAt: number | null;
  /** Consecutive retryable failures of the current step. */
  attempts: number;
  /** `wecom.<errcode>` or another code, and the safe detail, of the last failure. */
  failureCode: string | null;
  failureDetail: string | null;
  finishedAt: number | null;
}

/** A row of `handover_item`: one customer or group of a job. */
export interface HandoverItemRow {
  id: string;
  jobId: string;
  corpId: string;
  mode: string;
  /** customer | group. */
  kind: string;
  /** Order within the job and kind (chunks of ≤ 100 follow it). */
  seq: number;
  /** Customers: subject blind index of the external_userid; groups: null. */
  subjectBidx: string | null;
  /** Customers: the external_userid, sealed; groups: null. */
  keyId: string | null;
  wrappedKey: Buffer | null;
  iv: Buffer | null;
  ciphertext: Buffer | null;
  /** Groups: the chat_id. */
  chatId: string | null;
  /** pending | calling | waiting | succeeded | refused | limit_exceeded | rejected | skipped | failed. */
  status: string;
  /** Tencent's per-item errcode, when it gave one. */
  errcode: number | null;
  /** Why it ended as it did (`cap.90_days`, `wecom.40128`, `customer_refused` …). */
  reason: string | null;
  /** What the reason means for this item, safe to show (dates, counts; never an id). */
  detail: string | null;
  /** The wecom.handover record of the call that carries it (set when it becomes `calling`). */
  callRecordId: string | null;
  /** When Tencent accepted its transfer (errcode 0): counts towards 2 in 90 days. */
  acceptedAt: number | null;
  takeoverAt: number | null;
  updatedAt: number;
}

/** A row of `handover_record`. */
export interface HandoverRecordRow {
  recordId: string;
  jobId: string;
  step: string;
  createdAt: number;
}

export const HANDOVER_JOB_ENTITY = 'HandoverJob';
export const HANDOVER_ITEM_ENTITY = 'HandoverItem';
export const HANDOVER_RECORD_ENTITY = 'HandoverRecord';

/** The `handover_job` entity schema. */
export function handoverJobEntity(dialect: Dialect): EntitySchema<HandoverJobRow> {
  return new EntitySchema<HandoverJobRow>({
    name: HANDOVER_JOB_ENTITY,
    tableName: 'handover_job',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_handover_job' },
      corpId: varcharColumn('corp_id', 64),
      mode: varcharColumn('mode', 16),
      fromBidx: varcharColumn('from_bidx', 64),
      toBidx: varcharColumn('to_bidx', 64),
      ...sealedColumns(dialect),
      status: varcharColumn('status', 16),
      activeKey: varcharColumn('active_key', 140),
      requestKey: varcharColumn('request_key', 200),
      startedBy: varcharColumn('started_by', 128),
      startedVia: varcharColumn('started_via', 16),
      createdAt: bigintColumn('created_at'),
      updatedAt: bigintColumn('updated_at'),
      nextRunAt: bigintColumn('next_run_at', { nullable: true }),
      attempts: intColumn('attempts'),
      failureCode: varcharColumn('failure_code', 64, { nullable: true }),
      failureDetail: varcharColumn('failure_detail', 512, { nullable: true }),
      finishedAt: bigintColumn('finished_at', { nullable: true }),
    },
    uniques: [
      { name: 'uq_handover_job_active', columns: ['activeKey'] },
      { name: 'uq_handover_job_request', columns: ['requestKey'] },
    ],
    indices: [
      { name: 'ix_handover_job_due', columns: ['status', 'nextRunAt'] },
      { name: 'ix_handover_job_from', columns: ['fromBidx'] },
      { name: 'ix_handover_job_to', columns: ['toBidx'] },
    ],
  });
}

/** The `handover_item` entity schema. */
export function handoverItemEntity(dialect: Dialect): EntitySchema<HandoverItemRow> {
  return new EntitySchema<HandoverItemRow>({
    name: HANDOVER_ITEM_ENTITY,
    tableName: 'handover_item',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_handover_item' },
      jobId: varcharColumn('job_id', 36),
      corpId: varcharColumn('corp_id', 64),
      mode: varcharColumn('mode', 16),
      kind: varcharColumn('kind', 8),
      seq: intColumn('seq'),
      subjectBidx: varcharColumn('subject_bidx', 64, { nullable: true }),
      ...sealedColumns(dialect, { nullable: true }),
      chatId: varcharColumn('chat_id', 128, { nullable: true }),
      status: varcharColumn('status', 16),
      errcode: intColumn('errcode', { nullable: true }),
      reason: varcharColumn('reason', 64, { nullable: true }),
      detail: varcharColumn('detail', 256, { nullable: true }),
      callRecordId: varcharColumn('call_record_id', 36, { nullable: true }),
      acceptedAt: bigintColumn('accepted_at', { nullable: true }),
      takeoverAt: bigintColumn('takeover_at', { nullable: true }),
      updatedAt: bigintColumn('updated_at'),
    },
    indices: [
      { name: 'ix_handover_item_job', columns: ['jobId', 'kind', 'seq'] },
      { name: 'ix_handover_item_subject', columns: ['subjectBidx'] },
    ],
  });
}

/** The `handover_record` entity schema (the same on every dialect). */
export function handoverRecordEntity(): EntitySchema<HandoverRecordRow> {
  return new EntitySchema<HandoverRecordRow>({
    name: HANDOVER_RECORD_ENTITY,
    tableName: 'handover_record',
    columns: {
      recordId: { ...varcharColumn('record_id', 36, { primary: true }), primaryKeyConstraintName: 'pk_handover_record' },
      jobId: varcharColumn('job_id', 36),
      step: varcharColumn('step', 32),
      createdAt: bigintColumn('created_at'),
    },
    indices: [{ name: 'ix_handover_record_job', columns: ['jobId'] }],
  });
}
