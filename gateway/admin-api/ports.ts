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

/** Every port the admin API needs. */
export interface AdminPorts {
  approvals: ApprovalsPort;
  messages: MessagesPort;
  policy: PolicyEvalPort;
  apps: AppsPort;
}
