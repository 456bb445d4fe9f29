/**
 * The one error type of the Tencent call edge (OA and WeCom). Every failed
 * call — an errcode, an HTTP status, a transport failure, an unreadable answer
 * — becomes a TencentApiError that says whether to retry and whether Tencent
 * may have acted on the request. Its message is safe to log and to show: it
 * names the path (never the query, so never an access_token or secret) and a
 * scrubbed errmsg, and it never carries a `cause` (Node's errors can embed
 * request details).
 */

/** Which Tencent product answered. */
export type TencentProduct = 'oa' | 'wecom';

/** A token fetch (credentials at stake) or a business API call. */
export type TencentOperation = 'token' | 'api';

/**
 * What the caller should do:
 * - `refresh-token`: the access_token is stale (40001/40014/42001): refresh it, retry once.
 * - `backoff`: transient (-1, 45009, 45011, 45033, HTTP 5xx, transport): retry later.
 * - `never`: retrying the same request cannot succeed; fix the input or the configuration.
 */
export type TencentRetry = 'refresh-token' | 'backoff' | 'never';

/**
 * Whether Tencent may have acted on the request:
 * - `no`: Tencent answered that it did not (any errcode), or the request never left completely.
 * - `unknown`: the request was sent and the answer was lost (timeout, reset, 5xx other
 *   than 503, unreadable body). Tencent may have delivered it; retrying may duplicate it.
 *   The caller decides (e.g. retry only idempotent calls, or hold for an operator).
 */
export type TencentDelivered = 'no' | 'unknown';

/** Whether the failure concerns this one request or every call of the account/app (credentials, IP list, quota, outage). */
export type TencentErrorScope = 'message' | 'account';

/** How the call failed. */
export type TencentErrorKind = 'errcode' | 'http-status' | 'timeout' | 'connection' | 'bad-response' | 'response-too-large';

/** Everything a TencentApiError is built from. */
export interface TencentApiErrorFields {
  kind: TencentErrorKind;
  product: TencentProduct;
  operation: TencentOperation;
  /** `METHOD /path`, never with the query. */
  endpoint: string;
  retry: TencentRetry;
  delivered: TencentDelivered;
  scope: TencentErrorScope;
  /** Short description of what happened (already scrubbed). */
  detail: string;
  errcode?: number;
  /** Tencent's errmsg, scrubbed of tokens, secrets and URLs carrying them. */
  errmsg?: string;
  httpStatus?: number;
  /** Node's error code for transport failures (ECONNREFUSED, ECONNRESET, …). */
  transportCode?: string;
  /** What to fix, where the reference says. */
  hint?: string;
}

export class TencentApiError extends Error {
  override readonly name = 'TencentApiError';
  readonly kind: TencentErrorKind;
  readonly product: TencentProduct;
  readonly operation: TencentOperation;
  readonly endpoint: string;
  readonly retry: TencentRetry;
  readonly delivered: TencentDelivered;
  readonly scope: TencentErrorScope;
  readonly errcode: number | undefined;
  readonly errmsg: string | undefined;
  readonly httpStatus: number | undefined;
  readonly transportCode: string | undefined;
  readonly hint: string | undefined;
  /** Stable code for logs and metrics: `tencent.<errcode>` or `tencent.<kind>`. */
  readonly code: string;
  /** The logger's serializer prints this; it is the (safe) message. */
  readonly safeMessage: string;

  constructor(fields: TencentApiErrorFields) {
    const message = `${fields.detail}${fields.hint ? ` (${fields.hint})` : ''}`;
    super(message);
    this.kind = fields.kind;
    this.product = fields.product;
    this.operation = fields.operation;
    this.endpoint = fields.endpoint;
    this.retry = fields.retry;
    this.delivered = fields.delivered;
    this.scope = fields.scope;
    this.errcode = fields.errcode;
    this.errmsg = fields.errmsg;
    this.httpStatus = fields.httpStatus;
    this.transportCode = fields.transportCode;
    this.hint = fields.hint;
    this.code = fields.kind === 'errcode' ? `tencent.${fields.errcode}` : `tencent.${fields.kind}`;
    this.safeMessage = message;
  }

  /** A short label for metrics: the errcode, or the failure kind (`timeout`, `http-502`, …). */
  get label(): string {
    if (this.kind === 'errcode') return String(this.errcode);
    if (this.kind === 'http-status') return `http-${this.httpStatus}`;
    return this.kind;
  }
}
