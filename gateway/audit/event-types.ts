/**
 * Registered audit event types. Stable codes: they are stored in every audit
 * row and hashed into the chain, so a code is never reused or renamed. A test
 * keeps this registry, docs/audit-event-types.md and the OpenAPI enum equal.
 */
export const AUDIT_EVENT_TYPES = {
  'admin.auth.failed': 'An admin API request failed authentication (reason recorded, never the token)',
  'admin.access.denied': "An authenticated admin caller lacked the operation's permission",
  'admin.approval.list': 'An admin listed held messages',
  'admin.approval.view': 'An admin read one held message decrypted',
  'admin.approval.approve': 'An admin approved a held message (or tried to: outcome failure with the problem)',
  'admin.approval.reject': 'An admin rejected a held message with a reason (the reason is stored with the approval, its hash here)',
  'admin.approval.comment': 'An admin commented on a held message (the text is stored with the approval, its hash here)',
  'admin.message.status': "An admin read an outbound message's status",
  'admin.policy.eval': 'An admin dry-ran the live policy on a request (the decision is recorded, not the request)',
  'admin.audit.list': 'An admin read the audit log',
  'admin.audit.verify': "An admin verified the audit log's hash chain",
  'api.auth.failed': "An internal app's call to the Tencent-compatible API failed authentication",
  'outbound.held': 'The policy held an outbound message for approval',
  'outbound.released': 'An approved outbound message was released for delivery',
  'outbound.rejected': 'A held outbound message was rejected and will never be delivered',
  'outbound.expired': 'A held outbound message expired before enough approvals',
  'admin.app.tokens.revoke': "An admin revoked an internal app's gateway access tokens",
  'outbound.denied_at_release': 'An approved message was re-evaluated at release and the live policy denied it (consent withdrawn, window closed): never delivered',
  'page.rejected': 'A consent or bind page request was refused (code and problem recorded: CSRF, replayed or forged form, bad OAuth state or code, bad bank assertion, unknown account …); nothing was recorded in the ledger or bindings',
  'consent.page_submitted': "A WeChat user's choices on the consent page were recorded in the consent ledger (evidence record id, purposes granted, withdrawn and changed; the person as a blind index)",
  'binding.page_bound': "A WeChat user's openid (and unionid) was bound to a bank customer id through the bind page and the bank's signed assertion (customer and person as blind indexes only)",
} as const;

/** A registered audit event type. */
export type AuditEventType = keyof typeof AUDIT_EVENT_TYPES;

/** True when `code` is a registered audit event type. */
export function isAuditEventType(code: unknown): code is AuditEventType {
  return typeof code === 'string' && Object.hasOwn(AUDIT_EVENT_TYPES, code);
}
