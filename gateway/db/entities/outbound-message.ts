/**
 * The mutable state of one outbound message (held, approved, delivered, …).
 * Its content, decision and every transition are archive records; this row
 * is the index the workflow and the apps' status queries read.
 */
import { EntitySchema } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY } from './archive-record';
import { bigintColumn, intColumn, varcharColumn } from './columns';

/** Where an outbound message stands. Final: delivered, denied, rejected, expired, failed. `approved` is queued for delivery after its approvals. */
export const OUTBOUND_STATUSES = ['held', 'approved', 'queued', 'delivered', 'denied', 'rejected', 'expired', 'failed'] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

/** A row of `outbound_message`. */
export interface OutboundMessageRow {
  /** The gateway msgid returned to the app (a safe integer). */
  id: number;
  /** The archive record of the submission (body + decision). */
  recordId: string;
  accountId: string;
  appId: string;
  kind: string;
  msgtype: string;
  status: OutboundStatus;
  /** Decision outcome at submission: allow, transform, hold, deny. */
  outcome: string;
  /** Reason codes of the submission decision, space-separated (codes, never text). */
  reasonCodes: string;
  policyVersion: string;
  contentHash: string;
  recipientCount: number;
  approvalGroup: string | null;
  approvalsRequired: number;
  approvalsCount: number;
  /** Blind index of the single openid a customer-service message goes to (window accounting). */
  windowSubjectBidx: string | null;
  /** A held message expires at this epoch ms (TTL, or its 48-hour window's end). */
  expiresAt: number | null;
  tencentMsgid: string | null;
  tencentErrcode: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** The reason codes of a row's submission decision (stored space-separated). */
export function reasonCodesOf(row: Pick<OutboundMessageRow, 'reasonCodes'>): string[] {
  return row.reasonCodes === '' ? [] : row.reasonCodes.split(' ');
}

/** Entity name for `dataSource.getRepository<OutboundMessageRow>(…)`. */
export const OUTBOUND_MESSAGE_ENTITY = 'OutboundMessage';

/** The `outbound_message` entity schema (the same on every dialect). */
export function outboundMessageEntity(): EntitySchema<OutboundMessageRow> {
  return new EntitySchema<OutboundMessageRow>({
    name: OUTBOUND_MESSAGE_ENTITY,
    tableName: 'outbound_message',
    columns: {
      id: { ...bigintColumn('id', { primary: true }), primaryKeyConstraintName: 'pk_outbound_message' },
      recordId: { ...varcharColumn('record_id', 36), foreignKey: { target: ARCHIVE_RECORD_ENTITY, name: 'fk_outbound_message_record' } },
      accountId: varcharColumn('account_id', 64),
      appId: varcharColumn('app_id', 64),
      kind: varcharColumn('kind', 32),
      msgtype: varcharColumn('msgtype', 32),
      status: varcharColumn('status', 16),
      outcome: varcharColumn('outcome', 16),
      reasonCodes: varcharColumn('reason_codes', 1000),
      policyVersion: varcharColumn('policy_version', 64),
      contentHash: varcharColumn('content_hash', 64),
      recipientCount: intColumn('recipient_count'),
      approvalGroup: varcharColumn('approval_group', 64, { nullable: true }),
      approvalsRequired: intColumn('approvals_required', { default: 0 }),
      approvalsCount: intColumn('approvals_count', { default: 0 }),
      windowSubjectBidx: varcharColumn('window_subject_bidx', 64, { nullable: true }),
      expiresAt: bigintColumn('expires_at', { nullable: true }),
      tencentMsgid: varcharColumn('tencent_msgid', 64, { nullable: true }),
      tencentErrcode: intColumn('tencent_errcode', { nullable: true }),
      createdAt: bigintColumn('created_at'),
      updatedAt: bigintColumn('updated_at'),
      finishedAt: bigintColumn('finished_at', { nullable: true }),
    },
    indices: [
      { name: 'ix_outbound_message_status_expires', columns: ['status', 'expiresAt'] },
      { name: 'ix_outbound_message_app_created', columns: ['appId', 'createdAt'] },
    ],
  });
}
