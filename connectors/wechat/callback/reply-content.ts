/**
 * The content rules of an OA passive reply (wechat-oa.md §4), per MsgType,
 * and the way back from canonical fields to Tencent's element names. Only
 * what is listed here survives: the gateway sends Tencent the reply rebuilt
 * from these fields, never the app's bytes, so nothing unchecked rides along.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';
import { CallbackError } from './errors';

/** MsgTypes a passive reply may have. */
export const REPLY_MSG_TYPES = ['text', 'image', 'voice', 'video', 'music', 'news', 'transfer_customer_service'] as const;
/** One of REPLY_MSG_TYPES. */
export type ReplyMsgType = (typeof REPLY_MSG_TYPES)[number];

/** Tencent's limit on a text reply's Content, UTF-8 bytes. */
export const MAX_TEXT_REPLY_BYTES = 2048;
/** Tencent's limit on articles in a news reply. */
export const MAX_NEWS_ARTICLES = 8;

type Spec = { wrapper?: string; fields: readonly (readonly [wire: string, canonical: string])[]; required: readonly string[] };
const ARTICLE: Spec['fields'] = [['Title', 'title'], ['Description', 'description'], ['PicUrl', 'picUrl'], ['Url', 'url']];

const SPECS: Readonly<Record<Exclude<ReplyMsgType, 'news'>, Spec>> = {
  text: { fields: [['Content', 'content']], required: ['Content'] },
  image: { wrapper: 'Image', fields: [['MediaId', 'mediaId']], required: ['MediaId'] },
  voice: { wrapper: 'Voice', fields: [['MediaId', 'mediaId']], required: ['MediaId'] },
  video: { wrapper: 'Video', fields: [['MediaId', 'mediaId'], ['Title', 'title'], ['Description', 'description']], required: ['MediaId'] },
  music: {
    wrapper: 'Music',
    fields: [['Title', 'title'], ['Description', 'description'], ['MusicUrl', 'musicUrl'], ['HQMusicUrl', 'hqMusicUrl'], ['ThumbMediaId', 'thumbMediaId']],
    required: ['ThumbMediaId'],
  },
  transfer_customer_service: { wrapper: 'TransInfo', fields: [['KfAccount', 'kfAccount']], required: [] },
};

/**
 * Check the type-specific part of a decrypted reply and return it as canonical fields.
 * @throws CallbackError('reply-invalid')
 */
export function replyFields(msgType: ReplyMsgType, reply: XmlObject): Record<string, XmlValue> {
  if (msgType === 'news') return { articles: articles(reply) };
  const spec = SPECS[msgType];
  const source = spec.wrapper === undefined ? reply : wrapped(reply, spec.wrapper, spec.required.length > 0);
  const out: Record<string, string> = {};
  for (const [wire, canonical] of spec.fields) {
    const value = own(source, wire);
    if (value === undefined) continue;
    if (typeof value !== 'string') invalid(`${wire} must be text`);
    out[canonical] = value;
  }
  for (const wire of spec.required) if (!own(source, wire)) invalid(`${wire} must be non-empty text`);
  if (msgType === 'text' && Buffer.byteLength(out.content ?? '', 'utf8') > MAX_TEXT_REPLY_BYTES) invalid(`Content exceeds ${MAX_TEXT_REPLY_BYTES} bytes`);
  return out;
}

/** The type-specific elements for Tencent, rebuilt from canonical fields (inverse of replyFields). */
export function replyElements(msgType: ReplyMsgType, fields: Record<string, XmlValue>): XmlObject {
  if (msgType === 'news') {
    const items = (fields.articles as XmlObject[]).map((a) => rename(a, ARTICLE));
    return { ArticleCount: String(items.length), Articles: { item: items } };
  }
  const spec = SPECS[msgType];
  const elements = rename(fields, spec.fields);
  if (spec.wrapper === undefined) return elements;
  return Object.keys(elements).length > 0 ? { [spec.wrapper]: elements } : {};
}

function articles(reply: XmlObject): XmlObject[] {
  const countText = own(reply, 'ArticleCount');
  if (typeof countText !== 'string' || !/^[0-9]{1,2}$/.test(countText)) invalid('ArticleCount must be an integer');
  const count = Number(countText);
  if (count < 1 || count > MAX_NEWS_ARTICLES) invalid(`ArticleCount must be 1 to ${MAX_NEWS_ARTICLES}`);
  const item = own(wrapped(reply, 'Articles', true), 'item');
  const items = item === undefined ? [] : Array.isArray(item) ? item : [item];
  if (items.length !== count) invalid('ArticleCount does not match the number of Articles items');
  return items.map((entry) => {
    if (typeof entry !== 'object' || Array.isArray(entry)) return invalid('each Articles item must have elements');
    const out: XmlObject = {};
    for (const [wire, canonical] of ARTICLE) {
      const value = own(entry, wire);
      if (value === undefined) continue;
      if (typeof value !== 'string') invalid(`article ${wire} must be text`);
      out[canonical] = value;
    }
    return out;
  });
}

/** Canonical → wire names, keeping Tencent's element order. */
function rename(fields: Record<string, XmlValue>, map: Spec['fields']): XmlObject {
  const out: XmlObject = {};
  for (const [wire, canonical] of map) {
    const value = fields[canonical];
    if (value !== undefined && Object.hasOwn(fields, canonical)) out[wire] = value;
  }
  return out;
}

function wrapped(reply: XmlObject, wrapper: string, required: boolean): XmlObject {
  const value = own(reply, wrapper);
  if ((value === undefined || value === '') && !required) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return invalid(`${wrapper} must be one element with children`);
  return value;
}

function own(source: XmlObject, name: string): XmlValue | undefined {
  return Object.hasOwn(source, name) ? source[name] : undefined;
}

function invalid(what: string): never {
  throw new CallbackError('reply-invalid', `passive reply: ${what}`);
}
