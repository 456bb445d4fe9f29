/**
 * A stand-in account server for delivery tests: records every request exactly
 * as received and answers from a script, one step per request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What to do with the n-th request: answer, or never answer (to force a timeout). */
export type ScriptStep = { status: number; body?: string } | 'stall';

export interface AccountServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Start a server on 127.0.0.1 answering request n with `script(n, request)`. */
export async function startAccountServer(
  script: (n: number, request: RecordedRequest) => ScriptStep | Promise<ScriptStep>,
): Promise<AccountServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const step = await script(requests.length - 1, recorded);
      if (step === 'stall') return;
      res.writeHead(step.status, { 'Content-Type': 'text/plain' });
      res.end(step.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wechat/callback`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A server running the `wechat@2.1.0` middleware (an independent receiver) with `handler` answering each message. */
export async function startWechatMiddlewareServer(
  config: { token: string; appid: string; encodingAESKey: string },
  handler: (message: Record<string, unknown>) => string | undefined,
): Promise<AccountServer & { received: Record<string, unknown>[] }> {
  const wechat = require('wechat') as (cfg: object, fn: (req: any, res: any, next: () => void) => void) => (req: any, res: any, next: (err?: unknown) => void) => void;
  const received: Record<string, unknown>[] = [];
  const middleware = wechat(config, (req, res) => {
    received.push(req.weixin);
    res.reply(handler(req.weixin));
  });
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req: any, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers, body: '' });
    req.query = Object.fromEntries(new URL(req.url, 'http://localhost').searchParams);
    middleware(req, res, (err) => {
      res.writeHead(500);
      res.end(String(err ?? 'unhandled'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wechat`,
    requests,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
