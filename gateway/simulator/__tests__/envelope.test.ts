import { createHash } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import fc from 'fast-check';
import { createSimulatedAccount, type CallbackMode } from '../accounts';
import { urlVerificationQuery, wrapPush } from '../envelope';
import { textMessage } from '../pushes';

interface WechatCryptoInstance {
  getSignature(timestamp: string, nonce: string, encrypt: string): string;
  decrypt(encrypt: string): { message: string; id: string };
}
// wechat-crypto ships no types; it is an independent WXBizMsgCrypt implementation used as an oracle.
const WechatCrypto = require('wechat-crypto') as new (token: string, key: string, id: string) => WechatCryptoInstance;

const accountIn = (mode: CallbackMode) =>
  createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', mode, seed: `envelope-${mode}` });

const push = (originalId: string) =>
  textMessage({
    toUserName: originalId,
    fromUserName: 'oia2TjuEGTNoeX76QEjQNrcURxG8',
    createTime: 1714037059,
    content: '你好，我想咨询一下理财产品 hello',
    msgId: '6054768590064713728',
  });

describe('push envelopes', () => {
  it.each(['safe', 'compatible'] as const)('in %s mode the push decrypts with @wecom/crypto and wechat-crypto and msg_signature matches theirs', (mode) => {
    const account = accountIn(mode);
    const xml = push(account.originalId);
    const wire = wrapPush(account, xml, { timestamp: '1714037059', nonce: '486452656', openid: 'oia2TjuEGTNoeX76QEjQNrcURxG8' });
    const query = new URLSearchParams(wire.query);
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(wire.body)?.[1] as string;
    expect(encrypt).toBeDefined();

    expect(query.get('encrypt_type')).toBe('aes');
    expect(query.get('msg_signature')).toBe(wecom.getSignature(account.token, '1714037059', '486452656', encrypt));
    const oracle = new WechatCrypto(account.token, account.encodingAESKey, account.appId);
    expect(query.get('msg_signature')).toBe(oracle.getSignature('1714037059', '486452656', encrypt));

    expect(wecom.decrypt(account.encodingAESKey, encrypt)).toMatchObject({ message: xml, id: account.appId });
    expect(oracle.decrypt(encrypt)).toMatchObject({ message: xml, id: account.appId });
    // Both modes also carry the plain signature Tencent sends (callback-crypto.md §12).
    const plain = createHash('sha1').update([account.token, '1714037059', '486452656'].sort().join('')).digest('hex');
    expect(query.get('signature')).toBe(plain);
    expect([...query.keys()]).toEqual(['signature', 'timestamp', 'nonce', 'openid', 'encrypt_type', 'msg_signature']);
  });

  it('safe mode sends only ToUserName and Encrypt', () => {
    const account = accountIn('safe');
    const wire = wrapPush(account, push(account.originalId), { timestamp: '1714037059', nonce: '486452656' });
    expect(wire.body).toMatch(new RegExp(`^<xml><ToUserName><!\\[CDATA\\[${account.originalId}\\]\\]></ToUserName><Encrypt><!\\[CDATA\\[[A-Za-z0-9+/=]+\\]\\]></Encrypt></xml>$`));
  });

  it('compatible mode keeps every clear field and adds Encrypt before </xml>', () => {
    const account = accountIn('compatible');
    const xml = push(account.originalId);
    const wire = wrapPush(account, xml, { timestamp: '1714037059', nonce: '486452656' });
    expect(wire.body.startsWith(xml.slice(0, -'</xml>'.length))).toBe(true);
    expect(wire.body).toMatch(/\n<Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt>\n<\/xml>$/);
  });

  it('plain mode sends the XML untouched with signature, timestamp, nonce and openid only', () => {
    const account = accountIn('plain');
    const xml = push(account.originalId);
    const wire = wrapPush(account, xml, { timestamp: '1714037059', nonce: '486452656', openid: 'oia2TjuEGTNoeX76QEjQNrcURxG8' });
    expect(wire.body).toBe(xml);
    expect([...new URLSearchParams(wire.query).keys()]).toEqual(['signature', 'timestamp', 'nonce', 'openid']);
  });

  it('plain signature matches published vector V7b (token AAAAA)', () => {
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', mode: 'plain', token: 'AAAAA' });
    const wire = wrapPush(account, push(account.originalId), { timestamp: '1714037059', nonce: '486452656' });
    expect(new URLSearchParams(wire.query).get('signature')).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
  });

  it('plain signature matches published vector V6 (token test)', () => {
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', mode: 'plain', token: 'test' });
    const wire = wrapPush(account, push(account.originalId), { timestamp: '1410685589', nonce: 'test' });
    expect(new URLSearchParams(wire.query).get('signature')).toBe('f21891de399b4e33a1a93c9a7b8a8fffb5a443ff');
  });

  it('URL verification query matches published vector V7a and carries echostr in clear', () => {
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', mode: 'safe', token: 'AAAAA' });
    const query = new URLSearchParams(urlVerificationQuery(account, { timestamp: '1714036504', nonce: '1514711492', echostr: '4375120948345356249' }));
    expect(Object.fromEntries(query)).toEqual({
      signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696',
      timestamp: '1714036504',
      nonce: '1514711492',
      echostr: '4375120948345356249',
    });
  });

  it("reproduces Tencent's OA Java sample ciphertext (V4a) and its msg_signature byte for byte", () => {
    const account = createSimulatedAccount({
      callbackUrl: 'http://127.0.0.1:1/cb',
      mode: 'safe',
      token: 'pamtest',
      encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      appId: 'wxb11529c136998cb6',
    });
    const wire = wrapPush(account, '我是中文abcd123', { timestamp: '1409304348', nonce: 'xxxxxx', random: Buffer.from('aaaabbbbccccdddd') });
    expect(wire.body).toContain('<Encrypt><![CDATA[jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==]]></Encrypt>');
    expect(new URLSearchParams(wire.query).get('msg_signature')).toBe('82c962d39941aa48552f90ef55aa323dc620cc10');
  });

  it('any push content survives encryption as @wecom/crypto reads it (property)', () => {
    const account = accountIn('safe');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.stringMatching(/^\d{1,10}$/), (content, nonce) => {
        const xml = textMessage({ toUserName: account.originalId, fromUserName: 'oia2TjuEGTNoeX76QEjQNrcURxG8', createTime: 1, content });
        const wire = wrapPush(account, xml, { timestamp: '1714037059', nonce });
        const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(wire.body)?.[1] as string;
        expect(new URLSearchParams(wire.query).get('msg_signature')).toBe(wecom.getSignature(account.token, '1714037059', nonce, encrypt));
        expect(wecom.decrypt(account.encodingAESKey, encrypt)).toMatchObject({ message: xml, id: account.appId });
      }),
      { numRuns: 200 },
    );
  });
});
