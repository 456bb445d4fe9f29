/**
 * Turns a transport outcome into a result: Tencent's JSON body, or a
 * classified TencentApiError (see tencent-api-error.ts for retry/delivered).
 */
import { classifyErrcode } from './errcodes';
import type { TransportOutcome } from './http-transport';
import { scrubText } from './scrub';
import { TencentApiError, type TencentOperation, type TencentProduct } from './tencent-api-error';

/** Tencent's answer as parsed JSON, or the classified failure. */
export type TencentResult<T = Record<string, unknown>> = { ok: true; body: T } | { ok: false; error: TencentApiError };

/** Who was called, for messages and classification. */
export interface CallContext {
  product: TencentProduct;
  operation: TencentOperation;
  /** `METHOD /path`. */
  endpoint: string;
  host: string;
  timeoutMs: number;
  /** Credential values to scrub from anything Tencent echoes back. */
  sensitive: readonly string[];
}

// Connection problems that a new attempt with the same settings will not fix get a hint.
const TRANSPORT_HINTS: Record<string, string> = {
  ENOTFOUND: 'the host does not resolve: check the Tencent base URL, DNS or the egress proxy',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired (a TLS-inspecting proxy?)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted: set tencent.caFile to the egress proxy CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted: set tencent.caFile to the egress proxy CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted: set tencent.caFile to the CA that signed it',
  ERR_TLS_CERT_ALTNAME_INVALID: "the TLS certificate does not name this host: check the Tencent base URL",
};

function transportError(outcome: Extract<TransportOutcome, { ok: false }>, ctx: CallContext): TencentApiError {
  const base = { product: ctx.product, operation: ctx.operation, endpoint: ctx.endpoint, scope: 'account' as const };
  const delivered = outcome.sent ? ('unknown' as const) : ('no' as const);
  const when = outcome.sent ? 'after the request was sent (Tencent may have acted on it)' : 'before the request was sent';
  if (outcome.failure === 'response-too-large') {
    return new TencentApiError({ ...base, kind: 'response-too-large', retry: 'never', delivered: 'unknown', detail: `${ctx.endpoint} on ${ctx.host}: answer larger than the configured limit` });
  }
  if (outcome.failure === 'timeout') {
    return new TencentApiError({ ...base, kind: 'timeout', retry: 'backoff', delivered, detail: `${ctx.endpoint} on ${ctx.host}: no answer within ${ctx.timeoutMs} ms, ${when}` });
  }
  const code = outcome.code && /^[A-Z0-9_]{2,64}$/.test(outcome.code) ? outcome.code : 'ERR_CONNECTION';
  const hint = TRANSPORT_HINTS[code];
  return new TencentApiError({
    ...base,
    kind: 'connection',
    retry: 'backoff',
    delivered,
    transportCode: code,
    detail: `${ctx.endpoint} on ${ctx.host}: connection failed (${code}) ${when}`,
    ...(hint ? { hint } : {}),
  });
}

function httpStatusError(status: number, ctx: CallContext): TencentApiError {
  const base = { product: ctx.product, operation: ctx.operation, endpoint: ctx.endpoint, kind: 'http-status' as const, httpStatus: status, detail: `${ctx.endpoint} on ${ctx.host}: HTTP ${status}` };
  // Tencent answers API errors with HTTP 200; other statuses come from its front end or a proxy.
  if (status >= 500) {
    // 503: refused before processing. Other 5xx (500, 502, 504) may come after the backend acted.
    return new TencentApiError({ ...base, retry: 'backoff', delivered: status === 503 ? 'no' : 'unknown', scope: 'account' });
  }
  if (status === 429) return new TencentApiError({ ...base, retry: 'backoff', delivered: 'no', scope: 'account' });
  const hint = status === 404 ? 'check the Tencent base URL and the API path' : status === 407 ? 'the egress proxy wants authentication' : undefined;
  return new TencentApiError({ ...base, retry: 'never', delivered: 'no', scope: 'account', ...(hint ? { hint } : {}) });
}

function badResponse(ctx: CallContext, what: string): TencentApiError {
  // Tencent (or something in between) answered, so the request arrived: it may have acted on it.
  return new TencentApiError({ product: ctx.product, operation: ctx.operation, endpoint: ctx.endpoint, kind: 'bad-response', retry: 'backoff', delivered: 'unknown', scope: 'account', detail: `${ctx.endpoint} on ${ctx.host}: ${what}` });
}

function parseErrcode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** The result of one exchange: Tencent's body when errcode is absent or 0, a classified error otherwise. */
export function readOutcome(outcome: TransportOutcome, ctx: CallContext): TencentResult {
  if (!outcome.ok) return { ok: false, error: transportError(outcome, ctx) };
  if (outcome.status < 200 || outcome.status > 299) return { ok: false, error: httpStatusError(outcome.status, ctx) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(outcome.body.toString('utf8'));
  } catch {
    return { ok: false, error: badResponse(ctx, `answer is not JSON (HTTP ${outcome.status}, ${outcome.body.length} bytes)`) };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: badResponse(ctx, 'answer is JSON but not an object') };
  const body = parsed as Record<string, unknown>;
  if (body.errcode === undefined) return { ok: true, body };
  const errcode = parseErrcode(body.errcode);
  if (errcode === undefined) return { ok: false, error: badResponse(ctx, 'answer has a non-numeric errcode') };
  if (errcode === 0) return { ok: true, body };
  const errmsg = scrubText(typeof body.errmsg === 'string' ? body.errmsg : '', ctx.sensitive);
  const rule = classifyErrcode(errcode, { product: ctx.product, operation: ctx.operation, errmsg });
  return {
    ok: false,
    error: new TencentApiError({
      kind: 'errcode',
      product: ctx.product,
      operation: ctx.operation,
      endpoint: ctx.endpoint,
      errcode,
      errmsg,
      retry: rule.retry,
      // Tencent answered with an error: it did not act on the request.
      delivered: 'no',
      scope: rule.scope,
      detail: `${ctx.endpoint}: Tencent errcode ${errcode}: ${errmsg}`,
      ...(rule.hint ? { hint: rule.hint } : {}),
    }),
  };
}
