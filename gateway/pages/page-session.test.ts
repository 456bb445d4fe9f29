import { randomBytes } from 'node:crypto';
import { languageFromHeader, pageLanguage } from './language';
import { openSession, pageSessionKey, sealSession, sessionCookieHeader, sessionCookiesFrom } from './page-session';

const KEY = pageSessionKey(randomBytes(32));
const SESSION = { accountId: 'main-oa', openid: 'oUser000000000000000000000001', unionid: 'uUnion00000000000000000000001', sessionId: 'sid-1', expiresAt: 2_000_000 };

describe('page session cookie', () => {
  it('opens what it sealed, for the same account, until expiry', () => {
    const sealed = sealSession(KEY, SESSION);
    expect(openSession(KEY, 'main-oa', sealed, 1_000_000)).toEqual(SESSION);
    expect(openSession(KEY, 'main-oa', sealed, 2_000_000)).toBeNull();
    expect(openSession(KEY, 'other-oa', sealed, 1_000_000)).toBeNull();
  });

  it('derives a different key from a different index key, and refuses altered, truncated or foreign values', () => {
    const sealed = sealSession(KEY, SESSION);
    expect(openSession(pageSessionKey(randomBytes(32)), 'main-oa', sealed, 1)).toBeNull();
    const bytes = Buffer.from(sealed, 'base64url');
    for (const i of [0, 15, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[i] = altered[i]! ^ 0x80;
      expect(openSession(KEY, 'main-oa', altered.toString('base64url'), 1)).toBeNull();
    }
    expect(openSession(KEY, 'main-oa', sealed.slice(0, 30), 1)).toBeNull();
    expect(openSession(KEY, 'main-oa', 'a'.repeat(2000), 1)).toBeNull();
    expect(openSession(KEY, 'main-oa', 'not base64!', 1)).toBeNull();
    expect(openSession(KEY, 'main-oa', undefined, 1)).toBeNull();
  });

  it('never carries the openid in clear, and two seals of one session differ', () => {
    const a = sealSession(KEY, SESSION);
    const b = sealSession(KEY, SESSION);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url').toString('latin1')).not.toContain('oUser');
  });

  it('writes HttpOnly SameSite=Lax cookies, Secure on https, and reads every value most specific first', () => {
    expect(sessionCookieHeader('v', { path: '/p/a/', maxAgeSeconds: 900, secure: true })).toBe('cgw_page=v; Path=/p/a/; Max-Age=900; HttpOnly; SameSite=Lax; Secure');
    expect(sessionCookieHeader(null, { path: '/p/a/', maxAgeSeconds: 900, secure: false })).toBe('cgw_page=; Path=/p/a/; Max-Age=0; HttpOnly; SameSite=Lax');
    expect(sessionCookiesFrom('x=1; cgw_page=first; cgw_page=second')).toEqual(['first', 'second']);
    expect(sessionCookiesFrom(undefined)).toEqual([]);
  });
});

describe('page language', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-TW,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr;q=1, en;q=0.5, zh;q=0.7', 'zh-CN'],
    ['fr, de', 'zh-CN'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
  ])('Accept-Language %s → %s', (header, expected) => {
    expect(languageFromHeader(header)).toBe(expected);
  });

  it('prefers an explicit supported lang and ignores an unsupported one', () => {
    expect(pageLanguage('en', 'zh-CN')).toBe('en');
    expect(pageLanguage('fr', 'en')).toBe('en');
    expect(pageLanguage(['en', 'zh-CN'], undefined)).toBe('zh-CN');
  });
});
