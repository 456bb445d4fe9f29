import * as wecom from '@wecom/crypto';
import type { XmlObject } from '../../canonical/chat-event';
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature } from './crypto';
import { CallbackError } from './errors';
import { TEST_ACCOUNT, TEST_AES_KEY, signedQuery, textMessage } from './fixtures/signed-push';
import { NO_REPLY_BODY, readAppReply, sealReply, type ReadAppReplyInput } from './reply';
import { buildXml, parseXml } from './xml';

// The credentials the gateway issued to the replying app (not the account's).
const APP = { token: 'appToken42', encodingAESKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut', appId: 'wx8899aabbccddeeff' };
const OPENID = TEST_ACCOUNT.openid;
const GH = TEST_ACCOUNT.originalId;

const read = (body: string | Uint8Array, overrides: Partial<ReadAppReplyInput> = {}) => readAppReply({
  body, appToken: APP.token, appEncodingAESKey: APP.encodingAESKey, appId: APP.appId, expectedToUserName: OPENID, expectedFromUserName: GH, ...overrides,
});
const replyXml = (rest: XmlObject, head: XmlObject = {}) => buildXml({ ToUserName: OPENID, FromUserName: GH, CreateTime: '1714037060', ...head, ...rest });

/** The code of the CallbackError `fn` throws. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CallbackError) return err.code;
    throw err;
  }
  throw new Error('expected a CallbackError');
}

type CoWechatCtx = { query: Record<string, string>; method: string; request: { body: string }; body?: string; status?: number; type?: string };
type CoWechatFactory = (config: { token: string; appid: string; encodingAESKey: string }) => {
  middleware(handle: (message: Record<string, string>) => Promise<unknown>): (ctx: CoWechatCtx, next: () => Promise<void>) => Promise<void>;
};
const coWechat = require('co-wechat') as CoWechatFactory;
type EasyWechatEncryptor = { encrypt(text: string, nonce?: string, timestamp?: string): string };
const Encryptor = require('node-easywechat/dist/Core/Encryptor') as new (appId: string, token: string, aesKey: string, receiveId: string) => EasyWechatEncryptor;

/** What an unmodified co-wechat app answers to a push the gateway forwarded to it. */
async function coWechatReply(answer: unknown, encrypted: boolean): Promise<string> {
  const plaintext = buildXml(textMessage('hi'));
  let body = plaintext;
  let query = signedQuery({ token: APP.token });
  if (encrypted) {
    const encrypt = encryptMessage(aesKeyFromEncodingAESKey(APP.encodingAESKey), plaintext, APP.appId);
    body = buildXml({ ToUserName: GH, Encrypt: encrypt });
    query = signedQuery({ token: APP.token, encrypt });
  }
  const ctx: CoWechatCtx = { query, method: 'POST', request: { body } };
  await coWechat({ token: APP.token, appid: APP.appId, encodingAESKey: APP.encodingAESKey }).middleware(async () => answer)(ctx, async () => {});
  if (ctx.status !== undefined && ctx.status !== 200) throw new Error(`co-wechat refused the push: ${ctx.status}`);
  return ctx.body ?? '';
}

describe('readAppReply with replies from unmodified SDKs', () => {
  test.each([false, true])('co-wechat text reply (encrypted: %s), CreateTime in ms converted to seconds', async (encrypted) => {
    const before = Math.floor(Date.now() / 1000);
    const reply = read(await coWechatReply('您好 & <welcome>', encrypted));
    expect(reply).toMatchObject({ msgType: 'text', toUserName: OPENID, fromUserName: GH, fields: { content: '您好 & <welcome>' }, encrypted });
    expect(reply?.createTime).toBeGreaterThanOrEqual(before);
    expect(reply?.createTime).toBeLessThan(before + 5);
  });

  test('co-wechat news reply with two articles', async () => {
    const reply = read(await coWechatReply([{ title: 'A', description: 'a', picurl: 'http://p/a', url: 'http://u/a' }, { title: 'B', description: 'b', picurl: 'http://p/b', url: 'http://u/b' }], true));
    expect(reply?.fields).toEqual({ articles: [
      { title: 'A', description: 'a', picUrl: 'http://p/a', url: 'http://u/a' },
      { title: 'B', description: 'b', picUrl: 'http://p/b', url: 'http://u/b' },
    ] });
  });

  test.each([
    [{ type: 'image', content: { mediaId: 'm1' } }, 'image', { mediaId: 'm1' }],
    [{ type: 'voice', content: { mediaId: 'm2' } }, 'voice', { mediaId: 'm2' }],
    [{ type: 'video', content: { mediaId: 'm3', title: 't', description: 'd' } }, 'video', { mediaId: 'm3', title: 't', description: 'd' }],
    [{ type: 'customerService', kfAccount: 'kf1@test' }, 'transfer_customer_service', { kfAccount: 'kf1@test' }],
    [{ type: 'customerService' }, 'transfer_customer_service', {}],
  ])('co-wechat %j reply', async (answer, msgType, fields) => {
    expect(read(await coWechatReply(answer, true))).toMatchObject({ msgType, fields });
  });

  test('co-wechat music reply is refused: it omits ThumbMediaId, which Tencent requires', async () => {
    const body = await coWechatReply({ title: 't', description: 'd', musicUrl: 'http://m', hqMusicUrl: 'http://hq' }, false);
    expect(codeOf(() => read(body))).toBe('reply-invalid');
  });

  test('co-wechat empty answer means no reply', async () => {
    expect(read(await coWechatReply('', true))).toBeNull();
  });

  test('node-easywechat encrypted envelope (bare fields, no CDATA)', () => {
    const body = new Encryptor(APP.appId, APP.token, APP.encodingAESKey, APP.appId).encrypt(replyXml({ MsgType: 'text', Content: 'ok' }), '123456', '1714037060');
    expect(read(body)).toMatchObject({ msgType: 'text', fields: { content: 'ok' }, encrypted: true });
  });
});

describe('readAppReply rules', () => {
  test.each(['', 'success', 'success\n', '  ', Buffer.from('success')])('%j means no reply', (body) => {
    expect(read(body)).toBeNull();
  });

  test('rebuilds the reply from validated fields only, with CreateTime in seconds', () => {
    const reply = read(replyXml({ MsgType: 'text', Content: 'hi', Injected: 'dropped' }, { CreateTime: '1714037060123' }));
    expect(reply?.createTime).toBe(1714037060);
    expect(reply?.xml).toBe(replyXml({ MsgType: 'text', Content: 'hi' }));
    expect(parseXml(reply?.xml ?? '')).not.toHaveProperty('Injected');
  });

  test('accepts a news reply with 1 and with 8 articles and rebuilds Articles/item', () => {
    for (const n of [1, 8]) {
      const items = Array.from({ length: n }, (_, i) => ({ Title: `t${i}`, Url: `http://u/${i}` }));
      const reply = read(replyXml({ MsgType: 'news', ArticleCount: String(n), Articles: { item: items } }));
      expect(reply?.fields.articles).toHaveLength(n);
      expect(parseXml(reply?.xml ?? '')).toMatchObject({ ArticleCount: String(n), Articles: { item: n === 1 ? items[0] : items } });
    }
  });

  test.each([
    ['empty text Content', { MsgType: 'text', Content: '' }],
    ['missing text Content', { MsgType: 'text' }],
    ['text Content of 2049 bytes', { MsgType: 'text', Content: '中'.repeat(683) }],
    ['text Content with children', { MsgType: 'text', Content: { A: '1' } }],
    ['image without MediaId', { MsgType: 'image', Image: { MediaId: '' } }],
    ['image with MediaId outside Image', { MsgType: 'image', MediaId: 'm' }],
    ['video without MediaId', { MsgType: 'video', Video: { Title: 't' } }],
    ['news with ArticleCount 0', { MsgType: 'news', ArticleCount: '0', Articles: '' }],
    ['news with ArticleCount 9', { MsgType: 'news', ArticleCount: '9', Articles: { item: Array.from({ length: 9 }, () => ({ Title: 't' })) } }],
    ['news whose ArticleCount disagrees with its items', { MsgType: 'news', ArticleCount: '2', Articles: { item: { Title: 't' } } }],
    ['news with a non-numeric ArticleCount', { MsgType: 'news', ArticleCount: 'two', Articles: { item: [{ Title: 'a' }, { Title: 'b' }] } }],
  ])('%s -> reply-invalid', (_label, rest) => {
    expect(codeOf(() => read(replyXml(rest as XmlObject)))).toBe('reply-invalid');
  });

  test('a text Content of exactly 2048 bytes is accepted', () => {
    expect(read(replyXml({ MsgType: 'text', Content: `${'中'.repeat(682)}ab` }))?.fields.content).toHaveLength(684);
  });

  test.each(['mpnews', 'event', 'TEXT', ''])('MsgType %j -> reply-unsupported-type', (msgType) => {
    expect(codeOf(() => read(replyXml({ MsgType: msgType, Content: 'x' })))).toBe('reply-unsupported-type');
  });

  test('a reply to another follower, or from another account -> reply-wrong-addressee', () => {
    expect(codeOf(() => read(replyXml({ MsgType: 'text', Content: 'x' }, { ToUserName: 'oOther' })))).toBe('reply-wrong-addressee');
    expect(codeOf(() => read(replyXml({ MsgType: 'text', Content: 'x' }, { FromUserName: 'gh_ffffffffffff' })))).toBe('reply-wrong-addressee');
  });

  test.each([['', 'missing-field'], ['abc', 'bad-field'], ['1.5', 'bad-field'], ['12345678901234', 'bad-field']])('CreateTime %j -> %s', (createTime, code) => {
    expect(codeOf(() => read(replyXml({ MsgType: 'text', Content: 'x' }, { CreateTime: createTime })))).toBe(code);
  });

  describe('encrypted envelope', () => {
    const inner = replyXml({ MsgType: 'text', Content: 'secret' });
    const appKey = aesKeyFromEncodingAESKey(APP.encodingAESKey);
    const envelope = (patch: XmlObject = {}, id = APP.appId) => {
      const encrypt = encryptMessage(appKey, inner, id);
      return buildXml({ Encrypt: encrypt, MsgSignature: msgSignature(APP.token, '1714037060', '99', encrypt), TimeStamp: '1714037060', Nonce: '99', ...patch });
    };

    test('opens with the app token, key and AppID', () => {
      expect(read(envelope())?.fields).toEqual({ content: 'secret' });
    });

    test('a wrong MsgSignature -> bad-msg-signature; a missing one -> missing-field', () => {
      expect(codeOf(() => read(envelope({ MsgSignature: '0'.repeat(40) })))).toBe('bad-msg-signature');
      expect(codeOf(() => read(envelope(), { appToken: 'otherToken' }))).toBe('bad-msg-signature');
      expect(codeOf(() => read(envelope({ MsgSignature: '' })))).toBe('missing-field');
    });

    test('a ciphertext for another AppID -> wrong-appid', () => {
      expect(codeOf(() => read(envelope({}, 'wx0000000000000000')))).toBe('wrong-appid');
    });

    test('an encrypted reply from an app configured without a key -> mode-mismatch', () => {
      expect(codeOf(() => read(envelope(), { appEncodingAESKey: undefined }))).toBe('mode-mismatch');
    });

    test('a non-numeric TimeStamp -> bad-field', () => {
      expect(codeOf(() => read(envelope({ TimeStamp: 'now' })))).toBe('bad-field');
    });
  });
});

describe('sealReply', () => {
  // callback-crypto.md §10 V4: Tencent's official Java sample, deterministic encrypt of a video reply.
  const V4 = {
    token: 'pamtest', key: aesKeyFromEncodingAESKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'), appId: 'wxb11529c136998cb6', random: Buffer.from('aaaabbbbccccdddd'),
    plaintext: '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
    encrypt: 'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
  };

  test('plain mode returns the reply XML unchanged', () => {
    expect(sealReply({ mode: 'plain', token: 't', appId: 'wx', replyXml: V4.plaintext, timestamp: '1', nonce: '2' })).toBe(V4.plaintext);
  });

  test.each(['compatible', 'safe'] as const)('%s mode: V4b encrypts byte for byte into the §6.2 envelope', (mode) => {
    const sealed = sealReply({ mode, token: V4.token, aesKey: V4.key, appId: V4.appId, replyXml: V4.plaintext, timestamp: '1409304348', nonce: 'xxxxxx', random: V4.random });
    const signature = wecom.getSignature(V4.token, '1409304348', 'xxxxxx', V4.encrypt);
    expect(sealed).toBe(`<xml><Encrypt><![CDATA[${V4.encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature>`
      + '<TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[xxxxxx]]></Nonce></xml>');
  });

  test('a sealed reply opens with an independent implementation (node-easywechat) and with readAppReply', () => {
    const xml = replyXml({ MsgType: 'text', Content: '你好' });
    const sealed = sealReply({ mode: 'safe', token: TEST_ACCOUNT.token, aesKey: TEST_AES_KEY, appId: TEST_ACCOUNT.appId, replyXml: xml, timestamp: '1714037060', nonce: '77' });
    const env = parseXml(sealed) as Record<string, string>;
    const EasyDecryptor = require('node-easywechat/dist/Core/Encryptor') as new (a: string, t: string, k: string, r: string) => { decrypt(x: string, s: string, n: string, ts: string): string };
    expect(new EasyDecryptor(TEST_ACCOUNT.appId, TEST_ACCOUNT.token, TEST_ACCOUNT.encodingAESKey, TEST_ACCOUNT.appId).decrypt(env.Encrypt ?? '', env.MsgSignature ?? '', '77', '1714037060')).toBe(xml);
    const back = readAppReply({ body: sealed, appToken: TEST_ACCOUNT.token, appEncodingAESKey: TEST_ACCOUNT.encodingAESKey, appId: TEST_ACCOUNT.appId, expectedToUserName: OPENID, expectedFromUserName: GH });
    expect(back?.xml).toBe(xml);
  });

  test('refuses programming errors with TypeError: no reply, no key, malformed timestamp or nonce', () => {
    const base = { mode: 'safe' as const, token: 't', aesKey: TEST_AES_KEY, appId: 'wx', replyXml: '<xml/>', timestamp: '1', nonce: '2' };
    expect(() => sealReply({ ...base, replyXml: '' })).toThrow(TypeError);
    expect(() => sealReply({ ...base, replyXml: NO_REPLY_BODY })).toThrow(TypeError);
    expect(() => sealReply({ ...base, aesKey: undefined })).toThrow(TypeError);
    expect(() => sealReply({ ...base, timestamp: '1.5' })).toThrow(TypeError);
    expect(() => sealReply({ ...base, nonce: ']]><x>' + ' ' })).toThrow(TypeError);
  });
});
