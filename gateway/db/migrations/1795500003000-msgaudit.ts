/**
 * Migration: `msgaudit_cursor`, one row per WeCom corp whose chat archive the
 * gateway pulls (the seq it has archived up to, and completeness state).
 * Schema API only, so SQLite, PostgreSQL and SQL Server get the same table.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { longTextColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

function msgauditCursorTable(dialect: Dialect): Table {
  return new Table({
    name: 'msgaudit_cursor',
    columns: [
      { ...varchar('corp_id', 64), isPrimary: true, primaryKeyConstraintName: 'pk_msgaudit_cursor' },
      varchar('account_id', 64),
      // seq is uint64: above bigint's range, so decimal text.
      varchar('last_seq', 20),
      bigint('version'),
      bigint('last_pull_at', true),
      bigint('caught_up_at', true),
      bigint('last_message_at', true),
      bigint('undecryptable_count'),
      bigint('skipped_seqs'),
      varchar('last_error_code', 64, true),
      // Unicode: Tencent's hints name 会话内容存档.
      { name: 'last_error', ...longTextColumnType(dialect), isNullable: true },
      bigint('last_error_at', true),
      bigint('stopped_at', true),
      bigint('created_at'),
      bigint('updated_at'),
    ],
  });
}

/** Creates msgaudit_cursor. */
export class Msgaudit1795500003000 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'Msgaudit1795500003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(msgauditCursorTable(dialectOf(queryRunner.dataSource.options.type)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('msgaudit_cursor');
  }
}
