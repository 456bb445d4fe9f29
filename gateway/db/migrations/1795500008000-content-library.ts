/**
 * Migration: the pre-approved content library (issue 6 item 6). Items with
 * their lifecycle and match fingerprint (`content_item`), the one approved
 * item per fingerprint (`content_fingerprint`), and the link of
 * each captured message to the approved item it matched (`content_item_use`).
 * Schema API only, names explicit.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { integerColumnType, longTextColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const unicode = (dialect: Dialect, name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: dialect === 'mssql' ? 'nvarchar' : 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const int = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...integerColumnType(dialect), isNullable: false });
const longText = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...longTextColumnType(dialect), isNullable: true });

function contentItemTable(dialect: Dialect): Table {
  return new Table({
    name: 'content_item',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_content_item' },
      varchar('kind', 16),
      unicode(dialect, 'label', 200),
      varchar('status', 16),
      int(dialect, 'version'),
      longText(dialect, 'text_content'),
      longText(dialect, 'link_title'),
      longText(dialect, 'link_description'),
      longText(dialect, 'link_url'),
      longText(dialect, 'link_pic_url'),
      varchar('image_md5', 32, true),
      varchar('image_sha256', 64, true),
      bigint('image_size', true),
      varchar('image_content_type', 64, true),
      varchar('fingerprint', 64),
      varchar('content_record_id', 36),
      unicode(dialect, 'created_by', 255),
      bigint('created_at'),
      bigint('updated_at'),
      unicode(dialect, 'submitted_by', 255, true),
      bigint('submitted_at', true),
      unicode(dialect, 'approved_by', 255, true),
      bigint('approved_at', true),
      unicode(dialect, 'rejected_by', 255, true),
      bigint('rejected_at', true),
      unicode(dialect, 'retired_by', 255, true),
      bigint('retired_at', true),
      varchar('last_transition_record_id', 36, true),
    ],
    indices: [
      { name: 'ix_content_item_status', columnNames: ['status', 'updated_at'] },
      { name: 'ix_content_item_fingerprint', columnNames: ['fingerprint', 'approved_at'] },
    ],
  });
}

function contentFingerprintTable(): Table {
  return new Table({
    name: 'content_fingerprint',
    columns: [
      { ...varchar('fingerprint', 64), isPrimary: true, primaryKeyConstraintName: 'pk_content_fingerprint' },
      varchar('item_id', 36, true),
      bigint('approved_at', true),
    ],
  });
}

function contentItemUseTable(dialect: Dialect): Table {
  return new Table({
    name: 'content_item_use',
    columns: [
      { ...varchar('record_id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_content_item_use' },
      varchar('item_id', 36),
      int(dialect, 'item_version'),
      varchar('account_id', 64),
      varchar('msgtype', 32),
      varchar('sender_bidx', 64, true),
      bigint('sent_at'),
      bigint('created_at'),
    ],
    indices: [{ name: 'ix_content_item_use_item', columnNames: ['item_id', 'sent_at'] }],
  });
}

/** Creates content_item, content_fingerprint and content_item_use. */
export class ContentLibrary1795500008000 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'ContentLibrary1795500008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(contentItemTable(dialect));
    await queryRunner.createTable(contentFingerprintTable());
    await queryRunner.createTable(contentItemUseTable(dialect));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('content_item_use');
    await queryRunner.dropTable('content_fingerprint');
    await queryRunner.dropTable('content_item');
  }
}
