/**
 * A verified, decrypted WeCom callback push (XmlObject) → canonical
 * WecomCallbackEvent, for every event of shared/reference/wecom.md §5.
 *
 * Only the four common fields are mandatory (as for OA pushes). Everything
 * else is lenient on purpose: an unknown Event or ChangeType, a known type
 * missing one of its fields, or an element Tencent added later is archived
 * all the same (typed 'unknown', the field absent, the element in `extra`),
 * because refusing it would only make WeCom retry a push the gateway can
 * never accept, and the archive would lose it.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';
import { CallbackError } from '../../wechat/callback/errors';
import { wecomDedupeKey } from './dedupe-key';
import {
  classify, COMMON_ELEMENTS, TOP_LEVEL_FIELDS, WECOM_CALLBACK_EVENTS, type WecomCallbackEvent, type WecomCallbackType,
} from './event-types';

/** What toWecomCallbackEvent needs: the corp's configuration id, its CorpID (the verified receive id) and the decrypted message. */
export interface WecomEventInput {
  corpConfigId: string;
  corpId: string;
  message: XmlObject;
}

/**
 * Turn a verified WeCom push into a WecomCallbackEvent.
 * @throws CallbackError('missing-field' | 'bad-field') when a common field is absent or CreateTime is not an integer
 */
export function toWecomCallbackEvent(input: WecomEventInput): WecomCallbackEvent {
  const { corpConfigId, corpId, message } = input;
  const toUserName = mandatory(message, 'ToUserName');
  const fromUserName = mandatory(message, 'FromUserName');
  const createTimeText = mandatory(message, 'CreateTime');
  const msgType = mandatory(message, 'MsgType');
  const createTime = Number(createTimeText);
  if (!/^[0-9]{1,15}$/.test(createTimeText) || !Number.isSafeInteger(createTime)) {
    throw new CallbackError('bad-field', 'CreateTime is not an integer number of seconds');
  }
  const event = textOf(message, 'Event');
  const changeType = textOf(message, 'ChangeType');
  const msgId = msgType.toLowerCase() === 'event' ? undefined : textOf(message, 'MsgId');
  const type = classify(msgType, event, changeType);

  const top: Partial<Record<(typeof TOP_LEVEL_FIELDS)[number][1], string>> = {};
  const surfaced = new Set<string>(msgId !== undefined ? ['MsgId'] : []);
  for (const [wire, name] of TOP_LEVEL_FIELDS) {
    const value = textOf(message, wire);
    if (value === undefined) continue;
    top[name] = value;
    surfaced.add(wire);
  }
  const { fields, extra } = typeFields(message, type, surfaced);
  const consent = type === 'change_external_contact.msg_audit_approved' && top.externalUserId
    ? { decision: 'agree' as const, externalUserId: top.externalUserId, ...(top.userId !== undefined && { userId: top.userId }), at: createTime * 1000 }
    : undefined;
  return {
    channel: 'wecom-callback',
    corpConfigId,
    corpId,
    toUserName,
    fromUserName,
    createTime,
    msgType,
    type,
    ...(event !== undefined && { event }),
    ...(changeType !== undefined && { changeType }),
    ...(msgId !== undefined && { msgId }),
    ...top,
    fields,
    extra,
    ...(consent && { consent }),
    dedupeKey: wecomDedupeKey(corpConfigId, message),
    raw: message,
  };
}

/**
 * The type's own fields under canonical names, and in `extra` every element that
 * is not surfaced elsewhere (for an unknown type: all of its own elements).
 * `surfaced`: the wire names already given as top-level fields (text only).
 */
function typeFields(message: XmlObject, type: WecomCallbackType | 'unknown', surfaced: ReadonlySet<string>): { fields: Record<string, XmlValue>; extra: XmlObject } {
  const own = new Map<string, string>(type === 'unknown' ? [] : WECOM_CALLBACK_EVENTS[type].map(([wire, name]) => [wire, name]));
  const fields: Record<string, XmlValue> = {};
  const extra: XmlObject = {};
  for (const [wire, value] of Object.entries(message)) {
    if (surfaced.has(wire)) continue;
    if (COMMON_ELEMENTS.has(wire)) {
      if (typeof value !== 'string') extra[wire] = value; // never seen; kept rather than dropped
      continue;
    }
    const name = own.get(wire);
    if (name === undefined) extra[wire] = value;
    else fields[name] = wire === 'MemChangeList' ? items(value) : value;
  }
  return { fields, extra };
}

/** `<MemChangeList><Item>u1</Item><Item>u2</Item></MemChangeList>` → ['u1', 'u2'] (one Item is not an array after parsing). */
function items(value: XmlValue): XmlValue {
  if (typeof value !== 'object' || Array.isArray(value)) return value === '' ? [] : value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'Item') return value;
  const item = value.Item as XmlValue;
  return Array.isArray(item) ? item : [item];
}

function mandatory(message: XmlObject, name: string): string {
  const value = textOf(message, name);
  if (value === undefined || value === '') throw new CallbackError('missing-field', `${name} is missing or not text`);
  return value;
}

function textOf(message: XmlObject, name: string): string | undefined {
  const value = Object.hasOwn(message, name) ? message[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
