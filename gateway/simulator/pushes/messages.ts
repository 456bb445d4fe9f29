/**
 * Ordinary user messages (MsgType other than `event`), field order as in
 * Tencent's documentation samples (wechat-oa.md §3).
 */
import { renderXml, bare, cdata, type XmlNode } from '../xml-builder';
import { fakeMediaId, fakePicUrl, header, msgIdNode, rngOf, type MessageBase } from './common';

/** A text message; `bizMsgMenuId` is present when the user tapped a msgmenu option. */
export function textMessage(p: MessageBase & { content: string; bizMsgMenuId?: string }): string {
  const fields: XmlNode[] = [...header(p, 'text'), cdata('Content', p.content), msgIdNode(p)];
  if (p.bizMsgMenuId !== undefined) fields.push(bare('bizmsgmenuid', p.bizMsgMenuId));
  return renderXml(fields);
}

/** An image message. */
export function imageMessage(p: MessageBase & { picUrl?: string; mediaId?: string }): string {
  const rng = rngOf(p);
  return renderXml([
    ...header(p, 'image'),
    cdata('PicUrl', p.picUrl ?? fakePicUrl(rng)),
    cdata('MediaId', p.mediaId ?? fakeMediaId(rng)),
    msgIdNode(p),
  ]);
}

/**
 * A voice message. `recognition` appears only when the account has speech
 * recognition on; `MediaId16K` (newer pushes) follows the MsgId.
 */
export function voiceMessage(
  p: MessageBase & { mediaId?: string; format?: 'amr' | 'speex'; recognition?: string; mediaId16K?: string | null },
): string {
  const rng = rngOf(p);
  const fields: XmlNode[] = [...header(p, 'voice'), cdata('MediaId', p.mediaId ?? fakeMediaId(rng)), cdata('Format', p.format ?? 'amr')];
  if (p.recognition !== undefined) fields.push(cdata('Recognition', p.recognition));
  fields.push(msgIdNode(p));
  if (p.mediaId16K !== null) fields.push(cdata('MediaId16K', p.mediaId16K ?? fakeMediaId(rng)));
  return renderXml(fields);
}

function videoLike(msgType: 'video' | 'shortvideo', p: MessageBase & { mediaId?: string; thumbMediaId?: string }): string {
  const rng = rngOf(p);
  return renderXml([
    ...header(p, msgType),
    cdata('MediaId', p.mediaId ?? fakeMediaId(rng)),
    cdata('ThumbMediaId', p.thumbMediaId ?? fakeMediaId(rng)),
    msgIdNode(p),
  ]);
}

/** A video message. */
export const videoMessage = (p: MessageBase & { mediaId?: string; thumbMediaId?: string }): string => videoLike('video', p);

/** A short-video (小视频) message. */
export const shortVideoMessage = (p: MessageBase & { mediaId?: string; thumbMediaId?: string }): string =>
  videoLike('shortvideo', p);

/** A location the user shared in the chat; coordinates are decimal strings so their digits survive. */
export function locationMessage(p: MessageBase & { latitude: string; longitude: string; scale?: number; label: string }): string {
  return renderXml([
    ...header(p, 'location'),
    bare('Location_X', p.latitude),
    bare('Location_Y', p.longitude),
    bare('Scale', p.scale ?? 15),
    cdata('Label', p.label),
    msgIdNode(p),
  ]);
}

/** A link (article) the user forwarded to the account. */
export function linkMessage(p: MessageBase & { title: string; description: string; url: string }): string {
  return renderXml([
    ...header(p, 'link'),
    cdata('Title', p.title),
    cdata('Description', p.description),
    cdata('Url', p.url),
    msgIdNode(p),
  ]);
}

/** A mini-program card; Tencent puts the MsgId straight after MsgType for this type. */
export function miniProgramPageMessage(
  p: MessageBase & { appId: string; title: string; pagePath: string; thumbUrl?: string; thumbMediaId?: string },
): string {
  const rng = rngOf(p);
  return renderXml([
    ...header(p, 'miniprogrampage'),
    msgIdNode(p),
    cdata('AppId', p.appId),
    cdata('Title', p.title),
    cdata('PagePath', p.pagePath),
    cdata('ThumbUrl', p.thumbUrl ?? fakePicUrl(rng)),
    cdata('ThumbMediaId', p.thumbMediaId ?? fakeMediaId(rng)),
  ]);
}
