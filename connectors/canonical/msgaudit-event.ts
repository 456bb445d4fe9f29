/**
 * Canonical chat-archive event: what the msgaudit connector turns one
 * decrypted WeCom chat-archive record (会话内容存档, wecom.md §6.5) into, and
 * what the archive, supervision and the consent ledger work with. Defined once,
 * in the spirit of ChatEvent (chat-event.ts): wire values kept, canonical
 * camelCase names in `fields`, and the whole decrypted object in `raw`.
 */

/** A JSON value as kept in `raw` and `fields`: numbers are safe integers only (see MsgauditEvent.raw). */
export type MsgauditJsonValue = null | boolean | number | string | MsgauditJsonValue[] | MsgauditJsonObject;
export interface MsgauditJsonObject {
  [name: string]: MsgauditJsonValue;
}

/** `action` values of the reference; anything else is kept as sent and typed 'unknown'. */
export const MSGAUDIT_ACTIONS = ['send', 'recall', 'switch'] as const;
export type MsgauditAction = (typeof MSGAUDIT_ACTIONS)[number];

/**
 * Every `msgtype` of wecom.md §6.5 (plus the three `info`-payload types open-source
 * SDKs model from the same doc page: voiptext, qydiskfile, meeting_notification).
 * A msgtype not listed is never an error: the event is typed 'unknown' and archived from `raw`.
 */
export const MSGAUDIT_MESSAGE_TYPES = [
  'text', 'image', 'revoke', 'agree', 'disagree', 'voice', 'video', 'card', 'location', 'emotion',
  'file', 'link', 'weapp', 'chatrecord', 'todo', 'vote', 'collect', 'redpacket', 'meeting', 'docmsg',
  'markdown', 'news', 'calendar', 'mixed', 'meeting_voice_call', 'voip_doc_share', 'external_redpacket',
  'sphfeed', 'voiptext', 'qydiskfile', 'meeting_notification',
] as const;
export type MsgauditMessageType = (typeof MSGAUDIT_MESSAGE_TYPES)[number];

/** A known msgtype, 'switch' (the 切换企业日志 record, which has no msgtype), or 'unknown'. */
export type MsgauditEventType = MsgauditMessageType | 'switch' | 'unknown';

/** Message types whose content is a file fetched with GetMediaData (the nested ones of mixed/chatrecord included). */
export const MSGAUDIT_MEDIA_TYPES = ['image', 'voice', 'video', 'emotion', 'file', 'meeting_voice_call', 'voip_doc_share'] as const;
export type MsgauditMediaType = (typeof MSGAUDIT_MEDIA_TYPES)[number];

/** One file the message refers to, for the media fetcher (wecom.md §6.3 GetMediaData). */
export interface MsgauditMedia {
  /** Where in the message: `image`, `mixed.item[1]`, `chatrecord.item[0].content.item[2]`, … */
  path: string;
  /** The type the file belongs to (for a nested item, the item's own type). */
  msgtype: MsgauditMediaType;
  sdkfileid: string;
  /** Tencent's md5 of the file (32 hex digits, lower-cased); absent when Tencent sent none or an empty one. */
  md5sum?: string;
  /** Bytes, where the message gives it (filesize, voice_size, imagesize). */
  filesize?: number;
  /** Expected file extension where known: jpg, amr, mp4, gif/png (emotion type), the file's own fileext. */
  fileext?: string;
}

/** A customer's archive consent decision (agree/disagree messages), for the consent ledger. */
export interface MsgauditConsent {
  decision: 'agree' | 'disagree';
  /** `agree.userid` / `disagree.userid`: the external_userid of the customer (a userid if the party is in the corp). */
  externalUserId: string;
  /** `agree_time` / `disagree_time`, unix milliseconds. */
  at: number;
}

export interface MsgauditEvent {
  channel: 'wecom-msgaudit';
  /** The CorpID the record was pulled for. */
  corpId: string;
  /** GetChatData's seq, as a decimal string: it is an unsigned 64-bit counter. */
  seq: string;
  /** The publickey_ver the record was encrypted for. */
  publickeyVer: number;
  /** Tencent's msgid: unique per message within a corp. */
  msgid: string;
  /** `action` as sent: send, recall, switch (or an unknown value, then type is 'unknown'). */
  action: string;
  type: MsgauditEventType;
  /** `msgtype` as sent; null for switch records, which have none. */
  msgtype: string | null;
  /** Sender userid / external_userid; for switch records the member who switched (`user`). */
  from: string | null;
  /** Recipients (1:1: one id; group: the other members). Empty for switch records. */
  tolist: string[];
  /** The group's roomid; null for a 1:1 chat (Tencent sends "" or omits it) and for switch records. */
  roomid: string | null;
  /** `msgtime` (switch: `time`), unix milliseconds; may be 0 (the doc's image sample). Null only for 'unknown' events without one. */
  msgtime: number | null;
  /** Type-specific fields, canonical camelCase names (see connectors/wecom/msgaudit/parse/message-types.ts). */
  fields: MsgauditJsonObject;
  /** Files to fetch, in document order; empty for types without media. */
  media: MsgauditMedia[];
  /** For a recall (msgtype revoke): the msgid of the recalled message, whose archive record must be kept and linked. */
  recalledMsgid?: string;
  /** For agree/disagree: the customer's decision. */
  consent?: MsgauditConsent;
  /** The complete dedupe key (connectors/wecom/msgaudit/parse/dedupe-key.ts). */
  dedupeKey: string;
  /** sha256 hex of canonicalJson(raw): tells a true duplicate from a different message under the same key. */
  rawHash: string;
  /**
   * The whole decrypted object. Numbers that are not safe integers (coordinates,
   * ids beyond 2^53) are kept as their exact source text, as strings, so that no
   * digit is lost and raw stays canonical-JSON serialisable (connectors/canonical/json.ts).
   */
  raw: MsgauditJsonObject;
}
