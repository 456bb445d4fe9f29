/**
 * The JS-SDK signature WeCom checks in wx.config (corp jsapi_ticket) and
 * wx.agentConfig (the app's agent_config ticket), exactly as WeCom documents
 * it: the four fields sorted by name (jsapi_ticket, noncestr, timestamp,
 * url), joined as `k=v` with `&`, the values as they are (no URL-encoding),
 * hashed with SHA-1, lower-case hex. `url` is the page's full URL without the
 * `#` fragment. Checked against Tencent's own @wecom/crypto and node-easywechat
 * (test/content-library/jsapi-signature.test.ts).
 */
import { createHash, randomBytes } from 'node:crypto';

/** The signed values the page passes to wx.config / wx.agentConfig. */
export interface JsapiSignature {
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/** The signature of one page load. */
export function jsapiSignature(input: { ticket: string; nonceStr: string; timestamp: number; url: string }): string {
  return createHash('sha1').update(`jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${input.url}`, 'utf8').digest('hex');
}

/** The URL as signed: everything before the first `#`. */
export function signedUrl(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/** Sign `url` with `ticket` now (unix seconds) and a fresh nonce (16 letters and digits). */
export function signPage(ticket: string, url: string, nowMs: number): JsapiSignature {
  const nonceStr = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
  const timestamp = Math.floor(nowMs / 1000);
  return { timestamp, nonceStr, signature: jsapiSignature({ ticket, nonceStr, timestamp, url: signedUrl(url) }) };
}
