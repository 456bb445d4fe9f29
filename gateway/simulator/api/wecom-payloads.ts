/**
 * Payload checks for WeCom app messages (wecom.md §3), one per msgtype, and
 * for the attachments of customer mass messages and welcome messages (§4.4).
 * Codes follow WeCom's global error page: 41006 media_id missing, 41016 title
 * missing, 41010 url missing, 44004 empty text, 45002 too long, 45008 more
 * than 8 articles, 40063 another required field empty, 41064/41065
 * attachments; an unknown msgtype is 40008.
 */
import { isObject, utf8Bytes } from './json-io';
import { wecomFail, type WecomResult } from './wecom-endpoint';

export const WECOM_MSGTYPES = ['text', 'image', 'voice', 'video', 'file', 'textcard', 'news', 'mpnews', 'markdown', 'miniprogram_notice', 'template_card'] as const;

/** Template cards whose answer carries a `response_code` (the interactive ones). */
export const INTERACTIVE_CARD_TYPES = ['button_interaction', 'vote_interaction', 'multiple_interaction'];
const CARD_TYPES = ['text_notice', 'news_notice', ...INTERACTIVE_CARD_TYPES];

type Check = (payload: Record<string, unknown>, textMaxBytes: number) => WecomResult | undefined;

const filled = (value: unknown): boolean => typeof value === 'string' && value !== '';

/** The first missing field, with the code WeCom uses for it. */
function required(where: string, payload: Record<string, unknown>, fields: readonly string[]): WecomResult | undefined {
  for (const field of fields) {
    if (filled(payload[field])) continue;
    if (field === 'media_id' || field === 'thumb_media_id' || field === 'pic_media_id') return wecomFail(41006, `media_id missing: ${where}.${field}`);
    if (field === 'title') return wecomFail(41016, `title missing: ${where}.title`);
    if (field === 'url') return wecomFail(41010, `url missing: ${where}.url`);
    return wecomFail(40063, `some parameters are empty: ${where}.${field}`);
  }
  return undefined;
}

function content(where: string, payload: Record<string, unknown>, maxBytes: number): WecomResult | undefined {
  if (!filled(payload.content)) return wecomFail(44004, `empty content: ${where}.content`);
  const bytes = utf8Bytes(payload.content as string);
  return bytes > maxBytes ? wecomFail(45002, `content size out of limit: ${bytes} bytes > ${maxBytes}`) : undefined;
}

function maxBytes(where: string, payload: Record<string, unknown>, field: string, max: number): WecomResult | undefined {
  const value = payload[field];
  return typeof value === 'string' && utf8Bytes(value) > max ? wecomFail(45002, `content size out of limit: ${where}.${field} over ${max} bytes`) : undefined;
}

function articles(where: string, payload: Record<string, unknown>, each: (article: Record<string, unknown>, at: string) => WecomResult | undefined): WecomResult | undefined {
  const list = payload.articles;
  if (!Array.isArray(list) || list.length === 0) return wecomFail(40063, `some parameters are empty: ${where}.articles`);
  if (list.length > 8) return wecomFail(45008, `article size out of limit: ${list.length} > 8`);
  for (const [i, article] of list.entries()) {
    const problem = each(isObject(article) ? article : {}, `${where}.articles[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

const CHECKS: Record<string, Check> = {
  text: (p, max) => content('text', p, max),
  markdown: (p, max) => content('markdown', p, max),
  image: (p) => required('image', p, ['media_id']),
  voice: (p) => required('voice', p, ['media_id']),
  video: (p) => required('video', p, ['media_id']),
  file: (p) => required('file', p, ['media_id']),
  textcard: (p) => required('textcard', p, ['title', 'description', 'url']) ?? maxBytes('textcard', p, 'title', 128) ?? maxBytes('textcard', p, 'description', 512),
  news: (p) => articles('news', p, (a, at) => (filled(a.appid) ? required(at, a, ['title', 'pagepath']) : required(at, a, ['title', 'url']))),
  mpnews: (p) => articles('mpnews', p, (a, at) => required(at, a, ['title', 'thumb_media_id', 'content'])),
  miniprogram_notice: (p) => required('miniprogram_notice', p, ['appid', 'title']),
  template_card: (p) => {
    if (typeof p.card_type !== 'string' || !CARD_TYPES.includes(p.card_type)) return wecomFail(40058, 'invalid Request Parameter: template_card.card_type');
    return INTERACTIVE_CARD_TYPES.includes(p.card_type) ? required('template_card', p, ['task_id']) : undefined;
  },
};

/** Check an app message's msgtype and payload; undefined when it is fine. */
export function checkWecomMessage(body: Record<string, unknown>, textMaxBytes: number): WecomResult | undefined {
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string' || !(WECOM_MSGTYPES as readonly string[]).includes(msgtype)) return wecomFail(40008);
  const payload = isObject(body[msgtype]) ? (body[msgtype] as Record<string, unknown>) : {};
  return (CHECKS[msgtype] as Check)(payload, textMaxBytes);
}

const ATTACHMENT_FIELDS: Record<string, readonly string[]> = {
  image: [],
  link: ['title', 'url'],
  miniprogram: ['title', 'pic_media_id', 'appid', 'page'],
  video: ['media_id'],
  file: ['media_id'],
};

/** Check customer-message `text` and `attachments` (add_msg_template, send_welcome_msg). */
export function checkCustomerContent(body: Record<string, unknown>, limits: { attachmentsMax: number; textMaxBytes: number }): WecomResult | undefined {
  const text = isObject(body.text) ? body.text : undefined;
  const attachments = body.attachments ?? [];
  if (!Array.isArray(attachments)) return wecomFail(40058, 'invalid Request Parameter: attachments must be a list');
  if (!filled(text?.content) && attachments.length === 0) return wecomFail(44004, 'empty content: text.content and attachments are both empty');
  if (text) {
    const tooLong = maxBytes('text', text, 'content', limits.textMaxBytes);
    if (tooLong) return tooLong;
  }
  if (attachments.length > limits.attachmentsMax) return wecomFail(41064, `attachments count exceed limit: ${attachments.length} > ${limits.attachmentsMax}`);
  for (const [i, attachment] of attachments.entries()) {
    const msgtype = isObject(attachment) ? attachment.msgtype : undefined;
    const fields = typeof msgtype === 'string' ? ATTACHMENT_FIELDS[msgtype] : undefined;
    if (!fields) return wecomFail(41065, `invalid attachments msgtype: attachments[${i}]`);
    const payload = (attachment as Record<string, unknown>)[msgtype as string];
    if (!isObject(payload)) return wecomFail(40063, `some parameters are empty: attachments[${i}].${msgtype as string}`);
    // An image attachment names either an uploaded media_id or a picture URL.
    if (msgtype === 'image' && !filled(payload.media_id) && !filled(payload.pic_url)) return wecomFail(41006, `media_id missing: attachments[${i}].image.media_id`);
    const problem = required(`attachments[${i}].${msgtype as string}`, payload, fields);
    if (problem) return problem;
  }
  return undefined;
}
