/** What the outbound commands need from the rest of the gateway, as interfaces the composition root fills. */
import type { Decision } from '../../connectors/canonical/decision';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import type { MultipartFile } from '../../connectors/wechat/api/multipart';
import type { FollowerRows } from './contact-store';

/** `atRelease`: re-evaluation of an approved message (its own recipients are not counted twice); `now`: evaluate as of that instant (dry-runs); `followers`: the recipients' rows the caller read (one read per message; a promise while that read is still out). */
export interface DecideOptions {
  atRelease?: boolean;
  now?: number;
  followers?: FollowerRows | Promise<FollowerRows>;
  /**
   * A disclosure the gateway itself sends (the consent notice, whose text is configuration compliance owns):
   * not retail communication, so FINRA 2210's same-content count does not apply. Every other rule does.
   */
  notRetail?: boolean;
}

/** Builds the policy context for a message (consent, binding, window, usage) and evaluates the live policy. */
export interface PolicyGate {
  readonly version: string;
  decide(message: OutboundMessage, options?: DecideOptions): Promise<Decision>;
  /** When the message's customer-service window closes (a held message expires then), or null. */
  windowClosesAt?(message: OutboundMessage, followers?: FollowerRows): Promise<number | null>;
}

/** Tencent's answer to one delivery, classified at the connector edge. */
export type TencentOutcome =
  | { ok: true; response: Record<string, unknown> }
  | { ok: false; errcode: number | null; errmsg: string; retry: 'backoff' | 'never'; delivered: 'no' | 'unknown' };

/** Delivers a body to Tencent with the real access token (refresh and one retry on a stale token are inside). */
export interface TencentSender {
  send(target: TencentTarget, path: string, body: Record<string, unknown>, timeoutMs: number): Promise<TencentOutcome>;
  /** A read (GET with query parameters; the token is added). */
  get(target: TencentTarget, path: string, query: Record<string, string>, timeoutMs: number): Promise<TencentOutcome>;
  /** One file as multipart/form-data (media uploads; the token is added), within the upstream client's own timeout. */
  upload(target: TencentTarget, path: string, query: Record<string, string>, file: MultipartFile): Promise<TencentOutcome>;
}

/** Which account's (and, on WeCom, which secret's) token a call uses. */
export interface TencentTarget {
  product: 'oa' | 'wecom';
  accountId: string;
  secret?: string;
}

/** Audit events the outbound workflow writes (no message text, no tokens). */
export interface OutboundAuditEvent {
  type: 'outbound.held' | 'outbound.released' | 'outbound.rejected' | 'outbound.denied_at_release' | 'outbound.expired';
  actor: { subject: string; via: string };
  target: string;
  contentHash?: string;
  outcome: string;
  details: Record<string, string | number | boolean>;
}

export interface OutboundAudit {
  record(event: OutboundAuditEvent): Promise<void>;
}
