/**
 * Internal apps for tests, built on the unmodified Tencent-protocol middleware
 * banks use: `wechat` (connect/express) and `co-wechat` (Koa). They receive what
 * the gateway forwards exactly as they would receive Tencent's pushes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';

export interface AppCredentials {
  appId: string;
  token: string;
  encodingAESKey: string;
}

export interface ReceivedPush {
  message: Record<string, unknown>;
  eventId: string | undefined;
  encrypted: boolean;
}

/** What the app answers: a reply (text or object for the middleware's reply), '' for none, an HTTP failure, or a late reply. */
export type AppAnswer = string | Record<string, unknown> | unknown[] | { fail: number } | { delayMs: number; then: unknown };
export type AppBehaviour = (message: Record<string, unknown>, n: number) => AppAnswer;

function isFail(b: AppAnswer): b is { fail: number } {
  return typeof b === 'object' && b !== null && !Array.isArray(b) && 'fail' in b;
}
function isDelay(b: AppAnswer): b is { delayMs: number; then: unknown } {
  return typeof b === 'object' && b !== null && !Array.isArray(b) && 'delayMs' in b;
}

export interface TestInternalApp {
  url: string;
  received: ReceivedPush[];
  close(): Promise<void>;
}

// Neither middleware ships types; these are the parts the tests use.
/* eslint-disable @typescript-eslint/no-require-imports */
const wechat = require('wechat') as (config: { token: string; appid: string; encodingAESKey: string }, handler: (req: any, res: any, next: any) => void) => (req: any, res: any, next: any) => void;
const coWechat = require('co-wechat') as (config: { token: string; appid: string; encodingAESKey: string }) => { middleware(h: (message: Record<string, unknown>, ctx: Koa.Context) => Promise<unknown>): Koa.Middleware };
/* eslint-enable @typescript-eslint/no-require-imports */

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An app on the `wechat` connect middleware (run on a bare node http server with a query parser, as connect apps do). */
export async function startWechatConnectApp(creds: AppCredentials, behaviour: AppBehaviour = () => ''): Promise<TestInternalApp> {
  const received: ReceivedPush[] = [];
  const middleware = wechat({ token: creds.token, appid: creds.appId, encodingAESKey: creds.encodingAESKey }, (req, res) => {
    received.push({ message: req.weixin, eventId: req.query.cgw_event_id, encrypted: Boolean(req.query.encrypt_type) });
    void answer(behaviour(req.weixin, received.length), (status) => {
      res.statusCode = status;
      res.end('broken');
    }, (reply) => res.reply(reply));
  });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    (req as any).query = Object.fromEntries(url.searchParams);
    middleware(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
  });
  const url = await listen(server);
  return { url, received, close: () => closeServer(server) };
}

/** An app on the `co-wechat` Koa middleware. */
export async function startCoWechatApp(creds: AppCredentials, behaviour: AppBehaviour = () => ''): Promise<TestInternalApp> {
  const received: ReceivedPush[] = [];
  const koa = new Koa();
  const handler = coWechat({ token: creds.token, appid: creds.appId, encodingAESKey: creds.encodingAESKey }).middleware(async (message, ctx) => {
    received.push({ message, eventId: ctx.query.cgw_event_id as string | undefined, encrypted: Boolean(ctx.query.encrypt_type) });
    const b = behaviour(message, received.length);
    if (isFail(b)) ctx.throw(b.fail);
    if (isDelay(b)) {
      await sleep(b.delayMs);
      return b.then;
    }
    return b;
  });
  koa.use(handler);
  const server = http.createServer(koa.callback());
  const url = await listen(server);
  return { url, received, close: () => closeServer(server) };
}

async function answer(b: AppAnswer, fail: (status: number) => void, reply: (r: unknown) => void): Promise<void> {
  if (isFail(b)) return fail(b.fail);
  if (isDelay(b)) {
    await sleep(b.delayMs);
    return reply(b.then);
  }
  reply(b);
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
