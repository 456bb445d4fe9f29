/**
 * A local HTTP server that misbehaves on demand, standing in for Tencent (or
 * whatever sits in between) in the transport tests: JSON answers, other
 * statuses, bad bodies, hangs and resets. Records every request it read.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A request as the stub received it. */
export interface StubRequest {
  method: string;
  /** Path and query, exactly as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What the stub does with the next requests. */
export type StubBehaviour =
  | { kind: 'json'; body: unknown; status?: number }
  | { kind: 'raw'; status: number; body: string | Buffer; contentType?: string }
  | { kind: 'hang' }
  | { kind: 'reset-after-request' }
  | { kind: 'reset-mid-answer' };

export interface StubServer {
  url: string;
  requests: StubRequest[];
  behave(behaviour: StubBehaviour | ((req: StubRequest) => StubBehaviour)): void;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Start the stub on 127.0.0.1 (answers `{}` until told otherwise). */
export async function startStub(): Promise<StubServer> {
  let behaviour: StubBehaviour | ((req: StubRequest) => StubBehaviour) = { kind: 'json', body: {} };
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: StubRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      const b = typeof behaviour === 'function' ? behaviour(request) : behaviour;
      switch (b.kind) {
        case 'json':
          res.writeHead(b.status ?? 200, { 'content-type': 'application/json; encoding=utf-8' });
          res.end(JSON.stringify(b.body));
          return;
        case 'raw':
          res.writeHead(b.status, { 'content-type': b.contentType ?? 'text/html' });
          res.end(b.body);
          return;
        case 'hang':
          return;
        case 'reset-after-request':
          req.socket.resetAndDestroy();
          return;
        case 'reset-mid-answer':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"errcode":0,');
          setTimeout(() => req.socket.resetAndDestroy(), 20);
          return;
      }
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave(next) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A TCP server that accepts connections and never reads from them: a large request can never be fully sent. */
export async function startBlackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.pause();
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (connections are refused). */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
