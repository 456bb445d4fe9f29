/**
 * Canonical inbound event: what every connector turns a Tencent push into, and
 * what the archive, the policy engine and forwarding work with. Defined once.
 */

/** An XML element value as parsed from a Tencent push: text, or nested elements (repeated elements become arrays). */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

/** Which Tencent product the event came from. */
export type ChatChannel = 'wechat-oa' | 'wecom';

/**
 * Canonical event types. Messages are `message.<MsgType>`, events
 * `event.<Event lower-cased>`; anything not in the reference is `unknown`
 * and is archived all the same.
 */
export const OA_MESSAGE_TYPES = ['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link', 'miniprogrampage'] as const;
export const OA_EVENT_TYPES = [
  'subscribe', 'unsubscribe', 'scan', 'location', 'click', 'view',
  'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select',
  'templatesendjobfinish', 'masssendjobfinish',
  'subscribe_msg_popup_event', 'subscribe_msg_change_event', 'subscribe_msg_sent_event',
] as const;
export type OaMessageType = (typeof OA_MESSAGE_TYPES)[number];
export type OaEventType = (typeof OA_EVENT_TYPES)[number];
export type ChatEventType = `message.${OaMessageType}` | `event.${OaEventType}` | 'unknown';

export interface ChatEvent {
  channel: ChatChannel;
  /** The gateway's configured account id (not Tencent's). */
  accountId: string;
  /** Tencent's ToUserName: the OA original id (gh_…) or the CorpID. */
  toUserName: string;
  /** Tencent's FromUserName: the sender's openid (OA) or userid (WeCom). */
  fromUserName: string;
  /** Tencent's CreateTime, unix seconds. */
  createTime: number;
  type: ChatEventType;
  /** MsgType exactly as on the wire. */
  msgType: string;
  /** Event exactly as on the wire (case preserved), for events. */
  event?: string;
  /** MsgId (messages) or MsgID (job-finish events), kept as a string: it exceeds 2^53. */
  msgId?: string;
  /** The complete dedupe key for this event type (see connectors/wechat/callback/dedupe-key.ts). */
  dedupeKey: string;
  /** Type-specific fields, canonical names (camelCase). */
  fields: Record<string, XmlValue>;
  /** Every element of the decrypted push, as parsed, so nothing Tencent sent is lost. */
  raw: XmlObject;
}
