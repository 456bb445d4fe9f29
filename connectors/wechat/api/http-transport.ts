/**
 * One HTTP exchange with Tencent over node:http(s), reporting whether the
 * request had fully left before a failure. `finish` fires only once the whole
 * request is handed to the socket: a failure before it (connection refused,
 * reset during connect, a timeout while the body is still being written)
 * means Tencent cannot have acted on the request; after it, it may have.
 *
 * Nothing here builds messages: failures are reported as codes so no Node
 * error text (which can quote hosts, paths or request data) travels on.
 */
import http from 'node:http';
import https from 'node:https';

/** The request as the transport sends it. */
export interface TransportRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  agent: http.Agent;
}

/** A complete HTTP answer, or how the exchange failed and whether the request had been sent. */
export type TransportOutcome =
  | { ok: true; status: number; contentType: string | undefined; body: Buffer }
  | { ok: false; failure: 'timeout' | 'connection' | 'response-too-large'; sent: boolean; code?: string };

/** Send one request; never rejects. */
export function exchange(request: TransportRequest): Promise<TransportOutcome> {
  const transport = request.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let sent = false;
    let settled = false;
    const settle = (outcome: TransportOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers = { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) };
    const req = transport.request(request.url, { method: request.method, headers, agent: request.agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes) {
          settle({ ok: false, failure: 'response-too-large', sent: true });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => settle({ ok: true, status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks) }));
      res.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, failure: 'connection', sent: true, code: err.code ?? 'ECONNRESET' }));
    });
    req.on('finish', () => {
      sent = true;
    });
    req.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, failure: 'connection', sent, code: err.code ?? 'ERR_CONNECTION' }));
    // One deadline for the whole exchange: connect, send, wait and read.
    const timer = setTimeout(() => {
      settle({ ok: false, failure: 'timeout', sent });
      req.destroy();
    }, request.timeoutMs);
    req.end(request.body);
  });
}
