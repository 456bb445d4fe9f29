/**
 * Migration 1: the archive (records, chain heads, checkpoints), the outbox and
 * the callback replay guard. Written only with TypeORM's schema API so the
 * same code produces SQLite, PostgreSQL and SQL Server DDL; constraints and
 * indexes are declared inline on the Table so SQLite never has to rebuild a
 * table to add them, and every one has an explicit name so later migrations
 * can drop it by name on every back end.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { binaryColumnType, integerColumnType, longTextColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});
const int = (dialect: Dialect, name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  ...integerColumnType(dialect),
  isNullable: false,
  ...extra,
});
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const binary = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...binaryColumnType(dialect), isNullable: false });
const longText = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...longTextColumnType(dialect), isNullable: false });

function archiveRecordTable(dialect: Dialect): Table {
  return new Table({
    name: 'archive_record',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_archive_record' },
      int(dialect, 'shard'),
      bigint('shard_seq'),
      varchar('record_type', 64),
      varchar('account_bidx', 64),
      varchar('subject_bidx', 64, true),
      varchar('time_bucket_bidx', 64),
      varchar('dedupe_bidx', 64),
      varchar('key_id', 64),
      binary(dialect, 'wrapped_key'),
      binary(dialect, 'iv'),
      binary(dialect, 'ciphertext'),
      varchar('prev_hash', 64),
      varchar('record_hash', 64),
    ],
    uniques: [
      { name: 'uq_archive_record_dedupe', columnNames: ['dedupe_bidx'] },
      { name: 'uq_archive_record_shard_seq', columnNames: ['shard', 'shard_seq'] },
    ],
    indices: [
      { name: 'ix_archive_record_account_time', columnNames: ['account_bidx', 'time_bucket_bidx'] },
      { name: 'ix_archive_record_subject', columnNames: ['subject_bidx'] },
    ],
  });
}

function chainHeadTable(dialect: Dialect): Table {
  return new Table({
    name: 'chain_head',
    columns: [
      int(dialect, 'shard', { isPrimary: true, primaryKeyConstraintName: 'pk_chain_head' }),
      bigint('seq'),
      varchar('head_hash', 64),
      bigint('updated_at'),
    ],
  });
}

function checkpointTable(dialect: Dialect): Table {
  return new Table({
    name: 'checkpoint',
    columns: [
      { ...bigint('checkpoint_seq'), isPrimary: true, primaryKeyConstraintName: 'pk_checkpoint' },
      bigint('created_at'),
      longText(dialect, 'body'),
      varchar('body_hash', 64),
      longText(dialect, 'signature'),
      varchar('signer_fingerprint', 64),
      longText(dialect, 'signer_cert'),
      varchar('prev_checkpoint_hash', 64),
    ],
  });
}

function outboxTable(dialect: Dialect): Table {
  return new Table({
    name: 'outbox',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_outbox' },
      varchar('record_id', 36),
      varchar('kind', 32),
      varchar('target', 128),
      varchar('status', 16),
      int(dialect, 'attempts', { default: '0' }),
      bigint('next_attempt_at'),
      varchar('last_error', 512, true),
      bigint('created_at'),
      bigint('updated_at'),
      bigint('done_at', true),
    ],
    uniques: [{ name: 'uq_outbox_record_kind_target', columnNames: ['record_id', 'kind', 'target'] }],
    indices: [{ name: 'ix_outbox_status_next_attempt', columnNames: ['status', 'next_attempt_at'] }],
    // No ON DELETE action: archive records are never deleted.
    foreignKeys: [
      { name: 'fk_outbox_record', columnNames: ['record_id'], referencedTableName: 'archive_record', referencedColumnNames: ['id'] },
    ],
  });
}

function callbackNonceTable(): Table {
  return new Table({
    name: 'callback_nonce',
    columns: [
      { ...varchar('nonce_key', 64), isPrimary: true, primaryKeyConstraintName: 'pk_callback_nonce' },
      varchar('body_hash', 64),
      bigint('expires_at'),
    ],
    indices: [{ name: 'ix_callback_nonce_expires', columnNames: ['expires_at'] }],
  });
}

/** Creates archive_record, chain_head, checkpoint, outbox and callback_nonce. */
export class InitialSchema1795433713913 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'InitialSchema1795433713913';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(archiveRecordTable(dialect));
    await queryRunner.createTable(chainHeadTable(dialect));
    await queryRunner.createTable(checkpointTable(dialect));
    await queryRunner.createTable(outboxTable(dialect));
    await queryRunner.createTable(callbackNonceTable());
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Reverse order: outbox references archive_record.
    for (const table of ['callback_nonce', 'outbox', 'checkpoint', 'chain_head', 'archive_record']) {
      await queryRunner.dropTable(table);
    }
  }
}
