/**
 * A small client for Tencent's JSON APIs (OA `api.weixin.qq.com`, WeCom
 * `qyapi.weixin.qq.com`, or the simulator in tests): query + JSON body or one
 * multipart file in, Tencent's JSON or a classified TencentApiError out.
 * Calls never reject for anything Tencent or the network does; only a
 * malformed request (a programming error) throws.
 *
 * The full URL exists only inside the transport call: it carries the
 * access_token (or the WeCom corp secret), so it is never logged, stored in
 * an error or returned.
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { exchange } from './http-transport';
import { buildMultipart, type MultipartFile } from './multipart';
import { readOutcome, type TencentResult } from './read-outcome';
import { CREDENTIAL_PARAMS } from './scrub';
import type { TencentOperation, TencentProduct } from './tencent-api-error';

/** Query parameters; undefined values are left out. */
export type TencentQuery = Readonly<Record<string, string | number | undefined>>;

/** One call, without the access_token (callers that hold one add it to `query`). */
export type TencentRequest =
  | { method: 'GET'; path: string; query?: TencentQuery }
  | { method: 'POST'; path: string; query?: TencentQuery; json: unknown }
  | { method: 'POST'; path: string; query?: TencentQuery; multipart: MultipartFile };

/** How to reach Tencent. */
export interface TencentClientOptions {
  product: TencentProduct;
  /** `https://api.weixin.qq.com`, `https://qyapi.weixin.qq.com`, or the simulator's URL. */
  baseUrl: string;
  /** Deadline of one whole exchange (connect, send, answer). */
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), e.g. a TLS-inspecting egress proxy's; added to Node's bundled roots. */
  ca?: string | Buffer;
  /** Largest answer accepted (default 4 MiB). */
  maxResponseBytes?: number;
  /** Concurrent connections to the host (default 64). */
  maxSockets?: number;
}

/** Per-call extras. */
export interface CallOptions {
  /** `token` for credential exchanges (changes what 40001 means). Default `api`. */
  operation?: TencentOperation;
  /** Credential values (beyond the query's) to scrub from anything Tencent echoes. */
  sensitive?: readonly string[];
}

export { type TencentResult } from './read-outcome';

const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
// Idle keep-alive sockets close well before a server would drop them, which keeps the
// "server closed the idle socket just as we reused it" race (an `unknown` outcome) rare.
const IDLE_SOCKET_MS = 4000;

export class TencentApiClient {
  private readonly base: URL;
  private readonly agent: http.Agent;

  /** @throws RangeError when baseUrl is not an http(s) URL without query */
  constructor(private readonly options: TencentClientOptions) {
    const base = new URL(options.baseUrl);
    if (!/^https?:$/.test(base.protocol) || base.search || base.username) throw new RangeError('Tencent base URL must be http(s)://host[:port][/prefix] without query or credentials');
    this.base = base;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: IDLE_SOCKET_MS };
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ ...agentOptions, ...(options.ca ? { ca: [...rootCertificates, options.ca.toString()] } : {}) })
        : new http.Agent(agentOptions);
  }

  /** Which product this client talks to. */
  get product(): TencentProduct {
    return this.options.product;
  }

  /** Call `request`; resolves with Tencent's JSON or a classified error. @throws RangeError for a path that is not `/…` or carries a query */
  async call(request: TencentRequest, options: CallOptions = {}): Promise<TencentResult> {
    if (!/^\/[A-Za-z0-9_\-/.]*$/.test(request.path)) throw new RangeError('Tencent API path must be /segments without query (pass query parameters separately)');
    const url = new URL(this.base.pathname.replace(/\/$/, '') + request.path, this.base.origin);
    const sensitive = [...(options.sensitive ?? [])];
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      url.searchParams.set(name, String(value));
      if (CREDENTIAL_PARAMS.includes(name.toLowerCase())) sensitive.push(String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: Buffer | undefined;
    if ('json' in request) {
      // Raw UTF-8 (JSON.stringify keeps non-ASCII as is): older APIs reject \uXXXX escapes with 40033.
      body = Buffer.from(JSON.stringify(request.json), 'utf8');
      headers['content-type'] = 'application/json; charset=utf-8';
    } else if ('multipart' in request) {
      const built = buildMultipart(request.multipart);
      body = built.body;
      headers['content-type'] = built.contentType;
    }
    const outcome = await exchange({
      url,
      method: request.method,
      headers,
      ...(body ? { body } : {}),
      timeoutMs: this.options.timeoutMs,
      maxResponseBytes: this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      agent: this.agent,
    });
    return readOutcome(outcome, {
      product: this.options.product,
      operation: options.operation ?? 'api',
      endpoint: `${request.method} ${request.path}`,
      host: this.base.host,
      timeoutMs: this.options.timeoutMs,
      sensitive,
    });
  }

  /** GET `path` with `query`. */
  get(path: string, query: TencentQuery = {}, options?: CallOptions): Promise<TencentResult> {
    return this.call({ method: 'GET', path, query }, options);
  }

  /** POST `json` to `path` with `query`. */
  postJson(path: string, query: TencentQuery, json: unknown, options?: CallOptions): Promise<TencentResult> {
    return this.call({ method: 'POST', path, query, json }, options);
  }

  /** POST one file as multipart/form-data (Tencent's media uploads use field `media`). */
  postMultipart(path: string, query: TencentQuery, field: string, filename: string, contentType: string, bytes: Buffer, options?: CallOptions): Promise<TencentResult> {
    return this.call({ method: 'POST', path, query, multipart: { field, filename, contentType, bytes } }, options);
  }

  /** Close idle keep-alive connections (at shutdown). */
  close(): void {
    this.agent.destroy();
  }
}
