/**
 * Migration: RM departure (issue 6 item 7). `handover_job` (one hand-over of
 * an RM's customers and groups to another RM; the RMs' userids sealed and
 * blind-indexed), `handover_item` (each customer, sealed and blind-indexed,
 * or group, with its transfer status) and `handover_record` (the job's
 * wecom.handover archive records). Schema API only, names explicit.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { binaryColumnType, integerColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const binary = (dialect: Dialect, name: string, isNullable = false): TableColumnOptions => ({ name, ...binaryColumnType(dialect), isNullable });
const int = (dialect: Dialect, name: string, isNullable = false): TableColumnOptions => ({ name, ...integerColumnType(dialect), isNullable });

function handoverJobTable(dialect: Dialect): Table {
  return new Table({
    name: 'handover_job',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_handover_job' },
      varchar('corp_id', 64),
      varchar('mode', 16),
      varchar('from_bidx', 64),
      varchar('to_bidx', 64),
      // The two RMs' userids (and the transfer message), sealed: the transfer APIs need them in clear.
      varchar('key_id', 64),
      binary(dialect, 'wrapped_key'),
      binary(dialect, 'iv'),
      binary(dialect, 'ciphertext'),
      varchar('status', 16),
      varchar('active_key', 140),
      varchar('request_key', 200),
      varchar('started_by', 128),
      varchar('started_via', 16),
      bigint('created_at'),
      bigint('updated_at'),
      bigint('next_run_at', true),
      int(dialect, 'attempts'),
      varchar('failure_code', 64, true),
      varchar('failure_detail', 512, true),
      bigint('finished_at', true),
    ],
    uniques: [
      { name: 'uq_handover_job_active', columnNames: ['active_key'] },
      { name: 'uq_handover_job_request', columnNames: ['request_key'] },
    ],
    indices: [
      { name: 'ix_handover_job_due', columnNames: ['status', 'next_run_at'] },
      { name: 'ix_handover_job_from', columnNames: ['from_bidx'] },
      { name: 'ix_handover_job_to', columnNames: ['to_bidx'] },
    ],
  });
}

function handoverItemTable(dialect: Dialect): Table {
  return new Table({
    name: 'handover_item',
    columns: [
      { ...varchar('id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_handover_item' },
      varchar('job_id', 36),
      varchar('corp_id', 64),
      varchar('mode', 16),
      varchar('kind', 8),
      int(dialect, 'seq'),
      varchar('subject_bidx', 64, true),
      // A customer's external_userid, sealed; a group's chat_id (not personal) in clear.
      varchar('key_id', 64, true),
      binary(dialect, 'wrapped_key', true),
      binary(dialect, 'iv', true),
      binary(dialect, 'ciphertext', true),
      varchar('chat_id', 128, true),
      varchar('status', 16),
      int(dialect, 'errcode', true),
      varchar('reason', 64, true),
      varchar('detail', 256, true),
      varchar('call_record_id', 36, true),
      bigint('accepted_at', true),
      bigint('takeover_at', true),
      bigint('updated_at'),
    ],
    indices: [
      { name: 'ix_handover_item_job', columnNames: ['job_id', 'kind', 'seq'] },
      { name: 'ix_handover_item_subject', columnNames: ['subject_bidx'] },
    ],
  });
}

function handoverRecordTable(): Table {
  return new Table({
    name: 'handover_record',
    columns: [
      { ...varchar('record_id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_handover_record' },
      varchar('job_id', 36),
      varchar('step', 32),
      bigint('created_at'),
    ],
    indices: [{ name: 'ix_handover_record_job', columnNames: ['job_id'] }],
  });
}

/** Creates handover_job, handover_item and handover_record. */
export class Handover1795500007000 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'Handover1795500007000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(handoverJobTable(dialect));
    await queryRunner.createTable(handoverItemTable(dialect));
    await queryRunner.createTable(handoverRecordTable());
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('handover_record');
    await queryRunner.dropTable('handover_item');
    await queryRunner.dropTable('handover_job');
  }
}
