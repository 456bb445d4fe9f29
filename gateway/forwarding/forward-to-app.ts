/**
 * Forward an archived push to an internal app exactly as Tencent would send it,
 * re-signed (and in safe/compatible mode re-encrypted) with the app's own
 * gateway-issued token, EncodingAESKey and AppID, so the app's unmodified
 * `wechat` / `co-wechat` middleware accepts it. The stable event id travels as
 * `cgw_event_id` (query) and `X-CGW-Event-Id` (header); Tencent's middleware
 * ignores both.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature, plainSignature } from '../../connectors/wechat/callback/crypto';
import type { AppConfig } from '../config/schema';

export interface ForwardResult {
  ok: boolean;
  /** The app's answer body when it is neither empty nor `success` (a passive reply to validate). */
  replyBody?: string;
  status?: number;
  /** Short, safe description of a failure (no body, no URL query). */
  error?: string;
}

export interface ForwardInput {
  app: AppConfig;
  /** The decrypted push XML exactly as Tencent sent it. */
  plaintextXml: string;
  openid: string;
  originalId: string;
  eventId: string;
  nowSeconds: number;
  timeoutMs: number;
}

/** Build the URL and body Tencent would send this app. */
export function buildForwardRequest(input: ForwardInput): { url: string; body: string } {
  const { app, plaintextXml } = input;
  const creds = app.credentials;
  const timestamp = String(input.nowSeconds);
  const nonce = String(randomInt(100000000, 2147483647));
  // Config validation requires a callbackUrl of every subscribing app; only subscribers are forwarded to.
  const url = new URL(app.callbackUrl ?? 'http://callback-url.missing.invalid/');
  url.searchParams.set('signature', plainSignature(creds.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('openid', input.openid);
  url.searchParams.set('cgw_event_id', input.eventId);
  if (app.mode === 'plain') return { url: url.toString(), body: plaintextXml };
  const encrypt = encryptMessage(aesKeyFromEncodingAESKey(creds.encodingAESKey), plaintextXml, creds.appId, randomBytes(16));
  url.searchParams.set('encrypt_type', 'aes');
  url.searchParams.set('msg_signature', msgSignature(creds.token, timestamp, nonce, encrypt));
  const envelope = `<xml><ToUserName><![CDATA[${input.originalId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  if (app.mode === 'safe') return { url: url.toString(), body: envelope };
  // compatible: the clear message plus <Encrypt>, as Tencent sends it
  return { url: url.toString(), body: plaintextXml.replace(/<\/xml>\s*$/, `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`) };
}

/** POST the push to the app; never throws. */
export async function forwardToApp(input: ForwardInput): Promise<ForwardResult> {
  const { url, body } = buildForwardRequest(input);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', 'x-cgw-event-id': input.eventId },
      body,
      signal: AbortSignal.timeout(input.timeoutMs),
      redirect: 'error',
    });
    const text = await readLimited(res, 64 * 1024);
    if (res.status !== 200) return { ok: false, status: res.status, error: `app answered HTTP ${res.status}` };
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === 'success') return { ok: true, status: 200 };
    return { ok: true, status: 200, replyBody: text };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: e.name === 'TimeoutError' ? `no answer within ${input.timeoutMs} ms` : `connection failed (${(e.cause as { code?: string } | undefined)?.code ?? e.name})` };
  }
}

async function readLimited(res: Response, limit: number): Promise<string> {
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > limit) throw Object.assign(new Error('reply too large'), { name: 'ReplyTooLarge' });
  return buf.toString('utf8');
}
