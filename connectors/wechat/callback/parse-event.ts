/**
 * A verified OA push (XmlObject) → canonical ChatEvent, for every message and
 * event type of shared/reference/wechat-oa.md §3. Unknown MsgType or Event is
 * never an error: it becomes type 'unknown' and is archived from `raw` all the
 * same. Only the four common fields are mandatory. Event names are matched
 * case-insensitively (Tencent mixes SCAN and subscribe) but kept as sent.
 */
import {
  OA_EVENT_TYPES,
  OA_MESSAGE_TYPES,
  type ChatEvent,
  type ChatEventType,
  type OaEventType,
  type OaMessageType,
  type XmlObject,
  type XmlValue,
} from '../../canonical/chat-event';
import { dedupeKey } from './dedupe-key';
import { CallbackError } from './errors';

/** Wire element name → canonical field name. */
type FieldMap = readonly (readonly [wire: string, canonical: string])[];
type Fields = Record<string, XmlValue>;

const MEDIA: FieldMap = [['MediaId', 'mediaId'], ['ThumbMediaId', 'thumbMediaId']];
// Location_X is the latitude and Location_Y the longitude (wechat-oa.md §3).
const PLACE: FieldMap = [['Location_X', 'latitude'], ['Location_Y', 'longitude'], ['Scale', 'scale'], ['Label', 'label']];

const MESSAGE_FIELDS: Readonly<Record<OaMessageType, FieldMap>> = {
  text: [['Content', 'content'], ['bizmsgmenuid', 'bizMsgMenuId']],
  image: [['PicUrl', 'picUrl'], ['MediaId', 'mediaId']],
  voice: [['MediaId', 'mediaId'], ['Format', 'format'], ['Recognition', 'recognition'], ['MediaId16K', 'mediaId16K']],
  video: MEDIA,
  shortvideo: MEDIA,
  location: PLACE,
  link: [['Title', 'title'], ['Description', 'description'], ['Url', 'url']],
  miniprogrampage: [['AppId', 'appId'], ['Title', 'title'], ['PagePath', 'pagePath'], ['ThumbUrl', 'thumbUrl'], ['ThumbMediaId', 'thumbMediaId']],
};

const KEY: FieldMap = [['EventKey', 'eventKey']];
const scanCode = (m: XmlObject): Fields => ({ ...pick(m, KEY), ...pick(child(m, 'ScanCodeInfo'), [['ScanType', 'scanType'], ['ScanResult', 'scanResult']]) });
const pics = (m: XmlObject): Fields => {
  const info = child(m, 'SendPicsInfo');
  const items = list(child(info, 'PicList').item);
  return { ...pick(m, KEY), ...pick(info, [['Count', 'count']]), picMd5Sums: items.map((item) => (isObject(item) ? item.PicMd5Sum ?? '' : item)) };
};
const subscriptions = (wrapper: string, map: FieldMap) => (m: XmlObject): Fields => ({
  subscriptions: list(child(m, wrapper).List).map((entry) => (isObject(entry) ? pick(entry, map) : entry)),
});

const EVENT_FIELDS: Readonly<Record<OaEventType, (m: XmlObject) => Fields>> = {
  subscribe: (m) => withQrScene(pick(m, [...KEY, ['Ticket', 'ticket']]), 'qrscene_'),
  unsubscribe: () => ({}),
  scan: (m) => withQrScene(pick(m, [...KEY, ['Ticket', 'ticket']]), ''),
  location: (m) => pick(m, [['Latitude', 'latitude'], ['Longitude', 'longitude'], ['Precision', 'precision']]),
  click: (m) => pick(m, KEY),
  view: (m) => pick(m, [...KEY, ['MenuId', 'menuId']]),
  scancode_push: scanCode,
  scancode_waitmsg: scanCode,
  pic_sysphoto: pics,
  pic_photo_or_album: pics,
  pic_weixin: pics,
  location_select: (m) => ({ ...pick(m, KEY), ...pick(child(m, 'SendLocationInfo'), [...PLACE, ['Poiname', 'poiName']]) }),
  templatesendjobfinish: (m) => pick(m, [['MsgID', 'msgId'], ['Status', 'status']]),
  masssendjobfinish: (m) => pick(m, [
    ['MsgID', 'msgId'], ['Status', 'status'], ['TotalCount', 'totalCount'], ['FilterCount', 'filterCount'],
    ['SentCount', 'sentCount'], ['ErrorCount', 'errorCount'], ['CopyrightCheckResult', 'copyrightCheckResult'],
  ]),
  subscribe_msg_popup_event: subscriptions('SubscribeMsgPopupEvent', [['TemplateId', 'templateId'], ['SubscribeStatusString', 'status'], ['PopupScene', 'popupScene']]),
  subscribe_msg_change_event: subscriptions('SubscribeMsgChangeEvent', [['TemplateId', 'templateId'], ['SubscribeStatusString', 'status']]),
  subscribe_msg_sent_event: subscriptions('SubscribeMsgSentEvent', [['TemplateId', 'templateId'], ['MsgID', 'msgId'], ['ErrorCode', 'errorCode'], ['ErrorStatus', 'errorStatus']]),
};

/**
 * Turn a verified OA push into a ChatEvent.
 * @throws CallbackError('missing-field' | 'bad-field') when a common field is absent or CreateTime is not an integer
 */
export function toChatEvent(input: { accountId: string; message: XmlObject }): ChatEvent {
  const { accountId, message } = input;
  const toUserName = mandatory(message, 'ToUserName');
  const fromUserName = mandatory(message, 'FromUserName');
  const createTimeText = mandatory(message, 'CreateTime');
  const msgType = mandatory(message, 'MsgType');
  const createTime = Number(createTimeText);
  if (!/^[0-9]{1,15}$/.test(createTimeText) || !Number.isSafeInteger(createTime)) {
    throw new CallbackError('bad-field', 'CreateTime is not an integer number of seconds');
  }
  const event = textOf(message.Event);
  const msgId = textOf(Object.hasOwn(message, 'MsgId') ? message.MsgId : message.MsgID);
  const { type, fields } = classify(message, msgType, event);
  return {
    channel: 'wechat-oa',
    accountId,
    toUserName,
    fromUserName,
    createTime,
    type,
    msgType,
    ...(event !== undefined && { event }),
    ...(msgId !== undefined && { msgId }),
    dedupeKey: dedupeKey(accountId, message),
    fields,
    raw: message,
  };
}

function classify(message: XmlObject, msgType: string, event: string | undefined): { type: ChatEventType; fields: Fields } {
  const kind = msgType.toLowerCase();
  if (kind === 'event') {
    const name = event?.toLowerCase();
    if (name !== undefined && isOneOf(OA_EVENT_TYPES, name)) return { type: `event.${name}`, fields: EVENT_FIELDS[name](message) };
  } else if (isOneOf(OA_MESSAGE_TYPES, kind)) {
    return { type: `message.${kind}`, fields: pick(message, MESSAGE_FIELDS[kind]) };
  }
  return { type: 'unknown', fields: {} };
}

function mandatory(message: XmlObject, name: string): string {
  const value = textOf(message[name]);
  if (value === undefined || value === '' || !Object.hasOwn(message, name)) throw new CallbackError('missing-field', `${name} is missing or not text`);
  return value;
}

/** The present fields of `source`, renamed; values are kept exactly as parsed. */
function pick(source: XmlObject, map: FieldMap): Fields {
  const out: Fields = {};
  for (const [wire, canonical] of map) {
    if (Object.hasOwn(source, wire)) out[canonical] = source[wire] as XmlValue;
  }
  return out;
}

/** `qrScene`: the scene of a parametric QR code (subscribe: EventKey without "qrscene_"; SCAN: EventKey itself). */
function withQrScene(fields: Fields, prefix: string): Fields {
  const key = fields.eventKey;
  return typeof key === 'string' && key.startsWith(prefix) && key.length > prefix.length ? { ...fields, qrScene: key.slice(prefix.length) } : fields;
}

function child(source: XmlObject, name: string): XmlObject {
  const value = Object.hasOwn(source, name) ? source[name] : undefined;
  return isObject(value) ? value : {};
}

/** A possibly repeated element as a list (one occurrence is not an array after parsing). */
function list(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: XmlValue | undefined): value is XmlObject {
  return typeof value === 'object' && !Array.isArray(value);
}

function textOf(value: XmlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
