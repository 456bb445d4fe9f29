/**
 * Per msgtype (wecom.md §6.5): where the payload is, which fields it has and
 * their canonical names, and what media it refers to. Sources: the official
 * samples reproduced in WxJava's WxCpMsgAuditTest (most types); todo and vote
 * from the official field list as modelled by open-source Finance SDK wrappers;
 * voiptext, qydiskfile and meeting_notification from PowerWeChat's models
 * (payload `info`). `mixed` and `chatrecord` items are read by embedded-items.ts.
 */
import type { MsgauditJsonObject, MsgauditMediaType, MsgauditMessageType } from '../../../canonical/msgaudit-event';
import { bool, dec, int, list, str, strs, type FieldRule } from './field-spec';

export interface MediaRule {
  msgtype: MsgauditMediaType;
  /** The field holding the byte size: its wire name (for errors) and canonical name. */
  size?: { wire: string; field: string };
  /** The expected file extension, where the reference says, from the canonical fields. */
  ext?: (fields: MsgauditJsonObject) => string | undefined;
}

export interface MessageTypeSpec {
  /** The key of the payload object (usually the msgtype itself). */
  payload: string;
  fields: readonly FieldRule[];
  /** Type-specific fields next to the payload (voiceid, voipid). */
  topLevel?: readonly FieldRule[];
  media?: MediaRule;
  /** The payload's `item` list holds typed items with embedded JSON content. */
  items?: 'mixed' | 'chatrecord';
}

const MD5 = str('md5sum', 'md5Sum');
const SDKFILEID = str('sdkfileid', 'sdkFileId', true);
const REDPACKET: readonly FieldRule[] = [int('type'), str('wish'), int('totalcnt', 'totalCount'), int('totalamount', 'totalAmount')];
const fixed = (ext: string) => (): string => ext;

export const MESSAGE_TYPES: Readonly<Record<MsgauditMessageType, MessageTypeSpec>> = {
  text: { payload: 'text', fields: [str('content', 'content', true)] },
  image: { payload: 'image', fields: [MD5, int('filesize', 'fileSize'), SDKFILEID], media: { msgtype: 'image', size: { wire: 'filesize', field: 'fileSize' }, ext: fixed('jpg') } },
  revoke: { payload: 'revoke', fields: [str('pre_msgid', 'preMsgId', true)] },
  agree: { payload: 'agree', fields: [str('userid', 'userId', true), int('agree_time', 'agreeTime', true)] },
  disagree: { payload: 'disagree', fields: [str('userid', 'userId', true), int('disagree_time', 'disagreeTime', true)] },
  voice: {
    payload: 'voice', fields: [MD5, int('voice_size', 'voiceSize'), int('play_length', 'playLength'), SDKFILEID],
    media: { msgtype: 'voice', size: { wire: 'voice_size', field: 'voiceSize' }, ext: fixed('amr') },
  },
  video: {
    payload: 'video', fields: [MD5, int('filesize', 'fileSize'), int('play_length', 'playLength'), SDKFILEID],
    media: { msgtype: 'video', size: { wire: 'filesize', field: 'fileSize' }, ext: fixed('mp4') },
  },
  card: { payload: 'card', fields: [str('corpname', 'corpName'), str('userid', 'userId')] },
  location: { payload: 'location', fields: [dec('longitude'), dec('latitude'), str('address'), str('title'), int('zoom')] },
  emotion: {
    payload: 'emotion',
    fields: [int('type'), int('width'), int('height'), str('title'), int('imagesize', 'imageSize'), MD5, SDKFILEID],
    media: { msgtype: 'emotion', size: { wire: 'imagesize', field: 'imageSize' }, ext: (f) => (f.type === 1 ? 'gif' : f.type === 2 ? 'png' : undefined) },
  },
  file: {
    payload: 'file', fields: [MD5, str('filename', 'fileName'), str('fileext', 'fileExt'), int('filesize', 'fileSize'), SDKFILEID],
    media: { msgtype: 'file', size: { wire: 'filesize', field: 'fileSize' }, ext: (f) => (typeof f.fileExt === 'string' && f.fileExt !== '' ? f.fileExt : undefined) },
  },
  link: { payload: 'link', fields: [str('title'), str('description'), str('link_url', 'linkUrl'), str('image_url', 'imageUrl')] },
  weapp: { payload: 'weapp', fields: [str('title'), str('description'), str('username', 'userName'), str('displayname', 'displayName')] },
  chatrecord: { payload: 'chatrecord', fields: [str('title')], items: 'chatrecord' },
  todo: { payload: 'todo', fields: [str('title'), str('content')] },
  vote: { payload: 'vote', fields: [str('votetitle', 'voteTitle'), strs('voteitem', 'voteItems'), int('votetype', 'voteType'), str('voteid', 'voteId')] },
  collect: {
    payload: 'collect',
    fields: [str('room_name', 'roomName'), str('creator'), str('create_time', 'createTime'), str('title'), list('details', 'details', [int('id'), str('ques', 'question'), str('type')])],
  },
  redpacket: { payload: 'redpacket', fields: REDPACKET },
  meeting: {
    payload: 'meeting',
    fields: [str('topic'), int('starttime', 'startTime'), int('endtime', 'endTime'), str('address'), str('remarks'), int('meetingtype', 'meetingType'), int('meetingid', 'meetingId'), int('status')],
  },
  docmsg: { payload: 'doc', fields: [str('title'), str('doc_creator', 'docCreator'), str('link_url', 'linkUrl')] },
  // The doc sample has info.content; PowerWeChat models info.markdown: either becomes `content`.
  markdown: { payload: 'info', fields: [str('content'), str('markdown', 'content')] },
  news: { payload: 'info', fields: [list('item', 'items', [str('title'), str('description'), str('url'), str('picurl', 'picUrl')])] },
  calendar: {
    payload: 'calendar',
    fields: [str('title'), str('creatorname', 'creatorName'), strs('attendeename', 'attendeeNames'), int('starttime', 'startTime'), int('endtime', 'endTime'), str('place'), str('remarks')],
  },
  mixed: { payload: 'mixed', fields: [], items: 'mixed' },
  meeting_voice_call: {
    payload: 'meeting_voice_call',
    topLevel: [str('voiceid', 'voiceId')],
    fields: [
      int('endtime', 'endTime'), SDKFILEID,
      list('demofiledata', 'demoFiles', [str('filename', 'fileName'), str('demooperator', 'demoOperator'), int('starttime', 'startTime'), int('endtime', 'endTime')]),
      list('sharescreendata', 'shareScreens', [str('share'), int('starttime', 'startTime'), int('endtime', 'endTime')]),
    ],
    media: { msgtype: 'meeting_voice_call' },
  },
  voip_doc_share: {
    payload: 'voip_doc_share',
    topLevel: [str('voipid', 'voipId')],
    fields: [str('filename', 'fileName'), MD5, int('filesize', 'fileSize'), SDKFILEID],
    media: { msgtype: 'voip_doc_share', size: { wire: 'filesize', field: 'fileSize' } },
  },
  external_redpacket: { payload: 'redpacket', fields: REDPACKET },
  sphfeed: { payload: 'sphfeed', fields: [int('feed_type', 'feedType'), str('sph_name', 'sphName'), str('feed_desc', 'feedDesc')] },
  voiptext: { payload: 'info', fields: [int('callduration', 'callDuration'), int('invitetype', 'inviteType')] },
  qydiskfile: { payload: 'info', fields: [str('filename', 'fileName')] },
  meeting_notification: { payload: 'info', fields: [str('content'), int('meeting_id', 'meetingId'), int('notification_type', 'notificationType')] },
};

/** chatrecord item types (ChatRecordText, …) → the msgtype whose payload their content is. */
export const CHATRECORD_ITEM_TYPES: Readonly<Record<string, MsgauditMessageType>> = {
  ChatRecordText: 'text',
  ChatRecordImage: 'image',
  ChatRecordVoice: 'voice',
  ChatRecordVideo: 'video',
  ChatRecordCard: 'card',
  ChatRecordLocation: 'location',
  ChatRecordEmotion: 'emotion',
  ChatRecordFile: 'file',
  ChatRecordLink: 'link',
  ChatRecordWeapp: 'weapp',
  ChatRecordMixed: 'mixed',
};

/** chatrecord item fields around the embedded content. */
export const CHATRECORD_ITEM_FIELDS: readonly FieldRule[] = [str('type', 'type', true), int('msgtime', 'msgTime'), bool('from_chatroom', 'fromChatroom')];
