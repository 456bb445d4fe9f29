/**
 * crypto.ts against every published vector of shared/reference/callback-crypto.md §10,
 * three independent oracle implementations, property-based round trips and hostile input.
 */
import { createCipheriv } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import fc from 'fast-check';
import {
  CallbackCryptoError,
  aesKeyFromEncodingAESKey,
  decryptFor,
  decryptMessage,
  encryptMessage,
  msgSignature,
  plainSignature,
  signaturesEqual,
} from './crypto';

// The two other oracles are untyped CommonJS; declare only what these tests call.
type WechatCrypto = {
  encrypt(text: string): string;
  decrypt(base64: string): { message: string; id: string };
  getSignature(timestamp: string, nonce: string, encrypt: string): string;
};
const WXBizMsgCrypt = require('wechat-crypto') as new (token: string, key: string, id: string) => WechatCrypto;
type EasyWechatEncryptor = {
  decrypt(text: string, msgSignature: string, nonce: string, timestamp: string): string;
  encrypt(text: string, nonce?: string, timestamp?: string): string;
};
const Encryptor = require('node-easywechat/dist/Core/Encryptor') as new (
  appId: string, token: string, aesKey: string, receiveId: string | null,
) => EasyWechatEncryptor;

const V1 = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  echostrSent: 'P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D',
};
const V2 = {
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypt: 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  plaintext: '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>',
};
const V3 = { token: '123456', key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', corpId: 'wx49f0ab532d5d035a' };
const V3A = {
  msgSignature: 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96',
  timestamp: '1411443780',
  nonce: '437374425',
  echostr: '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==',
};
const V3B = {
  msgSignature: '74d92dfeb87ba7c714f89d98870ae5eb62dff26d',
  timestamp: '1411525903',
  nonce: '461056294',
  encrypt: 'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=',
  plaintext: '<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></FromUserName>\n<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>',
};
const V3C = {
  random: '1234567890123456',
  plaintext: '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>',
  encrypt: '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
  msgSignature: '407518b7649e86ef23978113f92d27afa9296533',
};
const V4 = { token: 'pamtest', key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wxb11529c136998cb6', random: 'aaaabbbbccccdddd' };
const V4A = {
  plaintext: '我是中文abcd123',
  encrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
};
const V4B = {
  plaintext: '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
  encrypt: 'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
};
const V5 = {
  token: 'spamtest',
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  timestamp: '1409735669',
  nonce: '1320562132',
  encrypt: 'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  plaintext: '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
};

/** The crypto error code `fn` throws, or a failure when it does not throw a CallbackCryptoError. */
function cryptoErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CallbackCryptoError) return err.code;
    throw err;
  }
  throw new Error('expected a CallbackCryptoError');
}

/** AES-256-CBC over an arbitrary (already padded) plaintext, to forge broken layouts. */
function rawEncrypt(aesKey: Buffer, plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** A correctly laid out plaintext (random | len | msg | id) before padding. */
function layout(message: string, receiveId: string, msgLen?: number): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msgLen ?? msg.length, 0);
  return Buffer.concat([Buffer.from('0123456789abcdef'), len, msg, Buffer.from(receiveId, 'utf8')]);
}

describe('published vectors (callback-crypto.md §10)', () => {
  const v1Key = aesKeyFromEncodingAESKey(V1.key);

  test('V1: WeCom URL verification signature and echostr plaintext', () => {
    expect(msgSignature(V1.token, V1.timestamp, V1.nonce, V1.echostr)).toBe(V1.msgSignature);
    expect(new URLSearchParams(`echostr=${V1.echostrSent}`).get('echostr')).toBe(V1.echostr);
    const out = decryptFor(v1Key, V1.echostr, V1.corpId);
    expect(out.message).toBe('1616140317555161061');
    expect(out.receiveId).toBe(V1.corpId);
    expect(out.random.toString('latin1')).toBe('c41b64491c2468d0');
  });

  test('V2: WeCom encrypted POST decrypts to the published XML', () => {
    expect(msgSignature(V1.token, V2.timestamp, V2.nonce, V2.encrypt)).toBe(V2.msgSignature);
    const out = decryptFor(v1Key, V2.encrypt, V1.corpId);
    expect(out.message).toBe(V2.plaintext);
    expect(out.random.toString('latin1')).toBe('0960688932c47ef1');
  });

  test('V2 negative: decrypting for receive id "wrongcorp" is rejected', () => {
    expect(cryptoErrorCode(() => decryptFor(v1Key, V2.encrypt, 'wrongcorp'))).toBe('receive-id');
  });

  test('V3a: URL verification passes, and fails when the nonce is off by one', () => {
    expect(msgSignature(V3.token, V3A.timestamp, V3A.nonce, V3A.echostr)).toBe(V3A.msgSignature);
    const wrong = msgSignature(V3.token, V3A.timestamp, '437374424', V3A.echostr);
    expect(signaturesEqual(wrong, V3A.msgSignature)).toBe(false);
    expect(decryptFor(aesKeyFromEncodingAESKey(V3.key), V3A.echostr, V3.corpId).message).toBe('5927782489442352469');
  });

  test('V3b: decrypt of the wechatpy vector', () => {
    expect(msgSignature(V3.token, V3B.timestamp, V3B.nonce, V3B.encrypt)).toBe(V3B.msgSignature);
    expect(decryptFor(aesKeyFromEncodingAESKey(V3.key), V3B.encrypt, V3.corpId).message).toBe(V3B.plaintext);
  });

  test('V3c: deterministic encrypt reproduces the ciphertext and MsgSignature byte for byte', () => {
    const enc = encryptMessage(aesKeyFromEncodingAESKey(V3.key), V3C.plaintext, V3.corpId, Buffer.from(V3C.random));
    expect(enc).toBe(V3C.encrypt);
    expect(msgSignature(V3.token, V3B.timestamp, V3B.nonce, enc)).toBe(V3C.msgSignature);
  });

  test('V4a: Chinese plaintext encrypts deterministically (msg_len counts UTF-8 bytes)', () => {
    const key = aesKeyFromEncodingAESKey(V4.key);
    expect(encryptMessage(key, V4A.plaintext, V4.appId, Buffer.from(V4.random))).toBe(V4A.encrypt);
    expect(decryptFor(key, V4A.encrypt, V4.appId).message).toBe(V4A.plaintext);
  });

  test('V4b: the official OA Java sample video reply encrypts deterministically', () => {
    const key = aesKeyFromEncodingAESKey(V4.key);
    expect(encryptMessage(key, V4B.plaintext, V4.appId, Buffer.from(V4.random))).toBe(V4B.encrypt);
    expect(decryptFor(key, V4B.encrypt, V4.appId).message).toBe(V4B.plaintext);
  });

  test('V4: the computed msg_signature over V4a with timestamp 1409304348 / nonce xxxxxx', () => {
    expect(msgSignature(V4.token, '1409304348', 'xxxxxx', V4A.encrypt)).toBe('82c962d39941aa48552f90ef55aa323dc620cc10');
  });

  test('V5: the official OA Python/PHP sample message', () => {
    expect(msgSignature(V5.token, V5.timestamp, V5.nonce, V5.encrypt)).toBe(V5.msgSignature);
    expect(decryptFor(aesKeyFromEncodingAESKey(V5.key), V5.encrypt, V5.appId).message).toBe(V5.plaintext);
  });

  test('V6: plain signature, and the same with the last character changed fails', () => {
    const sig = plainSignature('test', '1410685589', 'test');
    expect(sig).toBe('f21891de399b4e33a1a93c9a7b8a8fffb5a443ff');
    expect(signaturesEqual(sig, 'f21891de399b4e33a1a93c9a7b8a8fffb5a443fe')).toBe(false);
  });

  test('V7a: plain signature of the official GET handshake example', () => {
    expect(plainSignature('AAAAA', '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  test('V7b: plain signature of the official POST example', () => {
    expect(plainSignature('AAAAA', '1714037059', '486452656')).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
  });
});

describe('oracle cross-checks', () => {
  // Chinese text, emoji and ASCII: msg_len must count UTF-8 bytes, not UTF-16 units.
  const chinese = fc.array(fc.integer({ min: 0x4e00, max: 0x9fff }), { maxLength: 40 }).map((cps) => String.fromCodePoint(...cps));
  const message = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), chinese, fc.string({ maxLength: 600 }));
  const receiveId = fc.stringMatching(/^[A-Za-z0-9_]{0,24}$/);
  const random16 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u));
  const encodingAESKey = fc.stringMatching(/^[A-Za-z0-9]{43}$/);
  const digits = fc.stringMatching(/^[0-9]{1,12}$/);

  test('@wecom/crypto encrypt with injected random equals ours byte for byte', () => {
    fc.assert(fc.property(encodingAESKey, message, receiveId, random16, (k, msg, id, rnd) => {
      expect(encryptMessage(aesKeyFromEncodingAESKey(k), msg, id, rnd)).toBe(wecom.encrypt(k, msg, id, rnd));
    }));
  });

  test('@wecom/crypto decrypts what we encrypt, and we decrypt what it encrypts', () => {
    fc.assert(fc.property(encodingAESKey, message, receiveId, (k, msg, id) => {
      const key = aesKeyFromEncodingAESKey(k);
      const ours = encryptMessage(key, msg, id);
      const theirs = wecom.decrypt(k, ours);
      expect([theirs.message, theirs.id]).toEqual([msg, id]);
      const back = decryptMessage(key, wecom.encrypt(k, msg, id));
      expect([back.message, back.receiveId]).toEqual([msg, id]);
    }));
  });

  test('@wecom/crypto getSignature agrees with msgSignature', () => {
    fc.assert(fc.property(fc.string(), digits, digits, fc.base64String(), (token, ts, nonce, enc) => {
      expect(msgSignature(token, ts, nonce, enc)).toBe(wecom.getSignature(token, ts, nonce, enc));
    }));
  });

  test('wechat-crypto (WXBizMsgCrypt) round-trips with ours both ways and agrees on signatures', () => {
    fc.assert(fc.property(encodingAESKey, message, receiveId.filter((s) => s.length > 0), digits, digits, (k, msg, id, ts, nonce) => {
      const lib = new WXBizMsgCrypt('token', k, id);
      const key = aesKeyFromEncodingAESKey(k);
      expect(decryptFor(key, lib.encrypt(msg), id).message).toBe(msg);
      const ours = encryptMessage(key, msg, id);
      expect(lib.decrypt(ours)).toEqual({ message: msg, id });
      expect(msgSignature('token', ts, nonce, ours)).toBe(lib.getSignature(ts, nonce, ours));
    }));
  });

  test('node-easywechat Encryptor decrypts ours with its own signature and appId checks', () => {
    fc.assert(fc.property(encodingAESKey, message, receiveId.filter((s) => s.length > 0), digits, digits, (k, msg, id, ts, nonce) => {
      const enc = encryptMessage(aesKeyFromEncodingAESKey(k), msg, id);
      const sig = msgSignature('tok', ts, nonce, enc);
      // Argument order trap: decrypt(text, msgSignature, nonce, timestamp).
      expect(new Encryptor(id, 'tok', k, id).decrypt(enc, sig, nonce, ts)).toBe(msg);
    }));
  });

  test('node-easywechat Encryptor rejects our ciphertext for a different receive id', () => {
    const enc = encryptMessage(aesKeyFromEncodingAESKey(V5.key), 'hello', V5.appId);
    const sig = msgSignature(V5.token, '1', '2', enc);
    expect(() => new Encryptor(V5.appId, V5.token, V5.key, 'wxother').decrypt(enc, sig, '2', '1')).toThrow('Invalid appId.');
  });

  test('we open node-easywechat encrypted reply envelopes (its signature verifies under ours)', () => {
    fc.assert(fc.property(message, digits, digits, (msg, ts, nonce) => {
      const xml = new Encryptor(V5.appId, V5.token, V5.key, V5.appId).encrypt(msg, nonce, ts);
      const field = (name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(xml)?.[1] ?? '';
      const enc = field('Encrypt');
      expect(signaturesEqual(msgSignature(V5.token, field('TimeStamp'), field('Nonce'), enc), field('MsgSignature'))).toBe(true);
      expect(decryptFor(aesKeyFromEncodingAESKey(V5.key), enc, V5.appId).message).toBe(msg);
    }), { numRuns: 50 });
  });
});

describe('round trips', () => {
  test('encryptMessage then decryptFor returns any message, id and random unchanged', () => {
    fc.assert(fc.property(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      (msg, id, rnd) => {
        const key = aesKeyFromEncodingAESKey(V4.key);
        const out = decryptFor(key, encryptMessage(key, msg, id, Buffer.from(rnd)), id);
        expect(out).toEqual({ message: msg, receiveId: id, random: Buffer.from(rnd) });
      },
    ));
  });

  test('a layout that is already a multiple of 32 bytes gets a full block of 0x20 padding', () => {
    const key = aesKeyFromEncodingAESKey(V4.key);
    const msg = 'x'.repeat(32 - 20 - 'wxid'.length + 32); // 16+4+msg+id = 64 bytes
    const enc = encryptMessage(key, msg, 'wxid');
    expect(Buffer.from(enc, 'base64').length).toBe(96);
    expect(decryptFor(key, enc, 'wxid').message).toBe(msg);
  });
});

describe('hostile input', () => {
  const key = aesKeyFromEncodingAESKey(V4.key);

  test.each([
    ['a character outside base64', 'abc$'],
    ['a length that is not a multiple of 4', 'abcde'],
    ['an empty string', ''],
    ['whitespace inside', 'ab cd==='],
    ['too much padding', 'ab==='],
    ['URL-safe alphabet', 'ab-_'],
  ])('rejects bad base64: %s', (_label, text) => {
    expect(cryptoErrorCode(() => decryptMessage(key, text))).toBe('base64');
  });

  test('rejects a ciphertext whose length is not a multiple of 32 bytes', () => {
    expect(cryptoErrorCode(() => decryptMessage(key, Buffer.alloc(16).toString('base64')))).toBe('buffer');
    expect(cryptoErrorCode(() => decryptMessage(key, Buffer.alloc(48).toString('base64')))).toBe('buffer');
  });

  test.each([
    ['last byte 0', (b: Buffer) => { b[b.length - 1] = 0; }],
    ['last byte 33', (b: Buffer) => { b[b.length - 1] = 33; }],
    ['inconsistent pad bytes', (b: Buffer) => { b[b.length - 2] = 7; }],
  ])('rejects bad padding: %s', (_label, corrupt) => {
    const body = layout('hello', V4.appId); // 16+4+5+18 = 43 bytes -> 21 bytes of pad 21
    const plain = Buffer.concat([body, Buffer.alloc(64 - body.length, 64 - body.length)]);
    corrupt(plain);
    expect(cryptoErrorCode(() => decryptMessage(key, rawEncrypt(key, plain)))).toBe('buffer');
  });

  test('rejects a msg_len that runs past the end of the plaintext', () => {
    const body = layout('hello', V4.appId, 1000);
    const plain = Buffer.concat([body, Buffer.alloc(64 - body.length, 64 - body.length)]);
    expect(cryptoErrorCode(() => decryptMessage(key, rawEncrypt(key, plain)))).toBe('buffer');
  });

  test('rejects a msg_len of 2^32-1 without overflowing', () => {
    const body = layout('', '', 0xffffffff);
    const plain = Buffer.concat([body, Buffer.alloc(32 - body.length, 32 - body.length)]);
    expect(cryptoErrorCode(() => decryptMessage(key, rawEncrypt(key, plain)))).toBe('buffer');
  });

  test('rejects a plaintext shorter than the 20-byte header', () => {
    expect(cryptoErrorCode(() => decryptMessage(key, rawEncrypt(key, Buffer.alloc(32, 32))))).toBe('buffer');
  });

  test('rejects the right ciphertext for the wrong receive id, including a prefix and the empty id', () => {
    const enc = encryptMessage(key, 'hello', V4.appId);
    for (const id of ['wxother', V4.appId.slice(0, -1), `${V4.appId}x`, '']) {
      expect(cryptoErrorCode(() => decryptFor(key, enc, id))).toBe('receive-id');
    }
  });

  test('a ciphertext under the wrong key never decrypts to the message', () => {
    const wrongKey = aesKeyFromEncodingAESKey(V1.key);
    for (const enc of [V4A.encrypt, V4B.encrypt, V5.encrypt]) {
      expect(['buffer', 'receive-id']).toContain(cryptoErrorCode(() => decryptFor(wrongKey, enc, V4.appId)));
    }
  });

  test.each([
    ['42 characters', V4.key.slice(0, 42)],
    ['44 characters', `${V4.key}A`],
    ['a "+" (outside [A-Za-z0-9])', `${V4.key.slice(0, 42)}+`],
    ['a trailing "="', `${V4.key.slice(0, 42)}=`],
    ['empty', ''],
  ])('rejects an EncodingAESKey with %s', (_label, k) => {
    expect(cryptoErrorCode(() => aesKeyFromEncodingAESKey(k))).toBe('aes-key');
  });

  test('signaturesEqual rejects a signature off by one character anywhere', () => {
    const sig = plainSignature('AAAAA', '1714036504', '1514711492');
    for (let i = 0; i < sig.length; i++) {
      const flipped = sig.slice(0, i) + (sig[i] === '0' ? '1' : '0') + sig.slice(i + 1);
      expect(signaturesEqual(sig, flipped)).toBe(false);
    }
    expect(signaturesEqual(sig, sig.slice(0, -1))).toBe(false);
    expect(signaturesEqual(sig, `${sig}0`)).toBe(false);
    expect(signaturesEqual(sig, '')).toBe(false);
    expect(signaturesEqual(sig, sig)).toBe(true);
  });

  test('signaturesEqual rejects uppercase hex (Tencent and its samples emit and compare lowercase only)', () => {
    const sig = plainSignature('AAAAA', '1714036504', '1514711492');
    expect(signaturesEqual(sig, sig.toUpperCase())).toBe(false);
    expect(signaturesEqual(sig, sig.replace('f', 'F'))).toBe(false);
  });

  test('signaturesEqual rejects a non-ASCII string whose lower-casing or length could confuse a compare', () => {
    const sig = plainSignature('AAAAA', '1714036504', '1514711492');
    expect(signaturesEqual(sig, `${sig.slice(0, 39)}\u0130`)).toBe(false);
    expect(signaturesEqual(sig, 'é'.repeat(20))).toBe(false);
  });
});
