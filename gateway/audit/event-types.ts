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
  'admin.consent.view': "An admin read a person's derived consent and ledger history (the person as a blind index)",
  'admin.consent.record': 'An admin recorded consent changes for a person (paper form, import) with a basis; the evidence record id and purposes are recorded, the basis as its hash',
  'admin.binding.bind': 'An admin or the CRM bound ids to a bank customer id with evidence (persons and customer as blind indexes; the evidence record id)',
  'admin.binding.unbind': 'An admin or the CRM unbound ids from their customer id with evidence (persons as blind indexes; the evidence record id)',
  'admin.binding.view': "An admin read a person's binding history (whether customer ids were shown is recorded)",
  'admin.customer.records': 'An admin listed the archive records about a customer, or read them decrypted (customer as a blind index; count, and a hash of the record ids read)',
  'admin.rights.access': "A PIPL access request was answered with a file of everything held about a person (the rights.access record id, the file's sha256 and size; the person as a blind index)",
  'admin.rights.restrict': "A person's processing consent was withdrawn on request: retained for legal obligation only (evidence record id; the basis as its hash)",
  'admin.rights.lift': 'A processing restriction was lifted: processing consent granted again (evidence record id; the basis as its hash)',
  'admin.alert.list': 'An admin listed compliance alerts',
  'admin.alert.close': 'An admin reviewed and closed a compliance alert (the action, the alert.review record id; the note as its hash)',
} as const;

/** A registered audit event type. */
export type AuditEventType = keyof typeof AUDIT_EVENT_TYPES;

/** True when `code` is a registered audit event type. */
export function isAuditEventType(code: unknown): code is AuditEventType {
  return typeof code === 'string' && Object.hasOwn(AUDIT_EVENT_TYPES, code);
}
