/**
 * Test support: the real admin API (auth, validation, problem+json, the
 * chained audit log on a real database) served by Koa on a real port, over
 * fake ports. Logs are captured so tests can grep them for secrets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import type { DataSource } from 'typeorm';
import { adminConfigSchema } from '../../gateway/admin-api/config';
import { createAdminApi } from '../../gateway/admin-api/create-admin-api';
import { createAuditLog, type AuditLogService } from '../../gateway/audit/create-audit-log';
import { ConnectionGate } from '../../gateway/db/connection-gate';
import { createLogger } from '../../gateway/observability/logger';
import { fakePorts, type FakeHeld, type FakePorts } from './fake-ports';

/** A running admin API. */
export interface AdminServer {
  url: string;
  /** Base URL of the API (url + /admin/v1). */
  api: string;
  ports: FakePorts;
  audit: AuditLogService;
  /** Everything logged so far. */
  logs(): string;
  close(): Promise<void>;
}

/** Options: the raw `admin` config (validated here), the local token, held messages, the clock. */
export interface AdminServerOptions {
  dataSource: DataSource;
  admin?: Record<string, unknown>;
  localToken?: string;
  held?: FakeHeld[];
  now?: () => number;
}

/** Start the admin API on 127.0.0.1 and a free port. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  let logText = '';
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((logText += chunk.toString('utf8')), done()) });
  const logger = createLogger('info', sink);
  const now = options.now ?? Date.now;
  const audit = await createAuditLog(options.dataSource, ConnectionGate.for(options.dataSource), now);
  const ports = fakePorts(options.held ?? [], now);
  const admin = createAdminApi({
    config: adminConfigSchema.parse(options.admin ?? {}),
    ...(options.localToken ? { localToken: options.localToken } : {}),
    ports,
    audit: audit.log,
    verifyAudit: audit.verify,
    logger,
    now,
  });
  const app = new Koa();
  app.use(admin.middleware);
  app.use((ctx) => {
    ctx.body = 'not admin';
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    api: `${url}/admin/v1`,
    ports,
    audit,
    logs: () => logText,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON or problem answer. */
export interface Answer {
  status: number;
  contentType: string;
  headers: Headers;
  body: any;
}

/** Call the API: `init.json` is sent as a JSON body; the answer body is parsed when JSON. */
export async function call(api: string, path: string, init: { method?: string; token?: string; json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | Buffer | undefined = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${api}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body } : {}) });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  return { status: response.status, contentType, headers: response.headers, body: /json/.test(contentType) && text ? JSON.parse(text) : text };
}
