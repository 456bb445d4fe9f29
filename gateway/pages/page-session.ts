/**
 * The page session opened after OAuth: who the WeChat user is (account,
 * openid, unionid), in a cookie the browser cannot read (HttpOnly) or forge.
 *
 *   key    = HKDF-SHA256(ikm = key store's index key, salt = none, info = "cgw-page-session/v1", 32 bytes)
 *   cookie = base64url(iv[12] | AES-256-GCM(key, iv, aad = "cgw-page-session/v1|" + accountId, JSON) | tag[16])
 *
 * The account id is authenticated data, so a cookie of one account never
 * opens a session on another even if a browser sent it there. Nothing is kept
 * server side: the session ends at its expiry (consent.pageSessionTtlSeconds)
 * or when the browser drops the cookie.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = 'cgw-page-session/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Larger cookies are not ours (a sealed session is ~250 characters). */
const MAX_COOKIE_CHARS = 1024;

export const SESSION_COOKIE = 'cgw_page';

/** An open page session. */
export interface PageSession {
  accountId: string;
  openid: string;
  unionid?: string;
  /** Random id of this session: form tokens and the bank-login state are tied to it. */
  sessionId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** The session key derived from the key store's index key. @throws RangeError for an index key under 32 bytes */
export function pageSessionKey(indexKey: Buffer): Buffer {
  if (indexKey.length < 32) throw new RangeError('the index key must be at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', indexKey, Buffer.alloc(0), INFO, 32));
}

/** A fresh session id (128 bits, base64url). */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

const aad = (accountId: string) => Buffer.from(`${INFO}|${accountId}`, 'utf8');

/** The cookie value of `session`. */
export function sealSession(key: Buffer, session: PageSession): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(session.accountId));
  const plain = JSON.stringify({ v: 1, o: session.openid, ...(session.unionid ? { u: session.unionid } : {}), s: session.sessionId, e: session.expiresAt });
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The session in `value` for `accountId`, or null when absent, altered, of another account or expired. */
export function openSession(key: Buffer, accountId: string, value: string | undefined, now: number): PageSession | null {
  if (!value || value.length > MAX_COOKIE_CHARS || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return null;
  let parsed: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(aad(accountId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    parsed = JSON.parse(plain.toString('utf8'));
  } catch {
    return null;
  }
  const p = parsed as { v?: unknown; o?: unknown; u?: unknown; s?: unknown; e?: unknown };
  if (p.v !== 1 || typeof p.o !== 'string' || typeof p.s !== 'string' || typeof p.e !== 'number' || (p.u !== undefined && typeof p.u !== 'string')) return null;
  if (p.e <= now) return null;
  return { accountId, openid: p.o, ...(typeof p.u === 'string' ? { unionid: p.u } : {}), sessionId: p.s, expiresAt: p.e };
}

/** The Set-Cookie header value that stores `sealed` (or clears the cookie when null). */
export function sessionCookieHeader(sealed: string | null, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  const attributes = [`Path=${options.path}`, `Max-Age=${sealed === null ? 0 : options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(options.secure ? ['Secure'] : [])];
  return `${SESSION_COOKIE}=${sealed ?? ''}; ${attributes.join('; ')}`;
}

/** Every value of the session cookie in a Cookie header, most specific path first (as browsers send them); the caller takes the first that opens. */
export function sessionCookiesFrom(header: string | undefined): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) values.push(part.slice(eq + 1).trim());
  }
  return values.slice(0, 4);
}
