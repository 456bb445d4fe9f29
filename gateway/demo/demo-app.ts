/**
 * The demo internal app: what a bank's CRM looks like behind the gateway. It
 * uses the unmodified `co-wechat` Koa middleware with its gateway-issued
 * credentials, exactly as it would against Tencent, and answers greetings.
 */
import http from 'node:http';
import Koa from 'koa';
import type { AppConfig } from '../config/schema';

// co-wechat ships no types; this is the part of its API the demo uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const coWechat = require('co-wechat') as (config: { token: string; appid: string; encodingAESKey: string }) => {
  middleware(handler: (message: Record<string, string>, ctx: Koa.Context) => Promise<unknown>): Koa.Middleware;
};

export interface DemoApp {
  received: number;
  close(): Promise<void>;
}

/** Start the demo app on `port` (path /wechat). */
export async function startDemoApp(app: AppConfig, port: number, host = '127.0.0.1'): Promise<DemoApp> {
  const state = { received: 0 };
  const koa = new Koa();
  const handler = coWechat({ token: app.credentials.token, appid: app.credentials.appId, encodingAESKey: app.credentials.encodingAESKey }).middleware(async (message) => {
    state.received++;
    if (message.MsgType === 'text' && /你好|您好|hello|hi\b/i.test(message.Content ?? '')) return '您好！这里是演示银行客服，已收到您的消息。';
    if (message.MsgType === 'event' && message.Event === 'subscribe') return '欢迎关注演示银行。Welcome to Demo Bank.';
    return '';
  });
  koa.use(async (ctx, next) => (ctx.path === '/wechat' ? handler(ctx, next) : next()));
  const server = http.createServer(koa.callback());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return {
    get received() {
      return state.received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
