/**
 * A passive reply seen as the customer-service message it is equivalent to,
 * so the policy engine judges both the same way, and a reply that needs
 * approval can be held and later delivered through message/custom/send.
 * The mapping is reversible for the fields transforms may rewrite (texts).
 */
import type { XmlValue } from '../../canonical/chat-event';
import type { AppReply } from './reply';
import { replyElements } from './reply-content';
import { buildXml } from './xml-build';

type Fields = Record<string, XmlValue>;
const str = (v: XmlValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** The customer-service body equivalent to `reply`, or null for a hand-over to human agents (no content to judge). */
export function replyToCustomBody(reply: AppReply): Record<string, unknown> | null {
  const f = reply.fields;
  const base = { touser: reply.toUserName, msgtype: reply.msgType as string };
  switch (reply.msgType) {
    case 'text':
      return { ...base, text: { content: str(f.content) ?? '' } };
    case 'image':
    case 'voice':
      return { ...base, [reply.msgType]: { media_id: str(f.mediaId) ?? '' } };
    case 'video':
      return { ...base, video: { media_id: str(f.mediaId) ?? '', title: str(f.title) ?? '', description: str(f.description) ?? '' } };
    case 'music':
      return { ...base, music: { title: str(f.title) ?? '', description: str(f.description) ?? '', musicurl: str(f.musicUrl) ?? '', hqmusicurl: str(f.hqMusicUrl) ?? '', thumb_media_id: str(f.thumbMediaId) ?? '' } };
    case 'news':
      return { ...base, news: { articles: (f.articles as Fields[]).map((a) => ({ title: str(a.title) ?? '', description: str(a.description) ?? '', url: str(a.url) ?? '', picurl: str(a.picUrl) ?? '' })) } };
    default:
      return null;
  }
}

/** The reply XML for Tencent with the texts of `body` (after a transform) put back into the reply's fields. */
export function replyXmlFromCustomBody(reply: AppReply, body: Record<string, unknown>): string {
  const payload = (body[reply.msgType] ?? {}) as Record<string, unknown>;
  const fields: Fields = { ...reply.fields };
  const text = (v: unknown, fallback: XmlValue | undefined): XmlValue | undefined => (typeof v === 'string' ? v : fallback);
  if (reply.msgType === 'text') fields.content = text(payload.content, fields.content) ?? '';
  if (reply.msgType === 'video' || reply.msgType === 'music') {
    for (const k of ['title', 'description'] as const) {
      const v = text(payload[k], fields[k]);
      if (v !== undefined) fields[k] = v;
    }
  }
  if (reply.msgType === 'news') {
    const articles = Array.isArray(payload.articles) ? (payload.articles as Record<string, unknown>[]) : [];
    fields.articles = (reply.fields.articles as Fields[]).map((a, i) => {
      const out: Fields = { ...a };
      for (const k of ['title', 'description'] as const) {
        const v = text(articles[i]?.[k], a[k]);
        if (v !== undefined) out[k] = v;
      }
      return out;
    });
  }
  return buildXml({ ToUserName: reply.toUserName, FromUserName: reply.fromUserName, CreateTime: String(reply.createTime), MsgType: reply.msgType, ...replyElements(reply.msgType, fields) });
}
