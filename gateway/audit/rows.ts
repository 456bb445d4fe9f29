/** audit_event rows ↔ AuditEvent, and the chain fields of a row. */
import type { AuditEventRow } from '../db/entities';
import type { AuditActorVia, AuditEvent, AuditOutcome } from './audit-log';
import type { AuditChainInput } from './chain';
import type { AuditEventType } from './event-types';

/** The stored event a row holds. @throws SyntaxError when details is not JSON (verify reports such rows instead) */
export function rowToEvent(row: AuditEventRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.occurredAt,
    type: row.eventType as AuditEventType,
    actor: { subject: row.actorSubject, via: row.actorVia as AuditActorVia },
    target: row.target,
    contentHash: row.contentHash,
    outcome: row.outcome as AuditOutcome,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.eventHash,
  };
}

/** The fields a row's hash covers. @throws SyntaxError when details is not JSON */
export function chainInputOf(row: AuditEventRow): AuditChainInput {
  return {
    seq: row.seq,
    prevHash: row.prevHash,
    id: row.id,
    at: row.occurredAt,
    type: row.eventType,
    actorSubject: row.actorSubject,
    actorVia: row.actorVia,
    target: row.target,
    contentHash: row.contentHash,
    outcome: row.outcome,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}
