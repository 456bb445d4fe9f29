/**
 * Shared parts of every push: the header Tencent puts first, and realistic
 * stand-ins for the opaque values (media ids, picture URLs, QR tickets).
 */
import { bare, cdata, type XmlNode } from '../xml-builder';
import { cryptoRng, randomBase64Url, randomHex, randomMsgId, type Rng } from '../random';

/** Who and when, common to all pushes. */
export interface PushBase {
  /** The account's original id (gh_…), Tencent's ToUserName. */
  toUserName: string;
  /** The follower's openid, Tencent's FromUserName. */
  fromUserName: string;
  /** Unix seconds; defaults to the wall clock. */
  createTime?: number;
  /** Source for generated defaults (MsgId, media ids); OS randomness when absent. */
  rng?: Rng;
}

/** Fields of an ordinary (non-event) message. */
export interface MessageBase extends PushBase {
  /** 64-bit decimal string; generated when absent. */
  msgId?: string;
}

/** ToUserName, FromUserName, CreateTime, MsgType: the order Tencent always uses. */
export function header(base: PushBase, msgType: string): XmlNode[] {
  return [
    cdata('ToUserName', base.toUserName),
    cdata('FromUserName', base.fromUserName),
    bare('CreateTime', base.createTime ?? Math.floor(Date.now() / 1000)),
    cdata('MsgType', msgType),
  ];
}

/** Header of an event push, up to and including `<Event>`. */
export function eventHeader(base: PushBase, event: string): XmlNode[] {
  return [...header(base, 'event'), cdata('Event', event)];
}

/** The message's MsgId as a bare 64-bit number. */
export function msgIdNode(base: MessageBase): XmlNode {
  return bare('MsgId', base.msgId ?? randomMsgId(rngOf(base)));
}

export function rngOf(base: PushBase): Rng {
  return base.rng ?? cryptoRng;
}

/** A temporary media id (64 × base64url, as media/upload returns them). */
export const fakeMediaId = (rng: Rng): string => randomBase64Url(rng, 64);

/** A picture URL on Tencent's image CDN. */
export const fakePicUrl = (rng: Rng): string => `http://mmbiz.qpic.cn/mmbiz_jpg/${randomBase64Url(rng, 54)}/0`;

/** A subscription-message template id (43 × base64url). */
export const fakeTemplateId = (rng: Rng): string => randomBase64Url(rng, 43);

/** An MD5 as Tencent reports picture checksums. */
export const fakeMd5 = (rng: Rng): string => randomHex(rng, 32);

/**
 * A parametric-QR ticket: base64 of a binary blob that embeds the short
 * `http://weixin.qq.com/q/…` URL, which is how real tickets decode.
 */
export function fakeQrTicket(rng: Rng): string {
  const head = Buffer.from([0x81, 0x01, ...rng.bytes(10)]);
  const url = Buffer.from(`http://weixin.qq.com/q/${randomBase64Url(rng, 22)}`);
  return Buffer.concat([head, url, Buffer.from([0x00, 0x02, 0x04]), rng.bytes(10)]).toString('base64');
}
