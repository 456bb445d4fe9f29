/**
 * Migration: the admin audit log (audit_event, a hash chain) and its head row
 * (audit_head). Schema API only, like every migration; the head row itself is
 * inserted by the audit log at start (a migration must not write data).
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { integerColumnType, longTextColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
// SSO-supplied text is Unicode; varchar on SQL Server would rewrite it and break the chain.
const unicode = (dialect: Dialect, name: string, length: number, isNullable = false): TableColumnOptions => ({
  ...varchar(name, length, isNullable),
  type: dialect === 'mssql' ? 'nvarchar' : 'varchar',
});
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });

function auditEventTable(dialect: Dialect): Table {
  return new Table({
    name: 'audit_event',
    columns: [
      { ...bigint('seq'), isPrimary: true, primaryKeyConstraintName: 'pk_audit_event' },
      varchar('id', 36),
      bigint('occurred_at'),
      varchar('event_type', 64),
      unicode(dialect, 'actor_subject', 255),
      varchar('actor_via', 16),
      unicode(dialect, 'target', 255, true),
      varchar('content_hash', 64, true),
      varchar('outcome', 16),
      { name: 'details', ...longTextColumnType(dialect), isNullable: false },
      varchar('prev_hash', 64),
      varchar('event_hash', 64),
    ],
    uniques: [{ name: 'uq_audit_event_id', columnNames: ['id'] }],
    indices: [
      { name: 'ix_audit_event_type', columnNames: ['event_type', 'seq'] },
      { name: 'ix_audit_event_actor', columnNames: ['actor_subject', 'seq'] },
      { name: 'ix_audit_event_target', columnNames: ['target', 'seq'] },
      { name: 'ix_audit_event_time', columnNames: ['occurred_at'] },
    ],
  });
}

function auditHeadTable(dialect: Dialect): Table {
  return new Table({
    name: 'audit_head',
    columns: [
      { name: 'id', ...integerColumnType(dialect), isNullable: false, isPrimary: true, primaryKeyConstraintName: 'pk_audit_head' },
      bigint('seq'),
      varchar('head_hash', 64),
      bigint('updated_at'),
    ],
  });
}

/** Creates audit_event and audit_head. */
export class AuditLog1795500000000 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'AuditLog1795500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(auditEventTable(dialect));
    await queryRunner.createTable(auditHeadTable(dialect));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_head');
    await queryRunner.dropTable('audit_event');
  }
}
