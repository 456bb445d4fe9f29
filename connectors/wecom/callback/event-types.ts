/**
 * The canonical WeCom callback event and the table of the events it knows
 * (shared/reference/wecom.md §5). One table drives both the parser
 * (parse-event.ts: which elements become which canonical fields) and the
 * dedupe key (dedupe-key.ts: which elements tell two events of a type apart),
 * so the two can never disagree about a type's fields.
 *
 * An event or change type not in the table is never an error: it is typed
 * 'unknown' and archived with every element it carried.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';

/** Wire element name → canonical field name. */
export type FieldMap = readonly (readonly [wire: string, canonical: string])[];

const CONTACT = [['UserID', 'userId'], ['ExternalUserID', 'externalUserId']] as const;
const CHAT = [['ChatId', 'chatId']] as const;
const TAG: FieldMap = [['Id', 'tagId'], ['TagType', 'tagType'], ['StrategyId', 'strategyId']];
// change_contact member attributes (create_user / update_user): update_user carries only what changed.
const MEMBER: FieldMap = [
  ['UserID', 'userId'], ['NewUserID', 'newUserId'], ['Name', 'name'], ['Department', 'department'], ['MainDepartment', 'mainDepartment'],
  ['IsLeaderInDept', 'isLeaderInDept'], ['DirectLeader', 'directLeader'], ['Position', 'position'], ['Mobile', 'mobile'], ['Gender', 'gender'],
  ['Email', 'email'], ['BizMail', 'bizMail'], ['Status', 'status'], ['Avatar', 'avatar'], ['Alias', 'alias'], ['Telephone', 'telephone'],
  ['Address', 'address'], ['ExtAttr', 'extAttr'],
];
const PARTY: FieldMap = [['Id', 'partyId'], ['Name', 'name'], ['ParentId', 'parentId'], ['Order', 'order']];

/**
 * Every known event (`Event`) or event and change type (`Event.ChangeType`),
 * lower-case, with the elements specific to it. The common elements
 * (ToUserName, FromUserName, CreateTime, MsgType, Event, ChangeType, AgentID)
 * are not listed.
 */
export const WECOM_CALLBACK_EVENTS = {
  // 客户联系: wecom.md §5.1
  'change_external_contact.add_external_contact': [...CONTACT, ['State', 'state'], ['WelcomeCode', 'welcomeCode']],
  'change_external_contact.add_half_external_contact': [...CONTACT, ['State', 'state'], ['WelcomeCode', 'welcomeCode']],
  'change_external_contact.edit_external_contact': CONTACT,
  'change_external_contact.del_external_contact': [...CONTACT, ['Source', 'source']],
  'change_external_contact.del_follow_user': CONTACT,
  'change_external_contact.transfer_fail': [...CONTACT, ['FailReason', 'failReason']],
  'change_external_contact.msg_audit_approved': [...CONTACT, ['WelcomeCode', 'welcomeCode']],
  // Customer groups, §5.2
  'change_external_chat.create': CHAT,
  'change_external_chat.update': [
    ...CHAT, ['UpdateDetail', 'updateDetail'], ['JoinScene', 'joinScene'], ['QuitScene', 'quitScene'], ['MemChangeCnt', 'memChangeCnt'],
    ['MemChangeList', 'memChangeList'], ['LastMemVer', 'lastMemVer'], ['CurMemVer', 'curMemVer'],
  ],
  'change_external_chat.dismiss': CHAT,
  // Customer tags, §5.2
  'change_external_tag.create': TAG,
  'change_external_tag.update': TAG,
  'change_external_tag.delete': TAG,
  'change_external_tag.shuffle': TAG,
  // Chat archive: new data to pull (AgentID is common), §5.2
  msgaudit_notify: [],
  // Address book, §5.2 (RM departure)
  'change_contact.create_user': MEMBER,
  'change_contact.update_user': MEMBER,
  'change_contact.delete_user': [['UserID', 'userId']],
  'change_contact.create_party': PARTY,
  'change_contact.update_party': PARTY,
  'change_contact.delete_party': [['Id', 'partyId']],
  'change_contact.update_tag': [
    ['TagId', 'tagId'], ['AddUserItems', 'addUserItems'], ['DelUserItems', 'delUserItems'], ['AddPartyItems', 'addPartyItems'], ['DelPartyItems', 'delPartyItems'],
  ],
} as const satisfies Record<string, FieldMap>;

/** A known event type: `Event` or `Event.ChangeType`, lower-case. */
export type WecomCallbackType = keyof typeof WECOM_CALLBACK_EVENTS;
/** Every known type, for metrics labels and tests. */
export const WECOM_CALLBACK_TYPES = Object.keys(WECOM_CALLBACK_EVENTS) as WecomCallbackType[];

/** Events whose ChangeType is part of the type (the others have none). */
export const EVENTS_WITH_CHANGE_TYPE: ReadonlySet<string> = new Set(
  WECOM_CALLBACK_TYPES.filter((t) => t.includes('.')).map((t) => t.slice(0, t.indexOf('.'))),
);

/** Elements every push has or may have, outside any type's own fields. */
export const COMMON_ELEMENTS: ReadonlySet<string> = new Set(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event', 'ChangeType', 'AgentID']);

/**
 * Elements surfaced as top-level fields of the event whatever its type (also
 * for unknown types), because the consent ledger, binding and the archive's
 * subject index need them: wire name → WecomCallbackEvent property.
 */
export const TOP_LEVEL_FIELDS = [
  ['UserID', 'userId'], ['ExternalUserID', 'externalUserId'], ['WelcomeCode', 'welcomeCode'], ['State', 'state'],
  ['Source', 'source'], ['FailReason', 'failReason'], ['ChatId', 'chatId'], ['AgentID', 'agentId'],
] as const;

/** A customer's chat-archive consent, from `msg_audit_approved` (同意进行聊天内容存档). */
export interface WecomCallbackConsent {
  decision: 'agree';
  /** The customer (ExternalUserID). */
  externalUserId: string;
  /** The member the customer agreed towards (UserID), when sent. */
  userId?: string;
  /** CreateTime of the event, unix milliseconds. */
  at: number;
}

/** A verified, decrypted WeCom callback push in canonical form. */
export interface WecomCallbackEvent {
  channel: 'wecom-callback';
  /** The gateway's configuration id of the corp (not Tencent's). */
  corpConfigId: string;
  /** The CorpID the ciphertext was made for (the verified receive id). */
  corpId: string;
  /** ToUserName: the CorpID. */
  toUserName: string;
  /** FromUserName: `sys` for system events, else the member's userid. */
  fromUserName: string;
  /** CreateTime, unix seconds. */
  createTime: number;
  /** MsgType as sent (`event` for everything in §5). */
  msgType: string;
  /** The known type, or 'unknown' (an event, change type or message type not in WECOM_CALLBACK_EVENTS). */
  type: WecomCallbackType | 'unknown';
  /** Event as sent. */
  event?: string;
  /** ChangeType as sent. */
  changeType?: string;
  /** MsgId of a message (not an event) pushed to an app, as a string: it exceeds 2^53. */
  msgId?: string;
  // Top-level fields (TOP_LEVEL_FIELDS): present whenever the push carried the element as text, whatever the type.
  userId?: string;
  externalUserId?: string;
  welcomeCode?: string;
  state?: string;
  source?: string;
  failReason?: string;
  chatId?: string;
  agentId?: string;
  /** The type's other fields, canonical names (WECOM_CALLBACK_EVENTS); MemChangeList is a list of userids. */
  fields: Record<string, XmlValue>;
  /** Every other element, by wire name, as parsed: all of an unknown type's own elements, and anything Tencent adds to a known type. */
  extra: XmlObject;
  /** For msg_audit_approved with an ExternalUserID: the customer's consent to chat archiving. */
  consent?: WecomCallbackConsent;
  /** The complete dedupe key (dedupe-key.ts). */
  dedupeKey: string;
  /** Every element of the decrypted push, as parsed. */
  raw: XmlObject;
}

/** The known type of a push, or 'unknown'. Event and ChangeType are matched case-insensitively, as the OA parser does. */
export function classify(msgType: string, event: string | undefined, changeType: string | undefined): WecomCallbackType | 'unknown' {
  if (msgType.toLowerCase() !== 'event' || event === undefined) return 'unknown';
  const name = event.toLowerCase();
  const key = EVENTS_WITH_CHANGE_TYPE.has(name) ? (changeType === undefined ? undefined : `${name}.${changeType.toLowerCase()}`) : name;
  return key !== undefined && Object.hasOwn(WECOM_CALLBACK_EVENTS, key) ? (key as WecomCallbackType) : 'unknown';
}
