/**
 * Migration: supervision of captured chat-archive messages. `msgaudit_recall`
 * links each recall record to the recalled message (by its dedupe index,
 * and by record id when it was archived first). Supervision alerts go to
 * the existing compliance_alert table. Schema API only, names explicit.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

function msgauditRecallTable(): Table {
  return new Table({
    name: 'msgaudit_recall',
    columns: [
      { ...varchar('recall_record_id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_msgaudit_recall' },
      varchar('account_id', 64),
      varchar('original_dedupe_bidx', 64),
      varchar('original_record_id', 36, true),
      bigint('recalled_at'),
      bigint('created_at'),
    ],
    indices: [
      { name: 'ix_msgaudit_recall_original_dedupe', columnNames: ['original_dedupe_bidx'] },
      { name: 'ix_msgaudit_recall_original', columnNames: ['original_record_id'] },
    ],
  });
}

/** Creates msgaudit_recall. */
export class Supervision1795500005500 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'Supervision1795500005500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(msgauditRecallTable());
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('msgaudit_recall');
  }
}
