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
  // content library (issue 6 item 6): begin
  'admin.content.list': 'An admin listed content library items',
  'admin.content.view': 'An admin read one content library item and its transitions',
  'admin.content.create': 'An admin created a content library item as a draft (item id, kind, fingerprint, the content.item record id; never the text)',
  'admin.content.revise': 'An admin revised a draft content library item: a new version (item id, version, fingerprint, the content.item record id)',
  'admin.content.submit': 'An admin submitted a content library item for approval (item id, version, the content.approval record id)',
  'admin.content.approve': 'A compliance officer approved a content library item (or tried to: self-approval under the two-person rule, a state that moved on, an approved duplicate); item id, version, fingerprint, the content.approval record id',
  'admin.content.reject': 'A compliance officer rejected a submitted content library item back to draft (the note is archived, its hash here)',
  'admin.content.retire': 'A compliance officer retired an approved content library item: messages sent from then on no longer match it (the note is archived, its hash here)',
  'admin.content.uses': 'An admin listed the captured chat-archive messages that matched a content library item',
  'sidebar.signed_in': 'A relationship manager opened the WeCom content sidebar: WeCom web authorization named a corp member (the corp; the RM as a blind index)',
  'sidebar.media_uploaded': 'The WeCom content sidebar uploaded an approved image item to WeCom so an RM could send it (item id, version, the RM as a blind index; never the media_id)',
  'sidebar.rejected': 'A WeCom content sidebar request was refused (code and problem recorded: bad OAuth state or code, not a corp member, no session, foreign origin, an item that is not approved …)',
  // content library: end
  // RM departure (issue 6 item 7): begin
  'admin.handover.start': "An admin started a hand-over of an RM's customers and groups to another RM (the job id, mode, corp, both RMs as blind indexes, how many customers and groups, how many the gateway refused before calling under the 2-in-90-days rule)",
  'admin.handover.view': "An admin read one hand-over's status with its customers and groups (the job id)",
  'admin.handover.list': 'An admin listed hand-overs',
  'admin.rm.records': 'An admin listed the archive records involving an RM — their own, those of every customer handed to or from them, and the hand-over records — or read them decrypted (the RM as a blind index; count, and a hash of the record ids read)',
  'handover.transfer': 'The gateway called a WeCom transfer API for a hand-over (customers: transfer_customer or resigned/transfer_customer; groups: groupchat/onjob_transfer or groupchat/transfer): how many were sent, accepted and refused per errcode, or the code of the failed call',
  'handover.resolved': "The gateway settled a hand-over's transfer call whose answer was lost from transfer_result or groupchat/get instead of calling again: how many were found accepted and how many go again",
  'handover.result': "A hand-over's customers reached their final state in transfer_result (taken over, refused by the customer, takeover RM at their limit, no record): the counts",
  'handover.completed': 'A hand-over ended: every customer and group has its final state (the counts)',
  'handover.failed': 'A hand-over stopped sending for good (WeCom refused the call — 40097, the RM has not left; a userid WeCom does not know — or transient failures went on too long): the code; customers and groups not yet sent are marked failed',
  // RM departure: end
} as const;

/** A registered audit event type. */
export type AuditEventType = keyof typeof AUDIT_EVENT_TYPES;

/** True when `code` is a registered audit event type. */
export function isAuditEventType(code: unknown): code is AuditEventType {
  return typeof code === 'string' && Object.hasOwn(AUDIT_EVENT_TYPES, code);
}
