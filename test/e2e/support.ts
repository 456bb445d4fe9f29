/**
 * Shared by the end-to-end tests in this folder: a raw HTTP client (so a test
 * controls every byte of the query and body, repeats parameters, streams and
 * picks the method), Tencent-style signing for a push with any body, row
 * counts of the tables a push writes, and the check that an answer is a
 * specific refusal from the gateway's error middleware.
 */
import http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import { ARCHIVE_RECORD_ENTITY, CALLBACK_NONCE_ENTITY, OUTBOX_ENTITY } from '../../gateway/db/entities';
import { encryptMessage, msgSignature, plainSignature } from '../../connectors/wechat/callback/crypto';
import type { Harness } from '../gateway-harness';
import { until } from '../until';

/** One HTTP exchange, bytes as received. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Query string without `?`, exactly as sent (so parameters can repeat). */
  query?: string;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  headers?: Record<string, string>;
}

/** Send one request on a fresh connection and read the whole answer. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(req.path + (req.query ? `?${req.query}` : ''), baseUrl);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = { 'content-type': 'text/xml', ...(req.headers ?? {}) };
  if (body && !req.chunked) headers['content-length'] = String(body.length);
  if (body && req.chunked) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method: req.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    if (body && req.chunked) {
      // Several chunks, so the server cannot learn the size from a header.
      for (let i = 0; i < body.length; i += 8192) r.write(body.subarray(i, i + 8192));
      r.end();
    } else r.end(body);
  });
}

/** A query string from pairs, in order (pairs may repeat a name). */
export function queryString(params: Record<string, string> | [string, string][]): string {
  return new URLSearchParams(Array.isArray(params) ? params : Object.entries(params)).toString();
}

/** A nonce in Tencent's form, fresh for every request so no test collides with another's replay key. */
export const freshNonce = (): string => String(randomInt(100000000, 2147483647));
/** A MsgId (64-bit decimal) unique within a run. */
export const freshMsgId = (): string => `7${randomInt(1e9, 1e10 - 1)}${randomInt(1e7, 1e8 - 1)}`;
/** Unix seconds now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** What an account needs to sign and seal pushes. */
export interface SigningAccount {
  token: string;
  aesKey: Buffer;
  appId: string;
  originalId: string;
}

/** The query Tencent sends: signature, timestamp, nonce, openid; with `encrypt`, also encrypt_type and msg_signature. */
export function signQuery(account: Pick<SigningAccount, 'token'>, opts: { encrypt?: string; timestamp?: string; nonce?: string; openid?: string; token?: string } = {}): Record<string, string> {
  const token = opts.token ?? account.token;
  const timestamp = opts.timestamp ?? String(nowSeconds());
  const nonce = opts.nonce ?? freshNonce();
  const q: Record<string, string> = { signature: plainSignature(token, timestamp, nonce), timestamp, nonce };
  if (opts.openid !== undefined) q.openid = opts.openid;
  if (opts.encrypt !== undefined) {
    q.encrypt_type = 'aes';
    q.msg_signature = msgSignature(token, timestamp, nonce, opts.encrypt);
  }
  return q;
}

/** The body Tencent sends in `mode` for `plaintext`, carrying `encrypt` (any text, for hostile ciphertexts) in compatible/safe. */
export function envelopeBody(mode: 'plain' | 'compatible' | 'safe', plaintext: string, originalId: string, encrypt?: string): string {
  if (mode === 'plain') return plaintext;
  const element = `<Encrypt><![CDATA[${encrypt ?? ''}]]></Encrypt>`;
  if (mode === 'safe') return `<xml><ToUserName><![CDATA[${originalId}]]></ToUserName>${element}</xml>`;
  const close = plaintext.lastIndexOf('</xml>');
  // A plaintext that is not well-formed (truncated, hostile) still gets an Encrypt, appended.
  return close < 0 ? `${plaintext}${element}` : `${plaintext.slice(0, close)}${element}</xml>`;
}

/**
 * A correctly signed push of `plaintext` in `mode`: encrypted with the account's key
 * for `receiveId` (the AppID unless a test wants another), signed with its token.
 */
export function sealedPush(account: SigningAccount, mode: 'plain' | 'compatible' | 'safe', plaintext: string, opts: { receiveId?: string; timestamp?: string; nonce?: string; openid?: string } = {}): { query: Record<string, string>; body: string; encrypt?: string } {
  if (mode === 'plain') return { query: signQuery(account, opts), body: plaintext };
  const encrypt = encryptMessage(account.aesKey, plaintext, opts.receiveId ?? account.appId, randomBytes(16));
  return { query: signQuery(account, { ...opts, encrypt }), body: envelopeBody(mode, plaintext, account.originalId, encrypt), encrypt };
}

/** Rows in the tables a push writes. */
export interface RowCounts {
  archiveRecord: number;
  outbox: number;
  callbackNonce: number;
}

/** Count the rows a push writes, through the harness gateway's own DataSource. */
export async function rowCounts(h: Harness): Promise<RowCounts> {
  const ds = h.gateway.dataSource;
  const [archiveRecord, outbox, callbackNonce] = await Promise.all([
    ds.getRepository(ARCHIVE_RECORD_ENTITY).count(),
    ds.getRepository(OUTBOX_ENTITY).count(),
    ds.getRepository(CALLBACK_NONCE_ENTITY).count(),
  ]);
  return { archiveRecord, outbox, callbackNonce };
}

const REFUSAL = /^([a-z][a-z0-9-]*): ([^\n]+) \(error id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)$/;

/** The parts of a refusal body `code: message (error id …)`, or undefined when the body has another shape. */
export function parseRefusal(body: string): { code: string; message: string; errorId: string } | undefined {
  const m = REFUSAL.exec(body);
  return m ? { code: m[1]!, message: m[2]!, errorId: m[3]! } : undefined;
}

/**
 * Assert that `res` is the gateway's refusal with `status` and `code`: plain-text body
 * `code: message (error id …)` whose id is the one in x-cgw-error-id. Returns the error id.
 */
export function expectRefusal(res: RawResponse, status: number, code: string): string {
  expect({ status: res.status, code: parseRefusal(res.body)?.code ?? `(unparsed body: ${res.body.slice(0, 120)})` }).toEqual({ status, code });
  const refusal = parseRefusal(res.body)!;
  expect(res.headers['x-cgw-error-id']).toBe(refusal.errorId);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return refusal.errorId;
}

/** Wait until `cond` holds (polling), or fail after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 8000, what = 'condition'): Promise<void> {
  await until(what, async () => ((await cond()) ? true : undefined), ms);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
