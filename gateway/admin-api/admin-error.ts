/**
 * The admin API's one error type. Ports throw it with a port code (not_found,
 * not_pending, …) and a safe detail; the HTTP layer throws it too. Mapped to
 * problem+json in one place (problem-response.ts); 5xx never show the detail.
 */
import { randomUUID } from 'node:crypto';
import { PROBLEMS, type ProblemCode } from './problems';

/** Where a validation problem is: a JSON Pointer into the request, and what is wrong (never the value). */
export interface FieldProblem {
  pointer: string;
  message: string;
}

/** Extra facts an error may carry. */
export interface AdminErrorExtras {
  /** The message's content hash, when the refused action concerned one (audited as evidence). */
  contentHash?: string;
  /** For validation_failed. */
  errors?: FieldProblem[];
  /** What the failure's audit event should add: the target (never a person's id) and details (blind indexes, codes). */
  audit?: { target?: string | null; details?: Record<string, unknown> };
  /** Response headers the problem needs (WWW-Authenticate, Allow). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AdminError extends Error {
  /** Echoed as the problem's instance (urn:uuid:…) and in the log line. */
  readonly errorId = randomUUID();
  readonly status: number;

  /** `detail` must be safe to show: no message text, PII or secrets. */
  constructor(readonly code: ProblemCode, readonly detail: string, readonly extras: AdminErrorExtras = {}) {
    super(detail, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.name = 'AdminError';
    this.status = PROBLEMS[code].status;
  }

  /** Whether detail may be shown (4xx) or must be replaced by generic text (5xx). */
  get expose(): boolean {
    return this.status < 500;
  }
}
