/**
 * Every problem the admin API answers with (RFC 9457): a stable `type` URI,
 * a title and a status per code. The spec's ProblemType enum lists the same
 * URIs (a test keeps them equal). Codes are never reused or renamed.
 */

/** The base of every problem type URI. */
export const PROBLEM_BASE = 'https://cgw.dev/problems/';

/** code → title and status. The type URI is PROBLEM_BASE + the code with dashes. */
export const PROBLEMS = {
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for your roles' },
  route_not_found: { status: 404, title: 'No such admin API route' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this route' },
  invalid_json: { status: 400, title: 'The request body is not valid JSON' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  validation_failed: { status: 400, title: 'The request does not match the API schema' },
  not_found: { status: 404, title: 'Not found' },
  not_pending: { status: 409, title: 'The approval is no longer pending', slug: 'approval-not-pending' },
  expired: { status: 409, title: 'The approval has expired', slug: 'approval-expired' },
  self_approval: { status: 403, title: "Members of the requesting app's owner group cannot approve its messages" },
  duplicate_approver: { status: 409, title: 'You have already approved this message; a second approver must be someone else' },
  not_in_group: { status: 403, title: "You are not in this approval's approver group", slug: 'not-in-approver-group' },
  invalid: { status: 400, title: 'The request cannot be carried out as given', slug: 'invalid-request' },
  binding_conflict: { status: 409, title: 'The id belongs to another account and cannot be bound here' },
  alert_not_open: { status: 409, title: 'The alert is not open' },
  result_too_large: { status: 422, title: 'The answer would exceed the configured size limit' },
  unavailable: { status: 503, title: 'Temporarily unavailable; try again', slug: 'service-unavailable' },
  internal: { status: 500, title: 'Internal error' },
  // content library
  content_state: { status: 409, title: 'The content item is not in a state (or at the version) this action needs', slug: 'content-item-state' },
  content_duplicate: { status: 409, title: 'An approved content item already has the same content' },
  content_self_approval: { status: 403, title: 'The submitter of a content item cannot approve it (two-person rule)' },
  // RM departure
  handover_in_progress: { status: 409, title: 'A hand-over of this RM is still running' },
} as const satisfies Record<string, { status: number; title: string; slug?: string }>;

/** A problem code. */
export type ProblemCode = keyof typeof PROBLEMS;

/** The codes ports may throw (the rest belong to the HTTP layer). */
export type PortErrorCode =
  | 'not_found' | 'not_pending' | 'expired' | 'self_approval' | 'duplicate_approver' | 'not_in_group' | 'invalid' | 'unavailable'
  | 'binding_conflict' | 'alert_not_open' | 'result_too_large' | 'forbidden'
  | 'content_state' | 'content_duplicate' | 'content_self_approval'
  | 'handover_in_progress';

/** The stable type URI of a problem code. */
export function problemType(code: ProblemCode): string {
  const entry = PROBLEMS[code] as { slug?: string };
  return PROBLEM_BASE + (entry.slug ?? code.replaceAll('_', '-'));
}

/** Every problem type URI, in registry order. */
export function allProblemTypes(): string[] {
  return (Object.keys(PROBLEMS) as ProblemCode[]).map(problemType);
}
