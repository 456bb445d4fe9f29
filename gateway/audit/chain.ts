/**
 * The audit log's hash chain (invariant 6: "every admin action is in an audit
 * log chained the same way" as the archive). One chain: audit events are few
 * next to archive records, so writers serialise on one head row.
 *
 *   hash = canonicalHash({v:1, seq, prevHash, id, at, type, actorSubject,
 *            actorVia, target, contentHash, outcome, details})
 *
 * `at` is epoch milliseconds; `details` is the JSON object stored (as canonical
 * JSON text) in the row. The first event's prevHash is the genesis hash.
 */
import { canonicalHash } from '../../connectors/canonical/json';

/** The fields of an audit event the chain hash covers. */
export interface AuditChainInput {
  seq: number;
  prevHash: string;
  id: string;
  at: number;
  type: string;
  actorSubject: string;
  actorVia: string;
  target: string | null;
  contentHash: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The object an audit event's hash is defined over (the specification; independent verifiers rebuild this). */
export function auditEventDocument(input: AuditChainInput): Record<string, unknown> {
  // Field by field (not spread) so an extra property can never slip into the hash.
  return {
    v: 1,
    seq: input.seq,
    prevHash: input.prevHash,
    id: input.id,
    at: input.at,
    type: input.type,
    actorSubject: input.actorSubject,
    actorVia: input.actorVia,
    target: input.target,
    contentHash: input.contentHash,
    outcome: input.outcome,
    details: input.details,
  };
}

/** Hex sha256 of the canonical JSON of auditEventDocument(input). @throws CanonicalJsonError for a field outside canonical JSON */
export function auditEventHash(input: AuditChainInput): string {
  return canonicalHash(auditEventDocument(input));
}

/** The prevHash of the first audit event. */
export function auditGenesisHash(): string {
  return canonicalHash({ chain: 'cgw-audit', v: 1 });
}
