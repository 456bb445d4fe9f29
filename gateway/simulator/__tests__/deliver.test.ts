import * as wecom from '@wecom/crypto';
import { createSimulatedAccount, type CallbackMode, type SimulatedAccount } from '../accounts';
import { deliverPush, SERVICE_UNAVAILABLE_NOTICE, verifyUrl } from '../deliver';
import * as pushes from '../pushes';
import { readReplyXml } from '../xml-reader';
import { base, catalogue } from './helpers/push-catalogue';
import { startAccountServer, startWechatMiddlewareServer, type AccountServer } from './helpers/account-server';

const OPENID = 'oia2TjuEGTNoeX76QEjQNrcURxG8';
const TIMEOUT = 300;

function account(mode: CallbackMode, callbackUrl: string): SimulatedAccount {
  return createSimulatedAccount({ callbackUrl, mode, seed: `deliver-${mode}` });
}

const textPush = (a: SimulatedAccount, content = '我想查一下账户余额') =>
  pushes.textMessage({ toUserName: a.originalId, fromUserName: OPENID, createTime: 1714037059, content });

const textReply = (a: SimulatedAccount, content = '您好，已收到') =>
  `<xml><ToUserName><![CDATA[${OPENID}]]></ToUserName><FromUserName><![CDATA[${a.originalId}]]></FromUserName>` +
  `<CreateTime>1714037060</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content></xml>`;

/** An encrypted reply envelope as an SDK builds it; milliseconds in TimeStamp as wechat/co-wechat send. */
function encryptedReply(a: SimulatedAccount, inner: string, options: { badSignature?: boolean; appId?: string } = {}): string {
  const encrypt = wecom.encrypt(a.encodingAESKey, inner, options.appId ?? a.appId);
  const timestamp = '1714037060123';
  const nonce = '1320562132';
  let signature = wecom.getSignature(a.token, timestamp, nonce, encrypt);
  if (options.badSignature) signature = signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  return `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
}

describe('deliverPush: retries', () => {
  let server: AccountServer | undefined;
  afterEach(async () => server?.close());

  it('retries after a stalled first attempt and resends the same query and body', async () => {
    server = await startAccountServer((n) => (n === 0 ? 'stall' : { status: 200, body: 'success' }));
    const a = account('safe', server.url);
    const report = await deliverPush(a, textPush(a), { attemptTimeoutMs: TIMEOUT });
    expect(report.outcome).toBe('acked');
    expect(report.attempts).toHaveLength(2);
    expect(report.attempts[0]?.error).toMatch(/^timeout/);
    expect(report.attempts[0]?.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(report.attempts[1]?.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.url).toBe(server.requests[0]?.url);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
    expect(server.requests[0]?.body).toBe(report.request.body);
  });

  it('gives up as failed after exactly 3 attempts answered with 500', async () => {
    server = await startAccountServer(() => ({ status: 500, body: 'oops' }));
    const a = account('plain', server.url);
    const report = await deliverPush(a, textPush(a), { attemptTimeoutMs: TIMEOUT });
    expect(report.outcome).toBe('failed');
    expect(report.attempts.map((x) => x.status)).toEqual([500, 500, 500]);
    expect(server.requests).toHaveLength(3);
    expect(report.userNotice).toBe(SERVICE_UNAVAILABLE_NOTICE);
  });

  it('retries a non-200 and stops at the first 200', async () => {
    server = await startAccountServer((n) => (n === 0 ? { status: 502 } : { status: 200, body: '' }));
    const a = account('compatible', server.url);
    const report = await deliverPush(a, textPush(a), { attemptTimeoutMs: TIMEOUT });
    expect(report).toMatchObject({ outcome: 'acked', attempts: [{ status: 502 }, { status: 200 }] });
  });

  it('counts a refused connection as a failed attempt', async () => {
    server = await startAccountServer(() => ({ status: 200 }));
    const url = server.url;
    await server.close();
    server = undefined;
    const a = account('safe', url);
    const report = await deliverPush(a, textPush(a), { attemptTimeoutMs: TIMEOUT });
    expect(report.outcome).toBe('failed');
    expect(report.attempts).toHaveLength(3);
    expect(report.attempts.every((x) => x.error?.startsWith('connection'))).toBe(true);
  });

  it('posts text/xml with signature, timestamp, nonce and openid in the query', async () => {
    server = await startAccountServer(() => ({ status: 200, body: 'success' }));
    const a = account('safe', server.url);
    await deliverPush(a, textPush(a), { attemptTimeoutMs: TIMEOUT });
    const req = server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('text/xml');
    const query = new URL(req?.url as string, 'http://x').searchParams;
    expect(query.get('openid')).toBe(OPENID);
    expect(query.get('timestamp')).toMatch(/^\d{10}$/);
    expect(query.get('nonce')).toMatch(/^\d+$/);
  });
});

describe('deliverPush: replies', () => {
  let server: AccountServer | undefined;
  afterEach(async () => server?.close());

  async function replyWith(mode: CallbackMode, body: (a: SimulatedAccount) => string) {
    let a: SimulatedAccount | undefined;
    server = await startAccountServer(() => ({ status: 200, body: body(a as SimulatedAccount) }));
    a = account(mode, server.url);
    return deliverPush(a, textPush(a), { attemptTimeoutMs: TIMEOUT });
  }

  it('accepts a valid encrypted reply (millisecond TimeStamp) and returns its plaintext', async () => {
    let inner = '';
    const report = await replyWith('safe', (a) => encryptedReply(a, (inner = textReply(a))));
    expect(report).toMatchObject({ outcome: 'replied', reply: inner });
    expect(report.attempts).toHaveLength(1);
  });

  it("reports a reply with a bad MsgSignature as bad-reply and the user sees Tencent's notice", async () => {
    const report = await replyWith('safe', (a) => encryptedReply(a, textReply(a), { badSignature: true }));
    expect(report).toMatchObject({ outcome: 'bad-reply', userNotice: SERVICE_UNAVAILABLE_NOTICE });
    expect(report.problem).toMatch(/MsgSignature/);
    expect(report.attempts).toHaveLength(1); // a broken reply is not retried
  });

  it('rejects a reply encrypted for another AppID', async () => {
    const report = await replyWith('safe', (a) => encryptedReply(a, textReply(a), { appId: 'wx0000000000000000' }));
    expect(report.outcome).toBe('bad-reply');
    expect(report.problem).toMatch(/receive id/);
  });

  it('rejects a plaintext reply in safe mode but accepts it in compatible and plain mode', async () => {
    expect((await replyWith('safe', (a) => textReply(a))).outcome).toBe('bad-reply');
    await server?.close();
    expect((await replyWith('compatible', (a) => textReply(a))).outcome).toBe('replied');
    await server?.close();
    expect((await replyWith('plain', (a) => textReply(a))).outcome).toBe('replied');
  });

  it('accepts an encrypted reply in compatible mode', async () => {
    expect((await replyWith('compatible', (a) => encryptedReply(a, textReply(a)))).outcome).toBe('replied');
  });

  it('rejects an encrypted envelope in plain mode', async () => {
    expect((await replyWith('plain', (a) => encryptedReply(a, textReply(a)))).outcome).toBe('bad-reply');
  });

  it.each([
    ['JSON', () => '{"errcode":0}'],
    ['"success" with a newline', () => 'success\n'],
    ['a reply to the wrong follower', (a: SimulatedAccount) => textReply(a).replace(OPENID, 'oAAAAAAAAAAAAAAAAAAAAAAAAAAA')],
    ['a text reply without Content', (a: SimulatedAccount) => textReply(a).replace(/<Content>.*<\/Content>/, '')],
    ['an unknown MsgType', (a: SimulatedAccount) => textReply(a).replace('[text]', '[event]')],
    ['a DOCTYPE', (a: SimulatedAccount) => `<!DOCTYPE xml [<!ENTITY x "y">]>${textReply(a)}`],
  ])('treats %s as bad-reply', async (_name, body) => {
    expect((await replyWith('plain', body)).outcome).toBe('bad-reply');
  });

  it('accepts a news reply whose ArticleCount matches its items', async () => {
    const news = (a: SimulatedAccount, count: number) =>
      `<xml><ToUserName><![CDATA[${OPENID}]]></ToUserName><FromUserName><![CDATA[${a.originalId}]]></FromUserName><CreateTime>1</CreateTime>` +
      `<MsgType><![CDATA[news]]></MsgType><ArticleCount>${count}</ArticleCount><Articles>` +
      `<item><Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><PicUrl><![CDATA[p]]></PicUrl><Url><![CDATA[u]]></Url></item>` +
      `</Articles></xml>`;
    expect((await replyWith('plain', (a) => news(a, 1))).outcome).toBe('replied');
    await server?.close();
    expect((await replyWith('plain', (a) => news(a, 2))).outcome).toBe('bad-reply');
  });
});

describe('deliverPush against the wechat@2.1.0 middleware (independent receiver)', () => {
  let server: Awaited<ReturnType<typeof startWechatMiddlewareServer>> | undefined;
  afterEach(async () => server?.close());

  it.each(['plain', 'compatible', 'safe'] as const)('in %s mode it verifies, decrypts and parses the push, and its reply is accepted', async (mode) => {
    const template = account(mode, 'http://127.0.0.1:1/');
    server = await startWechatMiddlewareServer(
      { token: template.token, appid: template.appId, encodingAESKey: template.encodingAESKey },
      (message) => `收到：${String(message.Content)}`,
    );
    const a = { ...template, callbackUrl: server.url };
    const report = await deliverPush(a, textPush(a, '你好 <world> & 朋友'), { attemptTimeoutMs: 2000 });
    expect(server.received[0]).toMatchObject({ ToUserName: a.originalId, FromUserName: OPENID, MsgType: 'text', Content: '你好 <world> & 朋友', CreateTime: '1714037059' });
    expect(report.outcome).toBe('replied');
    expect(report.reply).toContain('<Content><![CDATA[收到：你好 <world> & 朋友]]></Content>');
  });

  it('delivers every push type in safe mode to the middleware, which parses the same fields we built', async () => {
    const template = account('safe', 'http://127.0.0.1:1/');
    server = await startWechatMiddlewareServer({ token: template.token, appid: template.appId, encodingAESKey: template.encodingAESKey }, () => undefined);
    const a = { ...template, callbackUrl: server.url };
    for (const [name, build] of catalogue) {
      const xml = build().replace(base.toUserName, a.originalId);
      const report = await deliverPush(a, xml, { attemptTimeoutMs: 2000 });
      expect({ name, outcome: report.outcome }).toEqual({ name, outcome: 'acked' });
      expect(server.received[server.received.length - 1]).toEqual(readReplyXml(xml));
    }
    expect(server.received).toHaveLength(catalogue.length);
  });

  it('passes the URL-verification handshake', async () => {
    const template = account('safe', 'http://127.0.0.1:1/');
    server = await startWechatMiddlewareServer({ token: template.token, appid: template.appId, encodingAESKey: template.encodingAESKey }, () => undefined);
    const result = await verifyUrl({ ...template, callbackUrl: server.url }, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.body).toBe(result.echostr);
    const wrongToken = await verifyUrl({ ...template, token: 'wrongtoken', callbackUrl: server.url }, { timeoutMs: 2000 });
    expect(wrongToken.ok).toBe(false);
  });
});
