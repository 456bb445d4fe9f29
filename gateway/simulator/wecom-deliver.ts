/**
 * Delivers one WeCom callback to a corp's callback URL (callback-crypto.md
 * §7): POST text/xml, 5 s per attempt, up to 3 attempts, the very same query
 * and body each time, retrying on timeout, connection error or any status
 * but 200. For WeCom, HTTP 200 is the acknowledgement whatever the body.
 * Also the URL-verification GET (§2.2): an encrypted echostr that the
 * receiver must decrypt and echo within 1 second.
 */
import { systemClock, unixSeconds, type Clock } from './clock';
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, tencentNonce, withQuery, type DeliveryAttempt, type UrlVerification } from './deliver';
import type { WirePush } from './envelope';
import { HttpExchangeError, httpExchange } from './http-exchange';
import { cryptoRng, randomDigits, type Rng } from './random';
import type { SimulatedCorp } from './state/wecom-corps';
import { wecomUrlVerificationQuery, wrapWecomPush } from './wecom-envelope';

/** WeCom's URL-verification deadline (limits-and-errors.md §1). */
export const WECOM_URL_VERIFY_TIMEOUT_MS = 1000;

export interface WecomDeliveryReport {
  outcome: 'acked' | 'failed';
  attempts: DeliveryAttempt[];
  /** The body of the HTTP 200 answer. */
  reply?: string;
  /** Why delivery failed. */
  problem?: string;
  /** The exact request sent on every attempt. */
  request: WirePush & { url: string };
}

export interface WecomDeliverOptions {
  clock?: Clock;
  rng?: Rng;
  attemptTimeoutMs?: number;
  maxAttempts?: number;
  /** The envelope's AgentID; by default the plaintext's own `<AgentID>`, else empty (a corp-level callback). */
  agentId?: number | '';
  /** Fixed values for deterministic tests; generated otherwise. */
  timestamp?: string;
  nonce?: string;
  random?: Buffer;
}

type CallbackCorp = Pick<SimulatedCorp, 'corpId' | 'token' | 'encodingAESKey' | 'callbackUrl'>;

/** Push `xml` to the corp's callback URL and report what happened. Never throws for network trouble. @throws Error when the corp has no callback URL. */
export async function deliverWecomPush(corp: CallbackCorp, xml: string, options: WecomDeliverOptions = {}): Promise<WecomDeliveryReport> {
  if (corp.callbackUrl === undefined) throw new Error(`corp ${corp.corpId} has no callbackUrl`);
  const clock = options.clock ?? systemClock;
  const rng = options.rng ?? cryptoRng;
  const wire = wrapWecomPush(corp, xml, {
    timestamp: options.timestamp ?? String(unixSeconds(clock)),
    nonce: options.nonce ?? tencentNonce(rng),
    agentId: String(options.agentId ?? agentIdOf(xml) ?? ''),
    ...(options.random ? { random: options.random } : {}),
  });
  const url = withQuery(corp.callbackUrl, wire.query);
  const request = { ...wire, url: url.toString() };
  const attempts: DeliveryAttempt[] = [];
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let n = 0; n < maxAttempts; n++) {
    const started = performance.now();
    try {
      const res = await httpExchange({
        method: 'POST',
        url,
        headers: { 'Content-Type': 'text/xml', 'User-Agent': 'Mozilla/4.0', Accept: '*/*' },
        body: wire.body,
        timeoutMs: options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
      });
      attempts.push({ status: res.status, elapsedMs: performance.now() - started });
      if (res.status === 200) return { outcome: 'acked', attempts, request, reply: res.body };
    } catch (err) {
      const message = err instanceof HttpExchangeError ? `${err.kind}: ${err.message}` : String(err);
      attempts.push({ error: message, elapsedMs: performance.now() - started });
    }
  }
  const last = attempts[attempts.length - 1];
  return { outcome: 'failed', attempts, request, problem: `no HTTP 200 after ${attempts.length} attempts (last: ${last?.error ?? `HTTP ${last?.status}`})` };
}

/** The plaintext's AgentID (bare or CDATA), if it has one. */
function agentIdOf(xml: string): string | undefined {
  return /<AgentID>(?:<!\[CDATA\[)?(\d+)(?:\]\]>)?<\/AgentID>/.exec(xml)?.[1];
}

/** The GET handshake WeCom runs when the callback URL is saved: the server must answer the decrypted echostr verbatim, within 1 s. */
export async function verifyWecomUrl(
  corp: CallbackCorp,
  options: { clock?: Clock; rng?: Rng; timeoutMs?: number; timestamp?: string; nonce?: string; echostr?: string; random?: Buffer } = {},
): Promise<UrlVerification> {
  if (corp.callbackUrl === undefined) throw new Error(`corp ${corp.corpId} has no callbackUrl`);
  const rng = options.rng ?? cryptoRng;
  const echostr = options.echostr ?? randomDigits(rng, 19);
  const query = wecomUrlVerificationQuery(corp, {
    timestamp: options.timestamp ?? String(unixSeconds(options.clock ?? systemClock)),
    nonce: options.nonce ?? tencentNonce(rng),
    plaintext: echostr,
    ...(options.random ? { random: options.random } : {}),
  });
  try {
    const res = await httpExchange({
      method: 'GET',
      url: withQuery(corp.callbackUrl, query),
      headers: { 'User-Agent': 'Mozilla/4.0', Accept: '*/*' },
      timeoutMs: options.timeoutMs ?? WECOM_URL_VERIFY_TIMEOUT_MS,
    });
    const ok = res.status === 200 && res.body === echostr;
    return {
      ok,
      echostr,
      status: res.status,
      body: res.body,
      ...(ok ? {} : { problem: res.status !== 200 ? `HTTP ${res.status}` : 'body is not the decrypted echostr verbatim' }),
    };
  } catch (err) {
    return { ok: false, echostr, problem: String((err as Error).message) };
  }
}
