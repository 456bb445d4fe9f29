/**
 * The typed items of `mixed` and `chatrecord` messages (wecom.md §6.5). Each
 * item's `content` is a JSON document in a string, shaped like the payload of
 * the item's type (text → {content}, image → {md5sum, filesize, sdkfileid}, …;
 * chatrecord's ChatRecordText etc. map to those types). Contents are parsed
 * with the same limits as the message and read with the same type rules, so
 * files inside a mixed message or a forwarded chat record get media
 * descriptors too. An item of a type we do not know keeps its content text.
 */
import type { MsgauditJsonObject, MsgauditJsonValue, MsgauditMedia, MsgauditMessageType } from '../../../canonical/msgaudit-event';
import { MsgauditParseError } from './errors';
import { readFields, str } from './field-spec';
import { isParsedObject, parseJsonText, type JsonLimits, type Parsed, type ParsedObject } from './json-text';
import { mediaOf } from './media';
import { CHATRECORD_ITEM_FIELDS, CHATRECORD_ITEM_TYPES, MESSAGE_TYPES } from './message-types';

/** mixed item types are msgtypes themselves. */
const MIXED_ITEM_TYPES: Readonly<Record<string, MsgauditMessageType>> = Object.fromEntries(Object.keys(MESSAGE_TYPES).map((t) => [t, t as MsgauditMessageType]));

/** Deepest chain of embedded contents (a chatrecord holding a ChatRecordMixed holding items). */
export const MAX_EMBEDDED_LEVELS = 3;

export interface ItemsResult {
  items: MsgauditJsonObject[];
  media: MsgauditMedia[];
}

/**
 * Read the `item` list of a mixed or chatrecord payload at `path`.
 * @throws MsgauditParseError for a malformed item or content (naming its path)
 */
export function readItems(kind: 'mixed' | 'chatrecord', payload: ParsedObject, path: string, limits: JsonLimits, level = 1): ItemsResult {
  const list = payload.item;
  if (list === undefined || list === null) throw new MsgauditParseError('missing-field', 'message', `${path}.item is missing`, { path: `${path}.item` });
  if (!Array.isArray(list)) throw new MsgauditParseError('bad-field', 'message', `${path}.item is not an array`, { path: `${path}.item` });
  const result: ItemsResult = { items: [], media: [] };
  list.forEach((entry, i) => {
    const where = `${path}.item[${i}]`;
    if (!isParsedObject(entry)) throw new MsgauditParseError('bad-field', 'message', `${where} is not an object`, { path: where });
    const head = kind === 'chatrecord' ? readFields(entry, CHATRECORD_ITEM_FIELDS, where) : readFields(entry, [str('type', 'type', true)], where);
    const type = head.type as string;
    const table: Readonly<Record<string, MsgauditMessageType>> = kind === 'chatrecord' ? CHATRECORD_ITEM_TYPES : MIXED_ITEM_TYPES;
    const msgtype = Object.hasOwn(table, type) ? table[type] : undefined;
    const content = Object.hasOwn(entry, 'content') ? entry.content : undefined;
    if (content === undefined || content === null) throw new MsgauditParseError('missing-field', 'message', `${where}.content is missing`, { path: `${where}.content` });
    const spec = msgtype === undefined ? undefined : MESSAGE_TYPES[msgtype];
    if (msgtype === undefined || spec === undefined || spec.topLevel !== undefined) {
      if (typeof content !== 'string') throw new MsgauditParseError('bad-field', 'message', `${where}.content is not a string`, { path: `${where}.content` });
      result.items.push({ ...head, msgtype: null, content });
      return;
    }
    const body = embedded(content, `${where}.content`, limits);
    let fields: MsgauditJsonObject;
    if (spec.items !== undefined) {
      if (level >= MAX_EMBEDDED_LEVELS) throw new MsgauditParseError('too-deep', 'message', `${where}: embedded contents nest deeper than ${MAX_EMBEDDED_LEVELS} levels`, { path: where });
      const inner = readItems(spec.items, body, `${where}.content`, limits, level + 1);
      fields = { ...readFields(body, spec.fields, `${where}.content`), items: inner.items as MsgauditJsonValue[] };
      result.media.push(...inner.media);
    } else {
      fields = readFields(body, spec.fields, `${where}.content`);
      if (spec.media) result.media.push(mediaOf(spec.media, fields, where));
    }
    result.items.push({ ...head, msgtype, fields });
  });
  return result;
}

/** An item's content: a JSON object, usually inside a string. */
function embedded(content: Parsed, path: string, limits: JsonLimits): ParsedObject {
  const value = typeof content === 'string' ? parseJsonText(content, limits, 'message', path) : content;
  if (!isParsedObject(value)) throw new MsgauditParseError('not-an-object', 'message', `${path} is not a JSON object`, { path });
  return value;
}
