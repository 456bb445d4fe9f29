/**
 * Judges the body an account server returned with HTTP 200, the way Tencent
 * does: `success` or nothing is an acknowledgement; anything else must be a
 * passive reply Tencent can deliver (wechat-oa.md §4), encrypted in safe mode
 * (callback-crypto.md §6.2), either way in compatible mode, clear in plain
 * mode. Anything else makes Tencent show the follower its fallback notice.
 */
import {
  aesKeyFromEncodingAESKey,
  decryptFor,
  msgSignature,
  signaturesEqual,
} from '../../connectors/wechat/callback/crypto';
import type { XmlObject } from '../../connectors/canonical/chat-event';
import type { SimulatedAccount } from './accounts';
import { readReplyXml, textOf } from './xml-reader';

export type ReplyVerdict = { kind: 'ack' } | { kind: 'reply'; xml: string } | { kind: 'bad'; problem: string };

/** Who the reply must address: the follower who pushed, from the account itself. */
export interface ReplyExpectation {
  openid?: string;
}

const NEWS_MAX_ARTICLES = 8;

/** Decide what a 200 body means for Tencent. Never throws: every defect becomes a `bad` verdict. */
export function judgeReply(account: SimulatedAccount, body: string, expect: ReplyExpectation): ReplyVerdict {
  if (body === '' || body === 'success') return { kind: 'ack' };
  let doc: XmlObject;
  try {
    doc = readReplyXml(body);
  } catch (err) {
    return { kind: 'bad', problem: `reply is not XML: ${(err as Error).message}` };
  }
  if (doc.Encrypt === undefined) {
    if (account.mode === 'safe') return { kind: 'bad', problem: 'safe mode requires an encrypted reply' };
    return checked(body, doc, account, expect);
  }
  if (account.mode === 'plain') return { kind: 'bad', problem: 'plain mode cannot carry an encrypted reply' };
  return openEnvelope(doc, account, expect);
}

function openEnvelope(doc: XmlObject, account: SimulatedAccount, expect: ReplyExpectation): ReplyVerdict {
  const encrypt = textOf(doc.Encrypt);
  const signature = textOf(doc.MsgSignature);
  const timestamp = textOf(doc.TimeStamp);
  const nonce = textOf(doc.Nonce);
  if (!encrypt || !signature || timestamp === undefined || nonce === undefined) {
    return { kind: 'bad', problem: 'encrypted reply needs Encrypt, MsgSignature, TimeStamp and Nonce' };
  }
  // Any number is accepted: wechat/co-wechat send milliseconds and Tencent only recomputes the signature.
  if (!/^\d+$/.test(timestamp)) return { kind: 'bad', problem: 'TimeStamp is not a number' };
  if (!signaturesEqual(msgSignature(account.token, timestamp, nonce, encrypt), signature)) {
    return { kind: 'bad', problem: 'MsgSignature does not match' };
  }
  let inner: string;
  try {
    inner = decryptFor(aesKeyFromEncodingAESKey(account.encodingAESKey), encrypt, account.appId).message;
  } catch (err) {
    return { kind: 'bad', problem: `cannot decrypt the reply: ${(err as Error).message}` };
  }
  try {
    return checked(inner, readReplyXml(inner), account, expect);
  } catch (err) {
    return { kind: 'bad', problem: `decrypted reply is not XML: ${(err as Error).message}` };
  }
}

function checked(xml: string, doc: XmlObject, account: SimulatedAccount, expect: ReplyExpectation): ReplyVerdict {
  const problem = passiveReplyProblem(doc, account, expect);
  return problem === undefined ? { kind: 'reply', xml } : { kind: 'bad', problem };
}

/** The first reason Tencent could not deliver this passive reply, or undefined when it is fine. */
export function passiveReplyProblem(doc: XmlObject, account: SimulatedAccount, expect: ReplyExpectation): string | undefined {
  const toUser = textOf(doc.ToUserName);
  const fromUser = textOf(doc.FromUserName);
  const createTime = textOf(doc.CreateTime);
  const msgType = textOf(doc.MsgType);
  if (!toUser || !fromUser || !createTime || !msgType) return 'reply needs ToUserName, FromUserName, CreateTime and MsgType';
  if (expect.openid !== undefined && toUser !== expect.openid) return 'reply ToUserName is not the follower who wrote';
  if (fromUser !== account.originalId) return "reply FromUserName is not the account's original id";
  if (!/^\d+$/.test(createTime.trim())) return 'reply CreateTime is not a number';
  switch (msgType) {
    case 'text':
      return textOf(doc.Content) ? undefined : 'text reply without Content';
    case 'image':
    case 'voice':
    case 'video': {
      const wrapper = { image: 'Image', voice: 'Voice', video: 'Video' }[msgType];
      return mediaIdOf(doc[wrapper]) ? undefined : `${msgType} reply without ${wrapper}/MediaId`;
    }
    case 'music':
      return typeof doc.Music === 'object' && !Array.isArray(doc.Music) ? undefined : 'music reply without Music';
    case 'news':
      return newsProblem(doc);
    case 'transfer_customer_service':
      return undefined;
    default:
      return `reply MsgType ${msgType} cannot be sent as a passive reply`;
  }
}

function mediaIdOf(value: XmlObject[string] | undefined): string | undefined {
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  return textOf(value.MediaId) || undefined;
}

function newsProblem(doc: XmlObject): string | undefined {
  const count = Number(textOf(doc.ArticleCount));
  const articles = doc.Articles;
  if (typeof articles !== 'object' || Array.isArray(articles) || articles.item === undefined) return 'news reply without Articles/item';
  const items = Array.isArray(articles.item) ? articles.item.length : 1;
  if (!Number.isInteger(count) || count !== items) return 'news reply ArticleCount does not match the items';
  if (count < 1 || count > NEWS_MAX_ARTICLES) return `news reply must carry 1-${NEWS_MAX_ARTICLES} articles`;
  return undefined;
}
