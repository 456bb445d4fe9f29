/**
 * The services the admin API calls, implemented by the gateway (create-gateway
 * wires them). Shapes are the spec's own (generated types), so a port cannot
 * return what the API cannot describe. Ports throw AdminError with a
 * PortErrorCode and a safe detail (no message text or PII) when they refuse.
 */
import type { components } from './generated/openapi';
import type { Actor } from '../auth/actor';

type Schemas = components['schemas'];

/** An approval's state. */
export type ApprovalStatus = Schemas['ApprovalStatus'];
/** One row of the approvals list. */
export type ApprovalSummary = Schemas['ApprovalSummary'];
/** A held message, decrypted, with its decision, approvals and comments. */
export type HeldMessage = Schemas['HeldMessage'];
/** What approve, reject and comment answer: the approval's state after the action. */
export type ApprovalResult = Schemas['ApprovalResult'];
/** Where an outbound message stands. */
export type MessageStatus = Schemas['MessageStatus'];
/** The decision of a policy dry-run (evaluatedAt as an ISO date-time). */
export type PolicyDecision = Schemas['Decision'];

/** Filters and page of GET /approvals; limit is always set (default 50, at most 200). */
export interface ApprovalListQuery {
  status?: ApprovalStatus;
  accountId?: string;
  appId?: string;
  /** The nextCursor of the previous page, as the port made it. */
  cursor?: string;
  limit: number;
}

/** One page of approvals; nextCursor null on the last page. Cursors are [A-Za-z0-9_-]{1,512}. */
export interface ApprovalPage {
  items: ApprovalSummary[];
  nextCursor: string | null;
}

/**
 * Held messages and their approvals. The port enforces the approval rules:
 * self_approval (actor in the requesting app's owner group), duplicate_approver
 * (the same subject twice), not_in_group (not in the rule's approver group),
 * not_pending, expired, not_found.
 */
export interface ApprovalsPort {
  list(query: ApprovalListQuery, actor: Actor): Promise<ApprovalPage>;
  /** @throws AdminError not_found */
  get(messageId: string, actor: Actor): Promise<HeldMessage>;
  /** Record an approval; releases the message when enough distinct approvers have approved. @throws AdminError */
  approve(messageId: string, actor: Actor, note?: string): Promise<ApprovalResult>;
  /** Reject for good. @throws AdminError */
  reject(messageId: string, actor: Actor, reason: string): Promise<ApprovalResult>;
  /** Add a comment (any status). @throws AdminError not_found */
  comment(messageId: string, actor: Actor, text: string): Promise<ApprovalResult>;
}

/** Outbound message status. */
export interface MessagesPort {
  /** @throws AdminError not_found */
  status(messageId: string): Promise<MessageStatus>;
}

/** A dry-run request: one Tencent-shaped body as app `appId` would send it to `path` of account `accountId`. */
export interface PolicyEvalRequest {
  accountId: string;
  appId: string;
  /** e.g. /cgi-bin/message/custom/send */
  path: string;
  body: Record<string, unknown>;
  /** Evaluate as of this instant, epoch ms (the API's `at`, or now). */
  atMs: number;
}

/** The live policy, evaluated without effect (nothing archived, sent or held). */
export interface PolicyEvalPort {
  /** @throws AdminError not_found (unknown account or app), invalid (a body the classifier refuses) */
  evaluate(request: PolicyEvalRequest): Promise<PolicyDecision>;
}

/** Internal apps' gateway credentials. */
export interface AppsPort {
  /** Revoke every live token of `appId` (on `accountId` only, when given); resolves with how many. @throws AdminError not_found (unknown app) */
  revokeTokens(appId: string, accountId?: string): Promise<number>;
}

/** A person as the API names one: kind, Tencent id and the configured account or corp. */
export type ApiPersonRef = Schemas['PersonRef'];
/** A person's derived consent and ledger history. */
export type PersonConsent = Schemas['PersonConsent'];
/** An officer's consent changes (the request body). */
export type RecordConsentRequest = Schemas['RecordConsentRequest'];
export type RecordConsentResult = Schemas['RecordConsentResult'];
export type BindRequest = Schemas['BindRequest'];
export type UnbindRequest = Schemas['UnbindRequest'];
export type BindingResult = Schemas['BindingResult'];
export type PersonBindings = Schemas['PersonBindings'];
export type CustomerRecordPage = Schemas['CustomerRecordPage'];
export type RightsRequest = Schemas['RightsRequest'];
export type RightsResult = Schemas['RightsResult'];
export type Alert = Schemas['Alert'];
export type AlertStatus = Schemas['AlertStatus'];
export type CloseAlertRequest = Schemas['CloseAlertRequest'];
export type CloseAlertResult = Schemas['CloseAlertResult'];

/**
 * Consent ledger and PII bindings. Ports throw AdminError invalid (a person or
 * account the gateway cannot take, naming the field), binding_conflict (an
 * openid of another Official Account), not_found. Each answer carries `audit`:
 * what the operation's audit event records (blind indexes, never ids).
 */
export interface ConsentPort {
  get(person: ApiPersonRef): Promise<{ consent: PersonConsent; audit: AuditFacts }>;
  /** @throws AdminError invalid */
  record(person: ApiPersonRef, request: RecordConsentRequest, actor: Actor): Promise<{ result: RecordConsentResult; audit: AuditFacts }>;
}

/** What an operation's audit event says about the person or customer it concerned. */
export interface AuditFacts {
  target?: string | null;
  details: Record<string, unknown>;
}

export interface BindingsPort {
  /** @throws AdminError invalid, binding_conflict */
  bind(request: BindRequest, actor: Actor): Promise<{ result: BindingResult; audit: AuditFacts }>;
  /** @throws AdminError invalid */
  unbind(request: UnbindRequest, actor: Actor): Promise<{ result: BindingResult; audit: AuditFacts }>;
  /** The binding history; customer ids only when `showCustomerIds`. */
  history(person: ApiPersonRef, showCustomerIds: boolean): Promise<{ bindings: PersonBindings; audit: AuditFacts }>;
  /** One page of the archive records about a customer, decrypted when asked and `mayDecrypt`. @throws AdminError forbidden (decrypt without the right), validation_failed (a foreign cursor) */
  customerRecords(customerId: string, query: { decrypt: boolean; cursor?: string; limit: number }, mayDecrypt: boolean): Promise<{ page: CustomerRecordPage; audit: AuditFacts }>;
}

/** The access file, built and archived (its rights.access record), ready to hand out. */
export interface AccessFileAnswer {
  recordId: string;
  chunks: Buffer[];
  size: number;
  sha256: string;
  audit: AuditFacts;
}

/** PIPL rights requests. */
export interface RightsPort {
  /** @throws AdminError invalid, result_too_large */
  access(person: ApiPersonRef, options: { omitMediaBytes: boolean }, actor: Actor): Promise<AccessFileAnswer>;
  /** Withdraw (`restrict`) or grant (`lift`) the processing purpose. @throws AdminError invalid */
  processing(action: 'restrict' | 'lift', request: RightsRequest, actor: Actor): Promise<{ result: RightsResult; audit: AuditFacts }>;
}

/** Compliance alerts. */
export interface AlertsPort {
  list(filter: { status?: AlertStatus; kind?: string; limit: number }): Promise<Alert[]>;
  /** Archive the review and close the alert in one transaction. @throws AdminError not_found, alert_not_open */
  close(alertId: string, request: CloseAlertRequest, actor: Actor): Promise<{ result: CloseAlertResult; audit: AuditFacts }>;
}

/** The ports over the outbound workflow (gateway/outbound/admin-ports.ts). */
export interface OutboundAdminPorts {
  approvals: ApprovalsPort;
  messages: MessagesPort;
  policy: PolicyEvalPort;
  apps: AppsPort;
}

/** The ports over consent, bindings, rights requests and alerts (gateway/consent-admin/admin-ports.ts). */
export interface ConsentAdminPorts {
  consent: ConsentPort;
  bindings: BindingsPort;
  rights: RightsPort;
  alerts: AlertsPort;
}

// --- content library (issue 6 item 6): begin ---
export type ContentItem = Schemas['ContentItem'];
export type ContentItemKind = Schemas['ContentItemKind'];
export type ContentItemStatus = Schemas['ContentItemStatus'];
export type ContentItemResult = Schemas['ContentItemResult'];
export type ContentItemPage = Schemas['ContentItemPage'];
export type ContentItemMessagePage = Schemas['ContentItemMessagePage'];
export type CreateContentItemRequest = Schemas['CreateContentItemRequest'];
export type ReviseContentItemRequest = Schemas['ReviseContentItemRequest'];
export type ContentTransitionRequest = Schemas['ContentTransitionRequest'];

/**
 * The pre-approved content library (gateway/content-library/admin-ports.ts). Ports throw AdminError
 * not_found, invalid (content that cannot be an item, naming the field), content_state (not in the
 * state the action needs, or `version` is not the current one), content_self_approval (two-person
 * rule), content_duplicate (an approved item has the same content). Each answer carries `audit`.
 */
export interface ContentLibraryPort {
  list(query: { status?: ContentItemStatus; kind?: ContentItemKind; cursor?: string; limit: number }): Promise<ContentItemPage>;
  /** @throws AdminError not_found */
  get(itemId: string): Promise<ContentItem>;
  /** @throws AdminError invalid */
  create(request: CreateContentItemRequest, actor: Actor): Promise<{ result: ContentItemResult; audit: AuditFacts }>;
  /** @throws AdminError not_found, invalid, content_state */
  revise(itemId: string, request: ReviseContentItemRequest, actor: Actor): Promise<{ result: ContentItemResult; audit: AuditFacts }>;
  /** submit, approve, reject or retire `version` of the item. @throws AdminError not_found, content_state, content_self_approval, content_duplicate */
  transition(action: 'submit' | 'approve' | 'reject' | 'retire', itemId: string, request: ContentTransitionRequest, actor: Actor): Promise<{ result: ContentItemResult; audit: AuditFacts }>;
  /** The captured messages that matched the item, newest first. @throws AdminError not_found, validation_failed (a foreign cursor) */
  messages(itemId: string, query: { cursor?: string; limit: number }): Promise<ContentItemMessagePage>;
}

/** The content library's port (gateway/content-library/admin-ports.ts). */
export interface ContentAdminPorts {
  content: ContentLibraryPort;
}
// --- content library: end ---

// --- RM departure (issue 6 item 7): begin ---
export type StartHandoverRequest = Schemas['StartHandoverRequest'];
export type Handover = Schemas['Handover'];
export type HandoverStatus = Schemas['HandoverStatus'];
export type HandoverList = Schemas['HandoverList'];
export type RmRecordPage = Schemas['RmRecordPage'];

/**
 * Hand-overs of an RM's customers and groups (gateway/handover/admin-ports.ts). Ports throw AdminError
 * invalid (naming the field: an unknown corp, the same RM twice, nothing to hand over, an RM WeCom does
 * not know), handover_in_progress (one of this RM is running), unavailable (WeCom could not be asked),
 * not_found, validation_failed (a foreign cursor), forbidden (decrypt without consent:read).
 */
export interface HandoverPort {
  start(request: StartHandoverRequest, actor: Actor): Promise<{ handover: Handover; audit: AuditFacts }>;
  /** One hand-over with its customers, groups and archive records. @throws AdminError not_found */
  get(handoverId: string): Promise<{ handover: Handover; audit: AuditFacts }>;
  list(filter: { corp?: string; status?: HandoverStatus; limit: number }): Promise<{ list: HandoverList; audit: AuditFacts }>;
  /** Everything involving an RM: their records, their handed-over customers' records, the hand-over records. */
  rmRecords(corp: string, userid: string, query: { decrypt: boolean; cursor?: string; limit: number }, mayDecrypt: boolean): Promise<{ page: RmRecordPage; audit: AuditFacts }>;
}

/** The hand-over port (gateway/handover/admin-ports.ts). */
export interface HandoverAdminPorts {
  handover: HandoverPort;
}
// --- RM departure: end ---

/** Every port the admin API needs. */
export type AdminPorts = OutboundAdminPorts & ConsentAdminPorts & ContentAdminPorts & HandoverAdminPorts;
