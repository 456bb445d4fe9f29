/**
 * The admin audit log: one hash chain of events (who, when, what, the
 * message's content hash, outcome) and the head row writers serialise on.
 * Text an actor's SSO supplies (subject, target) is Unicode: nvarchar on SQL
 * Server, where varchar would silently rewrite non-ASCII and break the chain.
 */
import { EntitySchema, type EntitySchemaColumnOptions } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, intColumn, longTextColumn, varcharColumn } from './columns';

/** A row of `audit_event`. */
export interface AuditEventRow {
  /** Position in the chain, from 1. */
  seq: number;
  id: string;
  /** Epoch milliseconds. */
  occurredAt: number;
  eventType: string;
  actorSubject: string;
  actorVia: string;
  target: string | null;
  contentHash: string | null;
  outcome: string;
  /** Canonical JSON of the details object. */
  details: string;
  prevHash: string;
  eventHash: string;
}

/** The row of `audit_head` (always id 1): the newest event's seq and hash. */
export interface AuditHeadRow {
  id: number;
  seq: number;
  headHash: string;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Entity name for `dataSource.getRepository<AuditEventRow>(…)`. */
export const AUDIT_EVENT_ENTITY = 'AuditEvent';
/** Entity name for `dataSource.getRepository<AuditHeadRow>(…)`. */
export const AUDIT_HEAD_ENTITY = 'AuditHead';

/** Unicode text of bounded length: nvarchar(n) on SQL Server, varchar(n) (already Unicode) elsewhere. */
function unicodeColumn(dialect: Dialect, name: string, length: number, nullable = false): EntitySchemaColumnOptions {
  return { ...varcharColumn(name, length, { nullable }), type: dialect === 'mssql' ? 'nvarchar' : 'varchar' };
}

/** The `audit_event` entity schema for one dialect. */
export function auditEventEntity(dialect: Dialect): EntitySchema<AuditEventRow> {
  return new EntitySchema<AuditEventRow>({
    name: AUDIT_EVENT_ENTITY,
    tableName: 'audit_event',
    columns: {
      seq: { ...bigintColumn('seq', { primary: true }), primaryKeyConstraintName: 'pk_audit_event' },
      id: varcharColumn('id', 36),
      occurredAt: bigintColumn('occurred_at'),
      eventType: varcharColumn('event_type', 64),
      actorSubject: unicodeColumn(dialect, 'actor_subject', 255),
      actorVia: varcharColumn('actor_via', 16),
      target: unicodeColumn(dialect, 'target', 255, true),
      contentHash: varcharColumn('content_hash', 64, { nullable: true }),
      outcome: varcharColumn('outcome', 16),
      details: longTextColumn(dialect, 'details'),
      prevHash: varcharColumn('prev_hash', 64),
      eventHash: varcharColumn('event_hash', 64),
    },
    uniques: [{ name: 'uq_audit_event_id', columns: ['id'] }],
    indices: [
      { name: 'ix_audit_event_type', columns: ['eventType', 'seq'] },
      { name: 'ix_audit_event_actor', columns: ['actorSubject', 'seq'] },
      { name: 'ix_audit_event_target', columns: ['target', 'seq'] },
      { name: 'ix_audit_event_time', columns: ['occurredAt'] },
    ],
  });
}

/** The `audit_head` entity schema (the same on every dialect). */
export function auditHeadEntity(): EntitySchema<AuditHeadRow> {
  return new EntitySchema<AuditHeadRow>({
    name: AUDIT_HEAD_ENTITY,
    tableName: 'audit_head',
    columns: {
      id: { ...intColumn('id', { primary: true }), primaryKeyConstraintName: 'pk_audit_head' },
      seq: bigintColumn('seq'),
      headHash: varcharColumn('head_hash', 64),
      updatedAt: bigintColumn('updated_at'),
    },
  });
}
