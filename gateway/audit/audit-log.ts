/** The audit log's interface: what the admin API and the gateway record, and how it is read. */
import type { AuditEventType } from './event-types';

/** How an actor was identified: an admin's method, `anonymous` (failed authentication), `system` (the gateway), `app` (an internal app). */
export type AuditActorVia = 'oidc' | 'local-token' | 'anonymous' | 'system' | 'app';
/** What came of the action. */
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** One event to record. No secrets, message text or PII anywhere in it. */
export interface AuditEventInput {
  type: AuditEventType;
  actor: { subject: string; via: AuditActorVia };
  /** Epoch ms; default: the log's clock. */
  at?: number;
  /** What the action was on (a message id, an operation); never a person's identifier. */
  target?: string | null;
  /** The message's content hash (OutboundMessage.contentHash) when the action concerns one. */
  contentHash?: string | null;
  outcome: AuditOutcome;
  /** Codes, counts, hashes and ids only; see details.ts. */
  details?: Record<string, unknown>;
}

/** A stored, chained audit event. */
export interface AuditEvent {
  seq: number;
  id: string;
  at: number;
  type: AuditEventType;
  actor: { subject: string; via: AuditActorVia };
  target: string | null;
  contentHash: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Filters for listing. Times are epoch ms; `afterSeq`/`beforeSeq` page through in seq order. */
export interface AuditQuery {
  type?: AuditEventType;
  actor?: string;
  target?: string;
  outcome?: AuditOutcome;
  fromMs?: number;
  toMs?: number;
  order: 'asc' | 'desc';
  /** Exclusive seq bound the page continues from (the last seq of the previous page). */
  cursorSeq?: number;
  limit: number;
}

/** One page of events and the seq the next page continues from (null: no more). */
export interface AuditPage {
  items: AuditEvent[];
  nextCursorSeq: number | null;
}

/** The append-only, hash-chained audit log. */
export interface AuditLog {
  /** Append one event to the chain; resolves after it committed. @throws AuditDetailsError for forbidden details; the database's error (nothing written) */
  record(event: AuditEventInput): Promise<AuditEvent>;
  /** One page of events. */
  list(query: AuditQuery): Promise<AuditPage>;
}
