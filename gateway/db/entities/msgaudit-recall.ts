/**
 * Which chat-archive record recalled which (supervision, issue 6 item 5). A
 * recall (msgtype revoke) is archived as its own record; the recalled
 * message's record stays as it was. One row per recall record, written in
 * the transaction that archives the recall. `originalDedupeBidx` is the
 * archive dedupe index of the recalled message (corp + msgid), so a recall
 * whose original was not archived yet (archived raw, or before the archive
 * started) still joins to it once it is; `originalRecordId` is filled when
 * the original was there at the time.
 */
import { EntitySchema } from 'typeorm';
import { bigintColumn, varcharColumn } from './columns';

/** A row of `msgaudit_recall`. */
export interface MsgauditRecallRow {
  /** The wecom.msgaudit record of the recall (msgtype revoke). */
  recallRecordId: string;
  /** The corp's configuration id. */
  accountId: string;
  /** archive_record.dedupe_bidx of the recalled message. */
  originalDedupeBidx: string;
  /** The recalled message's record, when it was archived before the recall. */
  originalRecordId: string | null;
  /** The recall's msgtime, epoch ms (0 when Tencent sent none). */
  recalledAt: number;
  createdAt: number;
}

/** Entity name for `dataSource.getRepository<MsgauditRecallRow>(…)`. */
export const MSGAUDIT_RECALL_ENTITY = 'MsgauditRecall';

/** The `msgaudit_recall` entity schema (the same on every dialect). */
export function msgauditRecallEntity(): EntitySchema<MsgauditRecallRow> {
  return new EntitySchema<MsgauditRecallRow>({
    name: MSGAUDIT_RECALL_ENTITY,
    tableName: 'msgaudit_recall',
    columns: {
      recallRecordId: { ...varcharColumn('recall_record_id', 36, { primary: true }), primaryKeyConstraintName: 'pk_msgaudit_recall' },
      accountId: varcharColumn('account_id', 64),
      originalDedupeBidx: varcharColumn('original_dedupe_bidx', 64),
      originalRecordId: varcharColumn('original_record_id', 36, { nullable: true }),
      recalledAt: bigintColumn('recalled_at'),
      createdAt: bigintColumn('created_at'),
    },
    indices: [
      { name: 'ix_msgaudit_recall_original_dedupe', columns: ['originalDedupeBidx'] },
      { name: 'ix_msgaudit_recall_original', columns: ['originalRecordId'] },
    ],
  });
}
