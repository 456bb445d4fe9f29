/**
 * Work that must follow a committed archive record (forward to an internal
 * app, deliver to Tencent). Written in the same transaction as the record; the
 * queue only schedules, a sweeper re-enqueues whatever is not done.
 */
import { EntitySchema } from 'typeorm';
import { ARCHIVE_RECORD_ENTITY } from './archive-record';
import { bigintColumn, intColumn, varcharColumn } from './columns';

/** What an outbox row asks for. */
export type OutboxKind = 'forward' | 'deliver' | 'notify' | 'media';
/** Where an outbox row stands. */
export type OutboxStatus = 'pending' | 'done' | 'failed';

/** A row of `outbox`. */
export interface OutboxRow {
  id: string;
  recordId: string;
  kind: OutboxKind;
  /** Internal app id the work is for (forward, notify), `tencent` (deliver), or the file's index in its message's media list (media). */
  target: string;
  status: OutboxStatus;
  attempts: number;
  /** Epoch milliseconds; the sweeper picks pending rows due by now. */
  nextAttemptAt: number;
  /** Redacted error text of the last failed attempt. */
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
}

/** Entity name for `dataSource.getRepository<OutboxRow>(…)`. */
export const OUTBOX_ENTITY = 'Outbox';

/** The `outbox` entity schema (the same on every dialect). */
export function outboxEntity(): EntitySchema<OutboxRow> {
  return new EntitySchema<OutboxRow>({
    name: OUTBOX_ENTITY,
    tableName: 'outbox',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_outbox' },
      recordId: {
        ...varcharColumn('record_id', 36),
        // No cascade: archive records are never deleted, and SQL Server rejects multiple cascade paths.
        foreignKey: { target: ARCHIVE_RECORD_ENTITY, name: 'fk_outbox_record' },
      },
      kind: varcharColumn('kind', 32),
      target: varcharColumn('target', 128),
      status: varcharColumn('status', 16),
      attempts: intColumn('attempts', { default: 0 }),
      nextAttemptAt: bigintColumn('next_attempt_at'),
      lastError: varcharColumn('last_error', 512, { nullable: true }),
      createdAt: bigintColumn('created_at'),
      updatedAt: bigintColumn('updated_at'),
      doneAt: bigintColumn('done_at', { nullable: true }),
    },
    uniques: [{ name: 'uq_outbox_record_kind_target', columns: ['recordId', 'kind', 'target'] }],
    indices: [{ name: 'ix_outbox_status_next_attempt', columns: ['status', 'nextAttemptAt'] }],
  });
}
