/** One approve, reject or comment on a held message. The note itself is in the archive record it points to. */
import { EntitySchema } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY } from './archive-record';
import { OUTBOUND_MESSAGE_ENTITY } from './outbound-message';
import { bigintColumn, varcharColumn } from './columns';

/** A row of `approval_action`. */
export interface ApprovalActionRow {
  id: string;
  messageId: number;
  /** The actor's subject (SSO user id) as authenticated; an employee id, not client data. */
  actor: string;
  action: 'approve' | 'reject' | 'comment';
  /** `approve|<actor>` for approvals, so one person cannot approve twice even under a race; unique per message. */
  actionKey: string;
  recordId: string;
  at: number;
}

/** Entity name for `dataSource.getRepository<ApprovalActionRow>(…)`. */
export const APPROVAL_ACTION_ENTITY = 'ApprovalAction';

/** The `approval_action` entity schema (the same on every dialect). */
export function approvalActionEntity(): EntitySchema<ApprovalActionRow> {
  return new EntitySchema<ApprovalActionRow>({
    name: APPROVAL_ACTION_ENTITY,
    tableName: 'approval_action',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_approval_action' },
      messageId: { ...bigintColumn('message_id'), foreignKey: { target: OUTBOUND_MESSAGE_ENTITY, name: 'fk_approval_action_message' } },
      actor: varcharColumn('actor', 256),
      action: varcharColumn('action', 16),
      actionKey: varcharColumn('action_key', 300),
      recordId: { ...varcharColumn('record_id', 36), foreignKey: { target: ARCHIVE_RECORD_ENTITY, name: 'fk_approval_action_record' } },
      at: bigintColumn('at'),
    },
    uniques: [{ name: 'uq_approval_action_key', columns: ['messageId', 'actionKey'] }],
  });
}
