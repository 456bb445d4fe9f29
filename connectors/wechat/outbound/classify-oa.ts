/**
 * Turns an internal app's OA API call (path + JSON body) into the canonical
 * OutboundMessage parts, validating what Tencent would refuse anyway, so a
 * malformed message is refused before policy, archive or Tencent see it.
 */
import type { OutboundKind, OutboundRecipient } from '../../canonical/outbound-message';
import { collectTexts, contentHash, objectAt, OutboundShapeError, stringAt } from '../../canonical/outbound-shape';
import type { ClassifiedOutbound } from '../../canonical/classified-outbound';

/** Payload fields each customer-service msgtype requires (wechat-oa.md §5). */
export const CUSTOM_MSGTYPES: Readonly<Record<string, readonly string[]>> = {
  text: ['content'],
  image: ['media_id'],
  voice: ['media_id'],
  mpvideo: ['media_id'],
  video: ['media_id'],
  music: ['musicurl', 'hqmusicurl', 'thumb_media_id'],
  news: ['articles'],
  mpnews: ['media_id'],
  mpnewsarticle: ['article_id'],
  msgmenu: ['list'],
  wxcard: ['card_id'],
  miniprogrampage: ['title', 'appid', 'pagepath', 'thumb_media_id'],
  link: ['title', 'url'],
};

/** Msgtypes a mass send accepts. */
export const MASS_MSGTYPES: Readonly<Record<string, readonly string[]>> = {
  mpnews: ['media_id'],
  text: ['content'],
  voice: ['media_id'],
  image: ['media_ids'],
  mpvideo: ['media_id'],
  wxcard: ['card_id'],
};

/** The OA send paths the gateway accepts, by path under /cgi-bin/. */
export const OA_SEND_PATHS: Readonly<Record<string, OutboundKind>> = {
  'message/custom/send': 'oa.custom',
  'message/template/send': 'oa.template',
  'message/subscribe/bizsend': 'oa.subscribe',
  'message/mass/sendall': 'oa.mass',
  'message/mass/send': 'oa.mass',
  'message/mass/preview': 'oa.mass.preview',
};

const RECIPIENT_KEYS = ['touser', 'filter', 'towxname'];
/** An OA openid as the gateway accepts it from apps (Tencent's are 28 characters of this alphabet). */
export const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

function openid(v: unknown, where: string): string {
  if (typeof v !== 'string' || !OPENID.test(v)) throw new OutboundShapeError(40003, `invalid openid in "${where}"`);
  return v;
}

function typedPayload(body: Record<string, unknown>, table: Readonly<Record<string, readonly string[]>>): string {
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string' || !Object.hasOwn(table, msgtype)) throw new OutboundShapeError(40008, `msgtype must be one of ${Object.keys(table).join(', ')}`);
  const payload = objectAt(body, msgtype);
  for (const field of table[msgtype]!) {
    const v = payload[field];
    if (msgtype === 'text' && field === 'content' && (v === '' || (typeof v === 'string' && v.trim() === ''))) throw new OutboundShapeError(44004, 'empty content');
    if (v === undefined || v === null || v === '') throw new OutboundShapeError(47001, `data format error: "${msgtype}.${field}" is required`);
  }
  if (msgtype === 'news') {
    const articles = payload.articles;
    if (!Array.isArray(articles) || articles.length < 1 || articles.length > 8) throw new OutboundShapeError(47001, 'data format error: news.articles must hold 1 to 8 articles');
  }
  return msgtype;
}

function templateData(body: Record<string, unknown>): void {
  stringAt(body, 'template_id', 40037);
  const data = objectAt(body, 'data');
  for (const [k, v] of Object.entries(data)) {
    if (v === null || typeof v !== 'object' || typeof (v as Record<string, unknown>).value !== 'string') {
      throw new OutboundShapeError(47003, `argument invalid! data.${k}.value must be a string`);
    }
  }
}

/**
 * Classify one OA send.
 * @throws OutboundShapeError with Tencent's errcode (40003, 40008, 40037, 44004, 47001, 47003).
 */
export function classifyOaSend(path: string, body: Record<string, unknown>): ClassifiedOutbound {
  const kind = OA_SEND_PATHS[path];
  if (!kind) throw new OutboundShapeError(48001, `api unauthorized: /cgi-bin/${path} is not a send the gateway accepts`);
  let msgtype: string;
  let recipients: OutboundRecipient[];
  switch (kind) {
    case 'oa.custom':
      recipients = [{ type: 'openid', id: openid(body.touser, 'touser') }];
      msgtype = typedPayload(body, CUSTOM_MSGTYPES);
      break;
    case 'oa.template':
    case 'oa.subscribe':
      recipients = [{ type: 'openid', id: openid(body.touser, 'touser') }];
      templateData(body);
      msgtype = kind === 'oa.template' ? 'template' : 'subscribe';
      break;
    case 'oa.mass.preview':
      recipients = [{ type: 'openid', id: openid(body.touser, 'touser') }];
      msgtype = typedPayload(body, MASS_MSGTYPES);
      break;
    default: {
      msgtype = typedPayload(body, MASS_MSGTYPES);
      if (path === 'message/mass/sendall') {
        const filter = objectAt(body, 'filter');
        if (filter.is_to_all === true) recipients = [{ type: 'all', id: '*' }];
        else if (typeof filter.tag_id === 'number' || typeof filter.tag_id === 'string') recipients = [{ type: 'oa_tag', id: String(filter.tag_id) }];
        else throw new OutboundShapeError(47001, 'data format error: filter needs is_to_all true or a tag_id');
      } else {
        const touser = body.touser;
        if (!Array.isArray(touser) || touser.length < 2 || touser.length > 10_000) throw new OutboundShapeError(40003, 'touser must list 2 to 10000 openids');
        recipients = [...new Set(touser.map((o, i) => openid(o, `touser.${i}`)))].map((id) => ({ type: 'openid' as const, id }));
      }
    }
  }
  return { kind, product: 'oa', msgtype, recipients, texts: collectTexts(body, ''), contentHash: contentHash(body, RECIPIENT_KEYS), tencentPath: `/cgi-bin/${path}` };
}
