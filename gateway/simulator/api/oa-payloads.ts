/**
 * Payload checks for OA outbound messages, one per msgtype of wechat-oa.md §5
 * (custom/send) and the mass subset (§11). Codes where the reference is
 * silent [S]: a missing media id is 41006 (Tencent's "media_id missing"), any
 * other missing field 47001 (the body does not have the shape Tencent parses),
 * an empty `news` 44003, too many articles 45008.
 */
import type { MediaStore, OaMediaType } from '../state/media-store';
import { isObject, utf8Bytes } from './json-io';
import { oaFail, type OaResult } from './oa-endpoint';
import type { OaMessageLimits } from './oa-limits';

/** Every customer-service msgtype of the reference table. */
export const CUSTOM_MSGTYPES = [
  'text',
  'image',
  'voice',
  'mpvideo',
  'video',
  'music',
  'news',
  'mpnews',
  'mpnewsarticle',
  'msgmenu',
  'wxcard',
  'miniprogrampage',
  'link',
] as const;

/** What a mass send may carry. */
export const MASS_MSGTYPES = ['mpnews', 'text', 'voice', 'image', 'mpvideo', 'wxcard'] as const;

export interface PayloadContext {
  appId: string;
  media: MediaStore;
  limits: OaMessageLimits;
  /**
   * Whether media ids must be live temporary media of this account (40007
   * otherwise). Custom/send image/voice/video: yes. Mass sends name permanent
   * material, which the simulator does not model, so only presence is checked.
   */
  checkMedia: boolean;
}

type Check = (payload: Record<string, unknown>, ctx: PayloadContext) => OaResult | undefined;

const missing = (msgtype: string, field: string): OaResult => oaFail(47001, `data format error: ${msgtype}.${field} is missing`);

/** Require non-empty string fields, in order. */
function strings(msgtype: string, ...fields: string[]): Check {
  return (payload) => {
    for (const field of fields) if (typeof payload[field] !== 'string' || payload[field] === '') return missing(msgtype, field);
    return undefined;
  };
}

/** Require a media id; with `types`, it must be live media of the account of one of those types. */
function media(msgtype: string, field: string, types?: readonly OaMediaType[]): Check {
  return (payload, ctx) => {
    const id = payload[field];
    if (typeof id !== 'string' || id === '') return oaFail(41006, `media_id missing: ${msgtype}.${field}`);
    if (types && ctx.checkMedia && !ctx.media.find(ctx.appId, id, types)) return oaFail(40007, `invalid media_id: ${msgtype}.${field}`);
    return undefined;
  };
}

const all =
  (...checks: Check[]): Check =>
  (payload, ctx) => {
    for (const check of checks) {
      const problem = check(payload, ctx);
      if (problem) return problem;
    }
    return undefined;
  };

const text: Check = (payload, ctx) => {
  const content = payload.content;
  if (typeof content !== 'string' || content === '') return oaFail(44004);
  if (utf8Bytes(content) > ctx.limits.textMaxBytes) return oaFail(45002, `content size out of limit: ${utf8Bytes(content)} bytes > ${ctx.limits.textMaxBytes}`);
  return undefined;
};

const news: Check = (payload, ctx) => {
  const articles = payload.articles;
  if (!Array.isArray(articles) || articles.length === 0) return oaFail(44003);
  if (articles.length > ctx.limits.newsMaxArticles) return oaFail(45008, `article size out of limit: ${articles.length} > ${ctx.limits.newsMaxArticles}`);
  for (const [i, article] of articles.entries()) {
    if (!isObject(article)) return missing('news', `articles[${i}]`);
    const problem = strings(`news.articles[${i}]`, 'title', 'url')(article, ctx);
    if (problem) return problem;
  }
  return undefined;
};

const msgmenu: Check = (payload) => {
  const list = payload.list;
  if (!Array.isArray(list) || list.length === 0) return missing('msgmenu', 'list');
  for (const [i, item] of list.entries()) {
    if (!isObject(item) || (typeof item.id !== 'string' && typeof item.id !== 'number') || typeof item.content !== 'string' || item.content === '') {
      return missing('msgmenu', `list[${i}].id/content`);
    }
  }
  return undefined;
};

const CHECKS: Record<string, Check> = {
  text,
  image: media('image', 'media_id', ['image']),
  voice: media('voice', 'media_id', ['voice']),
  mpvideo: media('mpvideo', 'media_id'),
  video: all(media('video', 'media_id', ['video']), media('video', 'thumb_media_id')),
  music: all(strings('music', 'musicurl', 'hqmusicurl'), media('music', 'thumb_media_id')),
  news,
  mpnews: media('mpnews', 'media_id'),
  mpnewsarticle: strings('mpnewsarticle', 'article_id'),
  msgmenu,
  wxcard: strings('wxcard', 'card_id'),
  miniprogrampage: all(strings('miniprogrampage', 'title', 'appid', 'pagepath'), media('miniprogrampage', 'thumb_media_id')),
  link: strings('link', 'title', 'description', 'url', 'thumb_url'),
};

/**
 * Check `body.msgtype` and its payload object: 40008 for a msgtype outside
 * `allowed`, then the type's own rules. Undefined when the message is fine.
 */
export function checkPayload(body: Record<string, unknown>, allowed: readonly string[], ctx: PayloadContext): OaResult | undefined {
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string' || !allowed.includes(msgtype)) return oaFail(40008);
  // Mass image messages may carry the newer `images.media_ids` list instead of `image.media_id`.
  if (msgtype === 'image' && !ctx.checkMedia && isObject(body.images)) return checkImageList(body.images);
  // A missing payload object fails the way an empty one does (44004 text, 41006 media, 47001 fields).
  const payload = isObject(body[msgtype]) ? (body[msgtype] as Record<string, unknown>) : {};
  return (CHECKS[msgtype] as Check)(payload, ctx);
}

function checkImageList(images: Record<string, unknown>): OaResult | undefined {
  const ids = images.media_ids;
  if (!Array.isArray(ids) || ids.length === 0) return oaFail(41006, 'media_id missing: images.media_ids');
  for (const id of ids) if (typeof id !== 'string' || id === '') return oaFail(41006, 'media_id missing: images.media_ids');
  return undefined;
}
