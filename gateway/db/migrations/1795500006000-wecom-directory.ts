/**
 * Migration: `msgaudit_permit`, per corp, how far the chat archive's permit
 * list (get_permit_user_list) covers the members the gateway has seen
 * dealing with customers. Schema API only.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { integerColumnType, longTextColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const int = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...integerColumnType(dialect), isNullable: false });

function msgauditPermitTable(dialect: Dialect): Table {
  return new Table({
    name: 'msgaudit_permit',
    columns: [
      { ...varchar('corp_id', 64), isPrimary: true, primaryKeyConstraintName: 'pk_msgaudit_permit' },
      int(dialect, 'permitted_count'),
      int(dialect, 'members_seen'),
      int(dialect, 'uncovered_count'),
      // Member userids (employees, not customers) missing from the permit list, as a JSON array.
      { name: 'uncovered_userids', ...longTextColumnType(dialect), isNullable: true },
      varchar('last_error', 256, true),
      bigint('checked_at'),
    ],
  });
}

/** Creates msgaudit_permit. */
export class WecomDirectory1795500006000 implements MigrationInterface {
  name = 'WecomDirectory1795500006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(msgauditPermitTable(dialectOf(queryRunner.dataSource.options.type)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('msgaudit_permit');
  }
}
