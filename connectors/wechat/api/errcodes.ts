/**
 * What each Tencent errcode means for the caller: retry class, scope, and
 * what to fix (limits-and-errors.md §3, wechat-oa.md §2, wecom.md §1–§2).
 * Codes not listed are `never` retried and concern the one message.
 */
import type { TencentErrorScope, TencentOperation, TencentProduct, TencentRetry } from './tencent-api-error';

/** The classification of one errcode in one context. */
export interface ErrcodeRule {
  retry: TencentRetry;
  scope: TencentErrorScope;
  hint?: string;
}

interface Context {
  product: TencentProduct;
  operation: TencentOperation;
  /** The scrubbed errmsg: some hints quote the IP it names. */
  errmsg: string;
}

/** Tokens that Tencent reports stale: refresh the token and retry once. */
export const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
/** Busy or rate-limited: retry after a backoff. */
export const BACKOFF_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011, 45033]);

/** The caller's IP as Tencent printed it: OA `invalid ip 203.0.113.7 ipv6 …`, WeCom `from ip: 203.0.113.7,`. */
export function callerIpIn(errmsg: string): string | undefined {
  return /invalid ip ([0-9a-fA-F.:]+)/.exec(errmsg)?.[1] ?? /from ip: ?([0-9a-fA-F.:]+)/.exec(errmsg)?.[1];
}

const secretName = (product: TencentProduct) => (product === 'oa' ? "the account's AppSecret" : "this WeCom app's secret (each app has its own)");

type HintFn = (ctx: Context) => string | undefined;
const account = (hint?: HintFn): { scope: TencentErrorScope; hint?: HintFn } => ({ scope: 'account', ...(hint ? { hint } : {}) });
const message = (hint?: HintFn): { scope: TencentErrorScope; hint?: HintFn } => ({ scope: 'message', ...(hint ? { hint } : {}) });

const NEVER: Record<number, { scope: TencentErrorScope; hint?: HintFn }> = {
  40002: account(() => 'grant_type must be client_credential: a gateway bug'),
  40003: message(({ product }) => (product === 'oa' ? 'invalid openid: not a follower of this account (or another account\'s openid)' : 'invalid UserID')),
  40007: message(() => 'invalid media_id: upload the media again (temporary media lives 3 days)'),
  40013: account(({ product }) => (product === 'oa' ? "invalid AppID: check the account's appId" : 'invalid CorpID: check the corpId')),
  40037: message(() => 'invalid template_id'),
  40091: account(() => "the WeCom secret is invalid: check the secret configured for this app"),
  40125: account(() => "invalid AppSecret: check the account's appSecret (reset it in the MP admin if it was regenerated)"),
  40164: account(({ errmsg }) => `add ${callerIpIn(errmsg) ?? "the gateway's egress IP"} to the account's API IP whitelist (MP admin: Settings and Development > Basic Configuration)`),
  40243: account(() => 'the AppSecret is frozen: unfreeze it in the MP admin'),
  41001: account(() => 'access_token missing: a gateway bug'),
  41002: account(() => 'appid missing: check the account configuration'),
  41004: account(() => 'secret missing: check the configuration'),
  43004: message(() => 'the recipient must follow the account'),
  43101: message(() => 'the user refused this subscription message'),
  45002: message(() => 'content too long'),
  45015: message(() => "no open customer-service window: the user's last message is older than 48 h, or they unfollowed"),
  45047: message(() => 'customer-service quota of this window used up: the user must message again'),
  47001: message(() => 'Tencent could not parse the request body'),
  47003: message(() => 'template argument invalid (errmsg names the field)'),
  48001: account(({ product }) => (product === 'oa' ? 'this API is not authorised for the account: apply for the interface permission in the MP admin' : "this API is not authorised for the app: grant the app the API permission in the WeCom admin")),
  48002: account(({ product }) => (product === 'oa' ? 'the user blocked messages from this account' : "this app's token may not call this API: use the secret of an app that may")),
  48004: account(() => 'this API is banned for the account: see the MP admin notice'),
  60011: message(() => "the recipient is outside the app's visible range"),
  60020: account(({ errmsg }) => `add ${callerIpIn(errmsg) ?? "the gateway's egress IP"} to the WeCom app's trusted IP list (new IPs take about a minute to apply)`),
  81013: message(() => 'every recipient (user, party and tag) is invalid'),
  89503: account(() => 'an administrator must approve this IP in the MP admin (risky-IP check); a rejection blocks it for 1 hour'),
  301002: account(() => "the token's app may not operate this agentid: use the secret of the app with this agentid"),
};

function credentialHint(product: TencentProduct): string {
  return `wrong secret: check ${secretName(product)}`;
}

/** Classify `errcode` (non-zero) as answered by `product` to a token fetch or an API call. */
export function classifyErrcode(errcode: number, ctx: Context): ErrcodeRule {
  if (STALE_TOKEN_ERRCODES.has(errcode)) {
    // On a token fetch there is no token to refresh: 40001 there means a wrong secret.
    if (ctx.operation === 'token') return { retry: 'never', scope: 'account', hint: credentialHint(ctx.product) };
    return { retry: 'refresh-token', scope: 'account' };
  }
  if (BACKOFF_ERRCODES.has(errcode)) {
    let hint: string | undefined;
    if (errcode === 45009 && ctx.operation === 'token' && ctx.product === 'wecom') hint = 'gettoken is rate-limited; repeated wrong secrets block the IP for 1 hour';
    else if (errcode === 45009 && ctx.product === 'oa') hint = 'daily API quota reached; it resets at midnight Beijing time';
    else if (errcode === 45033) hint = 'too many concurrent calls';
    return { retry: 'backoff', scope: 'account', ...(hint ? { hint } : {}) };
  }
  const rule = NEVER[errcode];
  const hint = rule?.hint?.(ctx);
  return { retry: 'never', scope: rule?.scope ?? 'message', ...(hint ? { hint } : {}) };
}
