/**
 * Opening WeCom pushes and handshakes: Tencent's published WeCom vectors
 * (callback-crypto.md §10 V1–V3), interop with @wecom/crypto in both
 * directions, and every bad input, each refused with its specific code.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature } from '../../wechat/callback/crypto';
import { CallbackError, type CallbackErrorCode } from '../../wechat/callback/errors';
import { buildXml } from '../../wechat/callback/xml';
import { envelope, NOW, SAMPLE_EVENTS, sealWecomPush, signedQuery, TEST_CORP } from './fixtures/wecom-push';
import { openWecomPush, verifyWecomUrl, type OpenWecomPushInput } from './open-push';
import { toWecomCallbackEvent } from './parse-event';

const AES_KEY = aesKeyFromEncodingAESKey(TEST_CORP.encodingAESKey);
const CORP = { token: TEST_CORP.token, aesKey: AES_KEY, corpId: TEST_CORP.corpId };

const open = (push: { body: string | Buffer; query: Record<string, string> }, over: Partial<OpenWecomPushInput> = {}) =>
  openWecomPush({ ...CORP, query: push.query, body: push.body, now: NOW, maxSkewSeconds: 300, ...over });

function refusal(fn: () => unknown): { code: CallbackErrorCode; status: number; message: string } | string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof CallbackError) return { code: err.code, status: err.status, message: err.message };
    return `not a CallbackError: ${String(err)}`;
  }
}

// Tencent's official WeCom sample (V1/V2) and wechatpy's (V3), callback-crypto.md §10.
const V1 = { token: 'QDG6eK', key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wx5823bf96d3bd56c7' };
const V3 = { token: '123456', key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', corpId: 'wx49f0ab532d5d035a' };
const V2_ENCRYPT = 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

describe('Tencent WeCom vectors', () => {
  it('V1: verifies the URL handshake and answers the decrypted echostr', () => {
    // URL-encoded as sent; Koa hands the route the decoded value.
    const echostr = decodeURIComponent('P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D');
    const query = { msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780', echostr };
    expect(verifyWecomUrl({ token: V1.token, aesKey: aesKeyFromEncodingAESKey(V1.key), corpId: V1.corpId, query })).toBe('1616140317555161061');
  });

  it('V1: refuses the handshake for another CorpID with wrong-appid (receive id)', () => {
    const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
    const query = { msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780', echostr };
    expect(refusal(() => verifyWecomUrl({ token: V1.token, aesKey: aesKeyFromEncodingAESKey(V1.key), corpId: 'wwsomeothercorp0', query }))).toMatchObject({ code: 'wrong-appid', status: 403 });
  });

  it('V2: opens Tencent\'s encrypted POST and checks the receive id', () => {
    const body = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${V2_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
    const query = { msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149' };
    const keys = { token: V1.token, aesKey: aesKeyFromEncodingAESKey(V1.key), corpId: V1.corpId };
    const opened = openWecomPush({ ...keys, query, body, now: 1409659813, maxSkewSeconds: 300 });
    expect(opened.plaintext).toBe('<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>');
    expect(opened.message).toMatchObject({ FromUserName: 'mycreate', AgentID: '218', MsgId: '4561255354251345929' });
    expect(opened.replayKey).toEqual({ timestamp: '1409659813', nonce: '1372623149', signature: '477715d11cdb4164915debcba66cb864d751f3e6' });
    expect(refusal(() => openWecomPush({ ...keys, corpId: 'wrongcorp', query, body, now: 1409659813, maxSkewSeconds: 300 }))).toMatchObject({ code: 'wrong-appid' });
  });

  it('V3a: verifies wechatpy\'s handshake, and refuses it with the nonce off by one', () => {
    const query = { msg_signature: 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96', timestamp: '1411443780', nonce: '437374425', echostr: '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==' };
    const keys = { token: V3.token, aesKey: aesKeyFromEncodingAESKey(V3.key), corpId: V3.corpId };
    expect(verifyWecomUrl({ ...keys, query })).toBe('5927782489442352469');
    expect(refusal(() => verifyWecomUrl({ ...keys, query: { ...query, nonce: '437374424' } }))).toMatchObject({ code: 'bad-msg-signature', status: 401 });
  });

  it('V3c: our encryption with the published random equals the vector, and @wecom/crypto agrees', () => {
    const plaintext = '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>';
    const random = Buffer.from('1234567890123456');
    const ours = encryptMessage(aesKeyFromEncodingAESKey(V3.key), plaintext, V3.corpId, random);
    expect(ours).toBe(wecom.encrypt(V3.key, plaintext, V3.corpId, random));
    expect(msgSignature(V3.token, '1411525903', '461056294', ours)).toBe('407518b7649e86ef23978113f92d27afa9296533');
  });
});

describe('interop with @wecom/crypto', () => {
  it.each(Object.keys(SAMPLE_EVENTS) as (keyof typeof SAMPLE_EVENTS)[])('opens %s sealed and signed by @wecom/crypto', (type) => {
    const push = sealWecomPush(SAMPLE_EVENTS[type]);
    const opened = open(push);
    expect(opened.plaintext).toBe(push.plaintext);
    expect(toWecomCallbackEvent({ corpConfigId: TEST_CORP.id, corpId: TEST_CORP.corpId, message: opened.message }).type).toBe(type);
  });

  it('signs like @wecom/crypto, and @wecom/crypto decrypts what we encrypt (multi-byte text, receive id = CorpID)', () => {
    const xml = buildXml({ ...SAMPLE_EVENTS['change_contact.create_user'], Name: '王小明 🙂' });
    const ours = encryptMessage(AES_KEY, xml, TEST_CORP.corpId);
    expect(wecom.decrypt(TEST_CORP.encodingAESKey, ours)).toMatchObject({ message: xml, id: TEST_CORP.corpId });
    expect(msgSignature(TEST_CORP.token, '1714037059', '42', ours)).toBe(wecom.getSignature(TEST_CORP.token, '1714037059', '42', ours));
  });

  it('verifies a handshake made with @wecom/crypto', () => {
    const echostr = wecom.encrypt(TEST_CORP.encodingAESKey, '8613402817337261342', TEST_CORP.corpId);
    expect(verifyWecomUrl({ ...CORP, query: { ...signedQuery(echostr), echostr }, now: NOW })).toBe('8613402817337261342');
  });
});

/** AES-256-CBC of a WXBizMsgCrypt plaintext built by hand; `padding: 'wrong'` breaks the PKCS#7 bytes. */
function rawEncrypt(msg: Buffer, receiveId: string, padding: 'pkcs7' | 'wrong' = 'pkcs7'): string {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(receiveId)]);
  const n = 32 - (body.length % 32);
  const pad = Buffer.alloc(n, n);
  if (padding === 'wrong') pad[n - 1] = (n % 32) + 1;
  const cipher = createCipheriv('aes-256-cbc', AES_KEY, AES_KEY.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, pad])), cipher.final()]).toString('base64');
}

const NOTIFY = SAMPLE_EVENTS.msgaudit_notify;
const inner = (xml: string) => sealWecomPush(xml);
const LAUGHS = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
const XXE = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>x</ToUserName><Encrypt>&xxe;</Encrypt></xml>';

describe('openWecomPush refuses bad input with a specific code', () => {
  const cases: [string, () => unknown, CallbackErrorCode, number][] = [
    ['a bad msg_signature', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, query: { ...p.query, msg_signature: '0'.repeat(40) } }); }, 'bad-msg-signature', 401],
    ['a msg_signature in upper case', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, query: { ...p.query, msg_signature: p.query.msg_signature!.toUpperCase() } }); }, 'bad-msg-signature', 401],
    ['a signature made with another token', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, query: signedQuery(p.encrypt, { token: 'someOtherToken' }) }); }, 'bad-msg-signature', 401],
    ['a signed query with another ciphertext in the body', () => { const p = sealWecomPush(NOTIFY); const q = sealWecomPush(NOTIFY); return open({ body: q.body, query: p.query }); }, 'bad-msg-signature', 401],
    ['a ciphertext for another receive id (CorpID)', () => open(sealWecomPush(NOTIFY, { receiveId: 'ww99999999999999aa' })), 'wrong-appid', 403],
    ['a ciphertext with an empty receive id (AI-bot form)', () => open(sealWecomPush(NOTIFY, { receiveId: '' })), 'wrong-appid', 403],
    ['a stale timestamp', () => open(sealWecomPush(NOTIFY, { timestamp: String(NOW - 301) })), 'stale-timestamp', 403],
    ['a timestamp from the future', () => open(sealWecomPush(NOTIFY, { timestamp: String(NOW + 301) })), 'stale-timestamp', 403],
    ['a missing msg_signature', () => { const p = sealWecomPush(NOTIFY); const { msg_signature: _m, ...query } = p.query; return open({ ...p, query }); }, 'missing-param', 400],
    ['a missing nonce', () => { const p = sealWecomPush(NOTIFY); const { nonce: _n, ...query } = p.query; return open({ ...p, query }); }, 'missing-param', 400],
    ['a timestamp that is not digits', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, query: { ...p.query, timestamp: '1714037059.5' } }); }, 'bad-param', 400],
    ['a repeated parameter', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, query: { ...p.query, nonce: ['1', '2'] } as unknown as Record<string, string> }); }, 'bad-param', 400],
    ['a body without Encrypt', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, body: buildXml({ ToUserName: TEST_CORP.corpId, AgentID: '2000003' }) }); }, 'missing-field', 400],
    ['an empty Encrypt', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, body: buildXml({ ToUserName: TEST_CORP.corpId, Encrypt: '' }) }); }, 'missing-field', 400],
    ['a malformed envelope', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, body: p.body.slice(0, p.body.length - 9) }); }, 'malformed-xml', 400],
    ['an envelope with a DOCTYPE', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, body: `<!DOCTYPE xml SYSTEM "http://attacker.example/x.dtd">${p.body}` }); }, 'xml-doctype', 400],
    ['an envelope with an external entity (XXE)', () => open({ body: XXE, query: signedQuery('x') }), 'xml-entity', 400],
    ['an envelope with billion laughs', () => open({ body: `<!DOCTYPE xml [<!ENTITY lol0 "lol">${LAUGHS}]><xml><Encrypt>&lol10;</Encrypt></xml>`, query: signedQuery('x') }), 'xml-entity', 400],
    ['an oversized envelope', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, body: p.body.replace('</xml>', `<Pad>${'x'.repeat(64 * 1024)}</Pad></xml>`) }); }, 'oversized', 413],
    ['a deeply nested envelope', () => { const p = sealWecomPush(NOTIFY); return open({ ...p, body: p.body.replace('</xml>', `${'<a>'.repeat(40)}x${'</a>'.repeat(40)}</xml>`) }); }, 'xml-too-deep', 400],
    ['Encrypt that is not base64', () => { const encrypt = '!!!notbase64!!!'; return open({ body: envelope(encrypt), query: signedQuery(encrypt) }); }, 'bad-base64', 400],
    ['a ciphertext with broken padding', () => { const encrypt = rawEncrypt(Buffer.from(buildXml(NOTIFY)), TEST_CORP.corpId, 'wrong'); return open({ body: envelope(encrypt), query: signedQuery(encrypt) }); }, 'bad-padding', 400],
    ['a decrypted message that is not UTF-8', () => { const encrypt = rawEncrypt(Buffer.from([0x3c, 0x78, 0xff, 0xfe]), TEST_CORP.corpId); return open({ body: envelope(encrypt), query: signedQuery(encrypt) }); }, 'malformed-xml', 400],
    ['a truncated decrypted message', () => open(inner(buildXml(NOTIFY).slice(0, 60))), 'malformed-xml', 400],
    ['a decrypted message with a DOCTYPE', () => open(inner(`<!DOCTYPE xml SYSTEM "file:///etc/passwd">${buildXml(NOTIFY)}`)), 'xml-doctype', 400],
    ['a decrypted message with an external entity (XXE)', () => open(inner(`<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>&xxe;</ToUserName></xml>`)), 'xml-entity', 400],
    ['a decrypted message with billion laughs', () => open(inner(`<!DOCTYPE xml [<!ENTITY lol0 "lol">${LAUGHS}]><xml><Event>&lol10;</Event></xml>`)), 'xml-entity', 400],
    ['a decrypted message whose root is not <xml>', () => open(inner('<root><Event>x</Event></root>')), 'xml-not-xml-root', 400],
    ['a clear AgentID that disagrees with the encrypted one', () => open(sealWecomPush(NOTIFY, { clear: { ToUserName: TEST_CORP.corpId, AgentID: '1000099' } })), 'field-mismatch', 400],
    ['a clear ToUserName that disagrees with the encrypted one', () => open(sealWecomPush(NOTIFY, { clear: { ToUserName: 'ww99999999999999aa', AgentID: '2000003' } })), 'field-mismatch', 400],
  ];

  it.each(cases)('refuses %s', (_name, fn, code, status) => {
    expect(refusal(fn)).toMatchObject({ code, status });
  });

  it('never puts request content in an error message', () => {
    const canary = 'CANARY-7d1f';
    const push = inner(`<xml><ToUserName>${canary}</ToUserName><!DOCTYPE x></xml>`);
    const result = refusal(() => open(push));
    expect(typeof result === 'object' && result.message.includes(canary)).toBe(false);
  });

  it('accepts the timestamp at the edge of the window', () => {
    expect(refusal(() => open(sealWecomPush(NOTIFY, { timestamp: String(NOW - 300) })))).toBe('accepted');
  });
});

describe('verifyWecomUrl refuses bad handshakes', () => {
  const echostr = wecom.encrypt(TEST_CORP.encodingAESKey, '1616140317555161061', TEST_CORP.corpId);
  it.each<[string, Record<string, string>, CallbackErrorCode]>([
    ['a bad msg_signature', { ...signedQuery(echostr), msg_signature: 'f'.repeat(40), echostr }, 'bad-msg-signature'],
    ['a signature over another echostr', { ...signedQuery('other'), echostr }, 'bad-msg-signature'],
    ['a missing echostr', signedQuery(echostr), 'missing-param'],
    ['an oversized echostr', { ...signedQuery('A'.repeat(2000)), echostr: 'A'.repeat(2000) }, 'bad-param'],
    ['a stale timestamp', { ...signedQuery(echostr, { timestamp: String(NOW - 1000) }), echostr }, 'stale-timestamp'],
    ['an echostr for another CorpID', (() => { const e = wecom.encrypt(TEST_CORP.encodingAESKey, '1', 'ww99999999999999aa'); return { ...signedQuery(e), echostr: e }; })(), 'wrong-appid'],
  ])('refuses %s', (_name, query, code) => {
    expect(refusal(() => verifyWecomUrl({ ...CORP, query, now: NOW }))).toMatchObject({ code });
  });
});
