/**
 * The sidebar session opened after WeCom web authorization: which corp
 * member (RM) is using the sidebar, in an HttpOnly cookie the browser cannot
 * read or forge. Same construction as the consent pages' session
 * (gateway/pages/page-session.ts), its own key and purpose:
 *
 *   key    = HKDF-SHA256(ikm = key store's index key, salt = none, info = "cgw-sidebar-session/v1", 32 bytes)
 *   cookie = base64url(iv[12] | AES-256-GCM(key, iv, aad = "cgw-sidebar-session/v1|" + corp config id, JSON) | tag[16])
 *
 * The corp is authenticated data, so one corp's cookie never opens another's.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = 'cgw-sidebar-session/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_COOKIE_CHARS = 1024;

export const SIDEBAR_COOKIE = 'cgw_sidebar';

/** An open sidebar session. */
export interface SidebarSession {
  corp: string;
  userid: string;
  sessionId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** The session key. @throws RangeError for an index key under 32 bytes */
export function sidebarSessionKey(indexKey: Buffer): Buffer {
  if (indexKey.length < 32) throw new RangeError('the index key must be at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', indexKey, Buffer.alloc(0), INFO, 32));
}

const aad = (corp: string) => Buffer.from(`${INFO}|${corp}`, 'utf8');

/** The cookie value of `session`. */
export function sealSidebarSession(key: Buffer, session: SidebarSession): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(session.corp));
  const sealed = Buffer.concat([cipher.update(JSON.stringify({ v: 1, u: session.userid, s: session.sessionId, e: session.expiresAt }), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The session in `value` for `corp`, or null when absent, altered, of another corp or expired. */
export function openSidebarSession(key: Buffer, corp: string, value: string | undefined, now: number): SidebarSession | null {
  if (!value || value.length > MAX_COOKIE_CHARS || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return null;
  let parsed: { v?: unknown; u?: unknown; s?: unknown; e?: unknown };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(aad(corp));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    parsed = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8')) as typeof parsed;
  } catch {
    return null;
  }
  if (parsed.v !== 1 || typeof parsed.u !== 'string' || typeof parsed.s !== 'string' || typeof parsed.e !== 'number' || parsed.e <= now) return null;
  return { corp, userid: parsed.u, sessionId: parsed.s, expiresAt: parsed.e };
}

/** The Set-Cookie header value (HttpOnly, SameSite=Lax, scoped to the corp's sidebar path). */
export function sidebarCookieHeader(sealed: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  return [`${SIDEBAR_COOKIE}=${sealed}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/** Every value of the sidebar cookie in a Cookie header (at most 4). */
export function sidebarCookiesFrom(header: string | undefined): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SIDEBAR_COOKIE) values.push(part.slice(eq + 1).trim());
  }
  return values.slice(0, 4);
}
