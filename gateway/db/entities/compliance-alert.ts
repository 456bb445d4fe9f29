/**
 * Compliance alerts: things an officer must look at (a WeCom "Disagree", a
 * supervised RM message that tripped a rule). The row holds codes and
 * status only; what the reviewer wrote is archived (`close_record_id`).
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, longTextColumn, varcharColumn } from './columns';

export interface ComplianceAlertRow {
  id: string;
  kind: string;
  severity: string;
  accountId: string;
  subjectBidx: string | null;
  recordId: string | null;
  /** Codes and counts only, never message text or ids. */
  summary: string;
  /** One alert per cause: a repeated cause finds the open alert. */
  dedupeKey: string;
  status: string;
  createdAt: number;
  closedAt: number | null;
  closedBy: string | null;
  closeAction: string | null;
  closeRecordId: string | null;
}

export const COMPLIANCE_ALERT_ENTITY = 'ComplianceAlert';

export function complianceAlertEntity(dialect: Dialect): EntitySchema<ComplianceAlertRow> {
  return new EntitySchema<ComplianceAlertRow>({
    name: COMPLIANCE_ALERT_ENTITY,
    tableName: 'compliance_alert',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_compliance_alert' },
      kind: varcharColumn('kind', 64),
      severity: varcharColumn('severity', 16),
      accountId: varcharColumn('account_id', 64),
      subjectBidx: varcharColumn('subject_bidx', 64, { nullable: true }),
      recordId: varcharColumn('record_id', 36, { nullable: true }),
      summary: longTextColumn(dialect, 'summary'),
      dedupeKey: varcharColumn('dedupe_key', 128),
      status: varcharColumn('status', 16),
      createdAt: bigintColumn('created_at'),
      closedAt: bigintColumn('closed_at', { nullable: true }),
      closedBy: varcharColumn('closed_by', 128, { nullable: true }),
      closeAction: varcharColumn('close_action', 32, { nullable: true }),
      closeRecordId: varcharColumn('close_record_id', 36, { nullable: true }),
    },
    uniques: [{ name: 'uq_compliance_alert_dedupe', columns: ['dedupeKey'] }],
    indices: [{ name: 'ix_compliance_alert_status', columns: ['status', 'createdAt'] }],
  });
}
