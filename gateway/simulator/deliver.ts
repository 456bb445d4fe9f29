/**
 * Delivers one push to an account server the way Tencent does
 * (callback-crypto.md §7): POST text/xml, 5 s per attempt, up to 3 attempts,
 * retrying on timeout, connection error or a non-200 status, resending the
 * very same query and body. A 200 ends the delivery: `success`/empty is an
 * acknowledgement, anything else must be a valid passive reply.
 */
import type { SimulatedAccount } from './accounts';
import { systemClock, unixSeconds, type Clock } from './clock';
import { urlVerificationQuery, wrapPush, type WirePush } from './envelope';
import { HttpExchangeError, httpExchange } from './http-exchange';
import { readPushFacts } from './push-facts';
import { cryptoRng, randomDigits, type Rng } from './random';
import { judgeReply } from './reply-check';

/** What Tencent shows the follower when a push got no usable answer. */
export const SERVICE_UNAVAILABLE_NOTICE = '该公众号暂时无法提供服务，请稍后再试';

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_ATTEMPTS = 3;

/** One try: the status when a response came back, otherwise the error. */
export interface DeliveryAttempt {
  status?: number;
  error?: string;
  elapsedMs: number;
}

export type DeliveryOutcome = 'acked' | 'replied' | 'bad-reply' | 'failed';

export interface DeliveryReport {
  outcome: DeliveryOutcome;
  attempts: DeliveryAttempt[];
  /** The passive reply's plaintext XML (decrypted when it came encrypted). */
  reply?: string;
  /** Why the reply was unusable, or why delivery failed. */
  problem?: string;
  /** Set when Tencent would show the follower its fallback notice. */
  userNotice?: typeof SERVICE_UNAVAILABLE_NOTICE;
  /** The exact request sent on every attempt. */
  request: WirePush & { url: string };
}

export interface DeliverOptions {
  clock?: Clock;
  attemptTimeoutMs?: number;
  maxAttempts?: number;
  rng?: Rng;
  /** Fixed values for deterministic tests; generated otherwise. */
  timestamp?: string;
  nonce?: string;
  random?: Buffer;
  /** Tencent adds `openid` to OA pushes; tests of gateways that must not need it turn it off. */
  includeOpenid?: boolean;
}

/** A numeric nonce in the range Tencent uses (observed values are 9–10 digit integers below 2^31). */
export function tencentNonce(rng: Rng): string {
  return String(1 + rng.int(2 ** 31 - 1));
}

/** Push `xml` to the account's callback URL and report what happened. Never throws for network trouble. */
export async function deliverPush(account: SimulatedAccount, xml: string, options: DeliverOptions = {}): Promise<DeliveryReport> {
  const clock = options.clock ?? systemClock;
  const rng = options.rng ?? cryptoRng;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const timeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  let openid: string | undefined;
  try {
    openid = readPushFacts(xml).fromUserName;
  } catch {
    openid = undefined; // hand-written XML in a test: deliver it without the openid parameter
  }
  const wire = wrapPush(account, xml, {
    timestamp: options.timestamp ?? String(unixSeconds(clock)),
    nonce: options.nonce ?? tencentNonce(rng),
    ...(openid !== undefined && options.includeOpenid !== false ? { openid } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const url = withQuery(account.callbackUrl, wire.query);
  const request = { ...wire, url: url.toString() };
  const attempts: DeliveryAttempt[] = [];

  for (let n = 0; n < maxAttempts; n++) {
    const started = performance.now();
    try {
      const res = await httpExchange({
        method: 'POST',
        url,
        headers: { 'Content-Type': 'text/xml', 'User-Agent': 'Mozilla/4.0', Accept: '*/*' },
        body: wire.body,
        timeoutMs,
      });
      attempts.push({ status: res.status, elapsedMs: performance.now() - started });
      if (res.status !== 200) continue;
      if (res.tooLarge) return broken(attempts, request, 'reply exceeds 1 MiB');
      const verdict = judgeReply(account, res.body, openid !== undefined ? { openid } : {});
      if (verdict.kind === 'ack') return { outcome: 'acked', attempts, request };
      if (verdict.kind === 'reply') return { outcome: 'replied', attempts, request, reply: verdict.xml };
      return broken(attempts, request, verdict.problem);
    } catch (err) {
      const message = err instanceof HttpExchangeError ? `${err.kind}: ${err.message}` : String(err);
      attempts.push({ error: message, elapsedMs: performance.now() - started });
    }
  }
  const last = attempts[attempts.length - 1];
  return {
    outcome: 'failed',
    attempts,
    request,
    problem: `no acknowledgement after ${attempts.length} attempts (last: ${last?.error ?? `HTTP ${last?.status}`})`,
    userNotice: SERVICE_UNAVAILABLE_NOTICE,
  };
}

function broken(attempts: DeliveryAttempt[], request: DeliveryReport['request'], problem: string): DeliveryReport {
  return { outcome: 'bad-reply', attempts, request, problem, userNotice: SERVICE_UNAVAILABLE_NOTICE };
}

/** `base` with `query` appended to whatever query it already has. */
export function withQuery(base: string, query: string): URL {
  const url = new URL(base);
  url.search = url.search ? `${url.search.slice(1)}&${query}` : query;
  return url;
}

/** Outcome of the URL-verification handshake. */
export interface UrlVerification {
  ok: boolean;
  echostr: string;
  status?: number;
  body?: string;
  problem?: string;
}

/** The GET handshake Tencent runs when the push URL is saved: the server must echo `echostr` verbatim. */
export async function verifyUrl(
  account: SimulatedAccount,
  options: { clock?: Clock; rng?: Rng; timeoutMs?: number; timestamp?: string; nonce?: string; echostr?: string } = {},
): Promise<UrlVerification> {
  const rng = options.rng ?? cryptoRng;
  const echostr = options.echostr ?? randomDigits(rng, 19);
  const query = urlVerificationQuery(account, {
    timestamp: options.timestamp ?? String(unixSeconds(options.clock ?? systemClock)),
    nonce: options.nonce ?? tencentNonce(rng),
    echostr,
  });
  try {
    const res = await httpExchange({
      method: 'GET',
      url: withQuery(account.callbackUrl, query),
      headers: { 'User-Agent': 'Mozilla/4.0', Accept: '*/*' },
      timeoutMs: options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
    });
    const ok = res.status === 200 && res.body === echostr;
    return {
      ok,
      echostr,
      status: res.status,
      body: res.body,
      ...(ok ? {} : { problem: res.status !== 200 ? `HTTP ${res.status}` : 'body is not the echostr verbatim' }),
    };
  } catch (err) {
    return { ok: false, echostr, problem: String((err as Error).message) };
  }
}
