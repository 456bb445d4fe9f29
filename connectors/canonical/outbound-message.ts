/**
 * Canonical outbound message: what an internal app's Tencent-compatible API
 * call is classified into before policy, archive and delivery. Defined once;
 * the policy engine, the approvals workflow and delivery all read this shape.
 */

/** Which kind of send this is; fixes the Tencent endpoint it is delivered to. */
export const OUTBOUND_KINDS = {
  'oa.custom': 'OA customer-service message (message/custom/send), inside the 48-hour window',
  'oa.template': 'OA template message (message/template/send)',
  'oa.subscribe': 'OA subscription notice (message/subscribe/bizsend)',
  'oa.mass': 'OA mass/broadcast send (message/mass/sendall, message/mass/send)',
  'oa.mass.preview': 'OA mass-send preview to one follower (message/mass/preview)',
  'oa.reply': 'A passive reply an internal app returned inside a callback answer',
  'wecom.app': 'WeCom app message to employees (message/send)',
  'wecom.customer_mass': 'WeCom customer mass-send task (externalcontact/add_msg_template)',
  'wecom.welcome': 'WeCom welcome message (externalcontact/send_welcome_msg)',
} as const;
export type OutboundKind = keyof typeof OUTBOUND_KINDS;

/** Who a message is addressed to. Ids are Tencent's (openid, userid, …); never logged. */
export interface OutboundRecipient {
  type: 'openid' | 'userid' | 'party' | 'tag' | 'oa_tag' | 'external_userid' | 'chat' | 'all' | 'welcome_code';
  id: string;
}

/** One human-readable text in the body: what lexicon and PII rules read and transforms rewrite. */
export interface OutboundText {
  /** JSON Pointer (RFC 6901) of the string inside `body`, e.g. `/text/content`. */
  path: string;
  text: string;
}

export interface OutboundMessage {
  /** The gateway's message id (also the msgid the app is answered with). */
  id: string;
  kind: OutboundKind;
  product: 'oa' | 'wecom';
  /** The gateway's configured account id (OA) or corp id (WeCom), not Tencent's. */
  accountId: string;
  /** The internal app that submitted it. */
  appId: string;
  /** Tencent's msgtype (`text`, `news`, `template`, …). */
  msgtype: string;
  recipients: OutboundRecipient[];
  /** Every human-readable string of the body, by JSON Pointer. */
  texts: OutboundText[];
  /** The request body exactly as Tencent will receive it (after any transform). */
  body: Record<string, unknown>;
  /** sha256 (hex) of the canonical JSON of the body without its recipient fields: "the same content" for FINRA 2210 counting and audit. */
  contentHash: string;
  /** Epoch ms the gateway accepted the request. */
  submittedAt: number;
}
