/**
 * The unmodified SDKs an internal app uses, pointed at the gateway by base URL
 * only (shared/reference/clients.md): wechat-api (callbacks), co-wechat-api
 * (async) and node-easywechat (OA and Work). Each fetches its own token with
 * the gateway-issued credentials, exactly as it would from Tencent.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const WechatAPI = require('wechat-api');
const CoWechatAPI = require('co-wechat-api');
const { OfficialAccount, Work } = require('node-easywechat');

/** What the tests do through an SDK. */
export interface OaSdk {
  name: string;
  sendText(openid: string, text: string): Promise<Record<string, unknown>>;
  sendTemplate(openid: string, templateId: string, data: Record<string, { value: string }>): Promise<Record<string, unknown>>;
}

/** An SDK failure with Tencent's errcode, as the app sees it. */
export interface SdkError {
  errcode: number;
  errmsg: string;
}

class MemoryCache {
  private readonly data = new Map<string, unknown>();
  async get(key: string) { return this.data.get(key); }
  async has(key: string) { return this.data.has(key); }
  async set(key: string, value: unknown) { this.data.set(key, value); return true; }
  async delete(key: string) { return this.data.delete(key); }
}

function fromCallback<T>(fn: (cb: (err: Error | null, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
}

/** The SDK's error as errcode/errmsg (each SDK shapes it differently). */
export function sdkError(err: unknown): SdkError {
  const e = err as { code?: number; errcode?: number; message?: string; errmsg?: string };
  return { errcode: Number(e.errcode ?? e.code), errmsg: String(e.errmsg ?? e.message ?? '') };
}

/** The three OA SDKs against `base` (…/oa/<account>). */
export function oaSdks(base: string, appId: string, appSecret: string): OaSdk[] {
  const wechatApi = new WechatAPI(appId, appSecret);
  wechatApi.endpoint = base;
  const coApi = new CoWechatAPI(appId, appSecret);
  coApi.prefix = `${base}/cgi-bin/`;
  const easy = new OfficialAccount({ app_id: appId, secret: appSecret, token: 'unused', aes_key: '', http: { baseURL: `${base}/` } });
  easy.setCache(new MemoryCache());
  const easyPost = async (path: string, json: Record<string, unknown>) => {
    const result = (await easy.getClient().postJson(path, json)).toObject() as Record<string, unknown>;
    if (typeof result.errcode === 'number' && result.errcode !== 0) throw Object.assign(new Error(String(result.errmsg)), { errcode: result.errcode, errmsg: result.errmsg });
    return result;
  };
  return [
    {
      name: 'wechat-api',
      sendText: (openid, text) => fromCallback((cb) => wechatApi.sendText(openid, text, cb)),
      sendTemplate: (openid, templateId, data) => fromCallback((cb) => wechatApi.sendTemplate(openid, templateId, 'https://bank.example/notice', data, cb)),
    },
    {
      name: 'co-wechat-api',
      sendText: (openid, text) => coApi.sendText(openid, text),
      sendTemplate: (openid, templateId, data) => coApi.sendTemplate(openid, templateId, 'https://bank.example/notice', '#000000', data),
    },
    {
      name: 'node-easywechat',
      sendText: (openid, text) => easyPost('cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content: text } }),
      sendTemplate: (openid, templateId, data) => easyPost('cgi-bin/message/template/send', { touser: openid, template_id: templateId, url: 'https://bank.example/notice', data }),
    },
  ];
}

/** node-easywechat's Work (WeCom) client against `base` (…/wecom/<corp>). */
export function wecomSdk(base: string, corpId: string, corpSecret: string) {
  const work = new Work({ corp_id: corpId, secret: corpSecret, token: 'unused', aes_key: '', http: { baseURL: `${base}/` } });
  work.setCache(new MemoryCache());
  return {
    async post(path: string, json: Record<string, unknown>): Promise<Record<string, unknown>> {
      return (await work.getClient().postJson(path, json)).toObject() as Record<string, unknown>;
    },
  };
}
