/**
 * Migration: consent and identity. The append-only consent ledger, the
 * append-only PII binding history (customer id encrypted, blind-indexed),
 * single-use page states (OAuth, bank login, consent form), compliance
 * alerts, the RM–customer pairs and groups WeCom archiving consent is
 * reconciled for, and the customer blind index on archive records.
 * Schema API only, names explicit.
 */
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { binaryColumnType, longTextColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const binary = (dialect: Dialect, name: string, isNullable = false): TableColumnOptions => ({ name, ...binaryColumnType(dialect), isNullable });

function consentEntryTable(): Table {
  return new Table({
    name: 'consent_entry',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_consent_entry' },
      varchar('person_bidx', 64),
      varchar('person_kind', 16),
      varchar('account_id', 64),
      varchar('purpose', 16),
      varchar('action', 16),
      varchar('notice_version', 64, true),
      varchar('language', 8, true),
      varchar('channel', 32),
      varchar('source', 16),
      varchar('evidence_record_id', 36),
      bigint('occurred_at'),
      bigint('recorded_at'),
      varchar('actor', 128, true),
    ],
    indices: [
      { name: 'ix_consent_entry_person', columnNames: ['person_bidx', 'purpose'] },
      { name: 'ix_consent_entry_recorded', columnNames: ['recorded_at'] },
    ],
  });
}

function piiBindingTable(dialect: Dialect): Table {
  return new Table({
    name: 'pii_binding',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_pii_binding' },
      varchar('person_bidx', 64),
      varchar('person_kind', 16),
      varchar('account_id', 64),
      varchar('action', 8),
      varchar('customer_bidx', 64, true),
      varchar('key_id', 64, true),
      binary(dialect, 'wrapped_key', true),
      binary(dialect, 'iv', true),
      binary(dialect, 'ciphertext', true),
      varchar('source', 16),
      varchar('evidence_record_id', 36),
      bigint('occurred_at'),
      bigint('recorded_at'),
      varchar('actor', 128, true),
    ],
    indices: [
      { name: 'ix_pii_binding_person', columnNames: ['person_bidx'] },
      { name: 'ix_pii_binding_customer', columnNames: ['customer_bidx'] },
      { name: 'ix_pii_binding_recorded', columnNames: ['recorded_at'] },
    ],
  });
}

function pageStateTable(dialect: Dialect): Table {
  return new Table({
    name: 'page_state',
    columns: [
      { ...varchar('state_hash', 64), isPrimary: true, primaryKeyConstraintName: 'pk_page_state' },
      varchar('flow', 16),
      varchar('account_id', 64),
      varchar('key_id', 64),
      binary(dialect, 'wrapped_key'),
      binary(dialect, 'iv'),
      binary(dialect, 'ciphertext'),
      bigint('created_at'),
      bigint('expires_at'),
      bigint('used_at', true),
    ],
    indices: [{ name: 'ix_page_state_expires', columnNames: ['expires_at'] }],
  });
}

function complianceAlertTable(dialect: Dialect): Table {
  return new Table({
    name: 'compliance_alert',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_compliance_alert' },
      varchar('kind', 64),
      varchar('severity', 16),
      varchar('account_id', 64),
      varchar('subject_bidx', 64, true),
      varchar('record_id', 36, true),
      // Rule and reason codes only: never message text or ids.
      { name: 'summary', ...longTextColumnType(dialect), isNullable: false },
      varchar('dedupe_key', 128),
      varchar('status', 16),
      bigint('created_at'),
      bigint('closed_at', true),
      varchar('closed_by', 128, true),
      varchar('close_action', 32, true),
      varchar('close_record_id', 36, true),
    ],
    uniques: [{ name: 'uq_compliance_alert_dedupe', columnNames: ['dedupe_key'] }],
    indices: [{ name: 'ix_compliance_alert_status', columnNames: ['status', 'created_at'] }],
  });
}

function wecomContactPairTable(dialect: Dialect): Table {
  return new Table({
    name: 'wecom_contact_pair',
    columns: [
      { ...varchar('pair_bidx', 64), isPrimary: true, primaryKeyConstraintName: 'pk_wecom_contact_pair' },
      varchar('corp_id', 64),
      varchar('external_bidx', 64),
      // The RM's WeCom userid and the customer's external_userid, sealed: reconciliation needs them in clear.
      varchar('key_id', 64),
      binary(dialect, 'wrapped_key'),
      binary(dialect, 'iv'),
      binary(dialect, 'ciphertext'),
      varchar('agree_status', 16, true),
      bigint('status_changed_at', true),
      bigint('checked_at', true),
      bigint('created_at'),
    ],
    indices: [
      { name: 'ix_wecom_contact_pair_corp', columnNames: ['corp_id', 'checked_at'] },
      { name: 'ix_wecom_contact_pair_external', columnNames: ['external_bidx'] },
    ],
  });
}

function wecomRoomTable(): Table {
  return new Table({
    name: 'wecom_room',
    columns: [
      { ...varchar('corp_id', 64), isPrimary: true, primaryKeyConstraintName: 'pk_wecom_room' },
      { ...varchar('roomid', 128), isPrimary: true, primaryKeyConstraintName: 'pk_wecom_room' },
      bigint('checked_at', true),
      bigint('created_at'),
    ],
  });
}

/** Creates the consent, binding, page-state, alert and WeCom pair tables; adds archive_record.customer_bidx. */
export class Consent1795500004000 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'Consent1795500004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(consentEntryTable());
    await queryRunner.createTable(piiBindingTable(dialect));
    await queryRunner.createTable(pageStateTable(dialect));
    await queryRunner.createTable(complianceAlertTable(dialect));
    await queryRunner.createTable(wecomContactPairTable(dialect));
    await queryRunner.createTable(wecomRoomTable());
    await queryRunner.addColumn('archive_record', new TableColumn({ ...varchar('customer_bidx', 64, true) }));
    // (customer, id): "every record of customer X" is answered from the index alone.
    await queryRunner.createIndex('archive_record', new TableIndex({ name: 'ix_archive_record_customer', columnNames: ['customer_bidx', 'id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('archive_record', 'ix_archive_record_customer');
    await queryRunner.dropColumn('archive_record', 'customer_bidx');
    for (const table of ['wecom_room', 'wecom_contact_pair', 'compliance_alert', 'page_state', 'pii_binding', 'consent_entry']) await queryRunner.dropTable(table);
  }
}
