/**
 * Migration: the outbound path. Gateway-issued app tokens (hashes only), the
 * state of each outbound message and its approvals, its blind-indexed
 * recipients (FINRA 2210 counting) and what inbound traffic says about each
 * follower (customer-service window). Schema API only, names explicit.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { integerColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const int = (dialect: Dialect, name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, ...integerColumnType(dialect), isNullable: false, ...extra });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

function appTokenTable(): Table {
  return new Table({
    name: 'app_token',
    columns: [
      { ...varchar('token_hash', 64), isPrimary: true, primaryKeyConstraintName: 'pk_app_token' },
      varchar('app_id', 64),
      varchar('account_id', 64),
      varchar('product', 8),
      bigint('issued_at'),
      bigint('expires_at'),
      bigint('revoked_at', true),
    ],
    indices: [
      { name: 'ix_app_token_app', columnNames: ['app_id', 'account_id'] },
      { name: 'ix_app_token_expires', columnNames: ['expires_at'] },
    ],
  });
}

function outboundMessageTable(dialect: Dialect): Table {
  return new Table({
    name: 'outbound_message',
    columns: [
      { ...bigint('id'), isPrimary: true, primaryKeyConstraintName: 'pk_outbound_message' },
      varchar('record_id', 36),
      varchar('account_id', 64),
      varchar('app_id', 64),
      varchar('kind', 32),
      varchar('msgtype', 32),
      varchar('status', 16),
      varchar('outcome', 16),
      varchar('reason_codes', 1000),
      varchar('policy_version', 64),
      varchar('content_hash', 64),
      int(dialect, 'recipient_count'),
      varchar('approval_group', 64, true),
      int(dialect, 'approvals_required', { default: '0' }),
      int(dialect, 'approvals_count', { default: '0' }),
      varchar('window_subject_bidx', 64, true),
      bigint('expires_at', true),
      varchar('tencent_msgid', 64, true),
      int(dialect, 'tencent_errcode', { isNullable: true }),
      bigint('created_at'),
      bigint('updated_at'),
      bigint('finished_at', true),
    ],
    indices: [
      { name: 'ix_outbound_message_status_expires', columnNames: ['status', 'expires_at'] },
      { name: 'ix_outbound_message_app_created', columnNames: ['app_id', 'created_at'] },
    ],
    foreignKeys: [{ name: 'fk_outbound_message_record', columnNames: ['record_id'], referencedTableName: 'archive_record', referencedColumnNames: ['id'] }],
  });
}

function outboundRecipientTable(): Table {
  return new Table({
    name: 'outbound_recipient',
    columns: [
      { ...bigint('message_id'), isPrimary: true, primaryKeyConstraintName: 'pk_outbound_recipient' },
      { ...varchar('recipient_bidx', 64), isPrimary: true, primaryKeyConstraintName: 'pk_outbound_recipient' },
      varchar('content_hash', 64),
      bigint('created_at'),
    ],
    indices: [{ name: 'ix_outbound_recipient_content', columnNames: ['content_hash', 'created_at'] }],
    foreignKeys: [{ name: 'fk_outbound_recipient_message', columnNames: ['message_id'], referencedTableName: 'outbound_message', referencedColumnNames: ['id'] }],
  });
}

function approvalActionTable(): Table {
  return new Table({
    name: 'approval_action',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_approval_action' },
      bigint('message_id'),
      varchar('actor', 256),
      varchar('action', 16),
      varchar('action_key', 300),
      varchar('record_id', 36),
      bigint('at'),
    ],
    uniques: [{ name: 'uq_approval_action_key', columnNames: ['message_id', 'action_key'] }],
    foreignKeys: [
      { name: 'fk_approval_action_message', columnNames: ['message_id'], referencedTableName: 'outbound_message', referencedColumnNames: ['id'] },
      { name: 'fk_approval_action_record', columnNames: ['record_id'], referencedTableName: 'archive_record', referencedColumnNames: ['id'] },
    ],
  });
}

function oaContactTable(dialect: Dialect): Table {
  return new Table({
    name: 'oa_contact',
    columns: [
      { ...varchar('account_id', 64), isPrimary: true, primaryKeyConstraintName: 'pk_oa_contact' },
      { ...varchar('openid_bidx', 64), isPrimary: true, primaryKeyConstraintName: 'pk_oa_contact' },
      int(dialect, 'subscribed'),
      varchar('window_trigger', 16, true),
      bigint('window_at', true),
      int(dialect, 'sent_since', { default: '0' }),
      bigint('updated_at'),
    ],
    indices: [{ name: 'ix_oa_contact_openid', columnNames: ['openid_bidx'] }],
  });
}

/** Creates app_token, outbound_message, outbound_recipient, approval_action and oa_contact. */
export class Outbound1795500002000 implements MigrationInterface {
  name = 'Outbound1795500002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(appTokenTable());
    await queryRunner.createTable(outboundMessageTable(dialect));
    await queryRunner.createTable(outboundRecipientTable());
    await queryRunner.createTable(approvalActionTable());
    await queryRunner.createTable(oaContactTable(dialect));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['oa_contact', 'approval_action', 'outbound_recipient', 'outbound_message', 'app_token']) await queryRunner.dropTable(table);
  }
}
