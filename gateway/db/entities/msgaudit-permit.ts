/** Per corp: the chat archive's permit-list coverage of the members seen dealing with customers. */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, intColumn, longTextColumn, varcharColumn } from './columns';

export interface MsgauditPermitRow {
  corpId: string;
  permittedCount: number;
  membersSeen: number;
  uncoveredCount: number;
  uncoveredUserids: string | null;
  lastError: string | null;
  checkedAt: number;
}

export const MSGAUDIT_PERMIT_ENTITY = 'MsgauditPermit';

export function msgauditPermitEntity(dialect: Dialect): EntitySchema<MsgauditPermitRow> {
  return new EntitySchema<MsgauditPermitRow>({
    name: MSGAUDIT_PERMIT_ENTITY,
    tableName: 'msgaudit_permit',
    columns: {
      corpId: { ...varcharColumn('corp_id', 64, { primary: true }), primaryKeyConstraintName: 'pk_msgaudit_permit' },
      permittedCount: intColumn('permitted_count'),
      membersSeen: intColumn('members_seen'),
      uncoveredCount: intColumn('uncovered_count'),
      uncoveredUserids: { ...longTextColumn(dialect, 'uncovered_userids'), nullable: true },
      lastError: varcharColumn('last_error', 256, { nullable: true }),
      checkedAt: bigintColumn('checked_at'),
    },
  });
}
