/**
 * Independent clients against the simulator by base URL only (clients.md):
 * if the simulator's shapes drift from Tencent's, these SDKs — written
 * against the real API — stop working here first.
 */
import { OfficialAccount, Work } from 'node-easywechat';
import { closeHarnesses, startApiHarness, type ApiHarness } from './helpers/api-harness';

const CUSTOM = '/cgi-bin/message/custom/send';
const TEMPLATE = '/cgi-bin/message/template/send';
const TPL = 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY';

type Callback = (err: Error | null, result?: Record<string, any>) => void;
interface WechatApi {
  endpoint: string;
  sendText(openid: string, text: string, cb: Callback): void;
  sendTemplate(openid: string, templateId: string, url: string, data: object, cb: Callback): void;
}
interface CoWechatApi {
  prefix: string;
  sendText(openid: string, text: string): Promise<Record<string, any>>;
  sendTemplate(openid: string, templateId: string, url: string, topColor: string, data: object): Promise<Record<string, any>>;
}

let h: ApiHarness;
afterEach(closeHarnesses);

/** node-easywechat caches tokens in ./cache/ by default; tests keep them in memory. */
function memoryCache() {
  const entries = new Map<string, unknown>();
  return {
    get: async (key: string) => entries.get(key),
    has: async (key: string) => entries.has(key),
    set: async (key: string, data?: unknown) => (entries.set(key, data), true),
    delete: async (key: string) => entries.delete(key),
  };
}

async function setUp(): Promise<string> {
  h = await startApiHarness();
  h.sim.registerTemplate(h.account.appId, TPL, ['first', 'keyword1']);
  return h.follower();
}

const templateData = { first: { value: '交易提醒', color: '#173177' }, keyword1: { value: '100.00' } };

describe('SDKs against the simulator', () => {
  it('wechat-api (callback style) fetches a token and sends a customer-service text and a template message', async () => {
    const openid = await setUp();
    const API = require('wechat-api') as new (appid: string, secret: string) => WechatApi;
    const api = new API(h.account.appId, h.account.appSecret);
    api.endpoint = h.oaUrl;
    const call = (fn: (cb: Callback) => void) => new Promise<Record<string, any>>((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result ?? {}))));
    expect(await call((cb) => api.sendText(openid, '您好（wechat-api）', cb))).toMatchObject({ errcode: 0 });
    const sent = await call((cb) => api.sendTemplate(openid, TPL, 'https://bank.example/tx', templateData, cb));
    expect(sent).toMatchObject({ errcode: 0, msgid: expect.any(Number) });
    expect(h.sim.received().map((r) => [r.path, r.recipients])).toEqual([[CUSTOM, [openid]], [TEMPLATE, [openid]]]);
    expect(h.sim.received({ path: CUSTOM })[0]?.body).toEqual({ touser: openid, msgtype: 'text', text: { content: '您好（wechat-api）' } });
  });

  it('wechat-api retries a 40001 once with the same cached token, so a revoked token loses the message', async () => {
    // A fact about the SDK the gateway must not rely on: its retry re-reads its own cache instead of refreshing.
    const openid = await setUp();
    const API = require('wechat-api') as new (appid: string, secret: string) => WechatApi;
    const api = new API(h.account.appId, h.account.appSecret);
    api.endpoint = h.oaUrl;
    const send = () => new Promise<Record<string, any>>((resolve, reject) => api.sendText(openid, 'x', (err, r) => (err ? reject(err) : resolve(r ?? {}))));
    await send();
    await h.oaToken();
    await h.oaToken(); // someone else refreshed twice: the SDK's token is revoked
    await expect(send()).rejects.toMatchObject({ code: 40001 });
    expect(h.sim.calls({ path: CUSTOM }).map((c) => c.errcode)).toEqual([0, 40001, 40001]);
    expect(h.sim.received({ path: CUSTOM })).toHaveLength(1);
  });

  it('co-wechat-api drops its token on 40001, fetches a new one and the message arrives once', async () => {
    const openid = await setUp();
    const API = require('co-wechat-api') as new (appid: string, secret: string) => CoWechatApi;
    const api = new API(h.account.appId, h.account.appSecret);
    api.prefix = `${h.oaUrl}/cgi-bin/`;
    await api.sendText(openid, 'first');
    await h.oaToken();
    await h.oaToken();
    expect(await api.sendText(openid, 'second')).toMatchObject({ errcode: 0 });
    expect(h.sim.calls({ path: CUSTOM }).map((c) => c.errcode)).toEqual([0, 40001, 0]);
    expect(h.sim.received({ path: CUSTOM }).map((r) => (r.body.text as { content: string }).content)).toEqual(['first', 'second']);
  });

  it('co-wechat-api (async) fetches a token and sends a customer-service text and a template message', async () => {
    const openid = await setUp();
    const API = require('co-wechat-api') as new (appid: string, secret: string) => CoWechatApi;
    const api = new API(h.account.appId, h.account.appSecret);
    api.prefix = `${h.oaUrl}/cgi-bin/`;
    expect(await api.sendText(openid, '您好（co-wechat-api）')).toMatchObject({ errcode: 0, errmsg: 'ok' });
    const sent = await api.sendTemplate(openid, TPL, 'https://bank.example/tx', '#FF0000', templateData);
    expect(sent).toMatchObject({ errcode: 0, msgid: Number(h.sim.received({ path: TEMPLATE })[0]?.msgid) });
    expect(h.sim.received().map((r) => r.path)).toEqual([CUSTOM, TEMPLATE]);
  });

  it('co-wechat-api surfaces a simulator refusal as an error carrying the errcode', async () => {
    await setUp();
    const API = require('co-wechat-api') as new (appid: string, secret: string) => CoWechatApi;
    const api = new API(h.account.appId, h.account.appSecret);
    api.prefix = `${h.oaUrl}/cgi-bin/`;
    await expect(api.sendText(h.sim.newFollowerOpenid(h.account.appId), 'x')).rejects.toMatchObject({ code: 40003 });
    expect(h.sim.received()).toEqual([]);
  });

  it('node-easywechat OfficialAccount sends a customer-service text and a template message', async () => {
    const openid = await setUp();
    const app = new OfficialAccount({ app_id: h.account.appId, secret: h.account.appSecret, token: h.account.token, aes_key: h.account.encodingAESKey, http: { baseURL: `${h.oaUrl}/` } });
    app.setCache(memoryCache());
    const client = app.getClient();
    const text = await client.postJson('cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content: '您好（easywechat）' } });
    expect(text.toObject()).toEqual({ errcode: 0, errmsg: 'ok' });
    const template = await client.postJson('cgi-bin/message/template/send', { touser: openid, template_id: TPL, data: templateData });
    expect(template.toObject()).toMatchObject({ errcode: 0, msgid: expect.any(Number) });
    expect(h.sim.received({ appId: h.account.appId }).map((r) => r.path)).toEqual([CUSTOM, TEMPLATE]);
  });

  it('node-easywechat Work fetches a corp token and sends a WeCom app message', async () => {
    h = await startApiHarness();
    const agent = h.corp.agents[0] as { agentId: number; secret: string };
    const app = new Work({ corp_id: h.corp.corpId, secret: agent.secret, token: 'token123', aes_key: 'a'.repeat(43), http: { baseURL: `${h.wecomUrl}/` } });
    app.setCache(memoryCache());
    const answer = await app.getClient().postJson('cgi-bin/message/send', { touser: 'lisi', msgtype: 'text', agentid: agent.agentId, text: { content: '客户到期提醒（easywechat）' } });
    expect(answer.toObject()).toMatchObject({ errcode: 0, errmsg: 'ok', msgid: expect.any(String) });
    expect(h.sim.received({ corpId: h.corp.corpId })).toEqual([expect.objectContaining({ path: '/cgi-bin/message/send', agentId: agent.agentId, recipients: ['lisi'] })]);
  });
});
