/**
 * One HTTP request as Tencent's push client makes it: a fresh connection per
 * attempt (a timed-out attempt is dropped, not reused), a hard deadline that
 * covers headers and body, and a cap on how much reply it reads.
 */
import http from 'node:http';
import https from 'node:https';

/** Why an attempt produced no HTTP response. */
export class HttpExchangeError extends Error {
  constructor(readonly kind: 'timeout' | 'connection', message: string) {
    super(message);
    this.name = 'HttpExchangeError';
  }
}

export interface HttpExchangeRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Replies beyond this are cut off and flagged (default 1 MiB). */
  maxBodyBytes?: number;
}

export interface HttpExchangeResult {
  status: number;
  body: string;
  tooLarge: boolean;
}

/** @throws HttpExchangeError on timeout or a connection failure. */
export function httpExchange(request: HttpExchangeRequest): Promise<HttpExchangeResult> {
  const maxBody = request.maxBodyBytes ?? 1024 * 1024;
  const transport = request.url.protocol === 'https:' ? https : http;
  const payload = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = transport.request(request.url, {
      method: request.method,
      agent: false,
      headers: { ...request.headers, ...(payload ? { 'Content-Length': String(payload.length) } : {}) },
    });
    const timer = setTimeout(() => {
      finish(() => reject(new HttpExchangeError('timeout', `no complete response within ${request.timeoutMs} ms`)));
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (err) => finish(() => reject(new HttpExchangeError('connection', err.message))));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          finish(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), tooLarge: true }));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), tooLarge: false })));
      res.on('error', (err) => finish(() => reject(new HttpExchangeError('connection', err.message))));
      res.on('close', () => finish(() => reject(new HttpExchangeError('connection', 'connection closed mid-response'))));
    });
    req.end(payload);
  });
}
