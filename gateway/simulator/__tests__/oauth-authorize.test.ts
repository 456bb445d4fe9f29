import { createSimulatedAccount, OPENID_PATTERN } from '../accounts';
import { createTencentSimulator } from '../simulator';
import { WECHAT_USER_COOKIE } from '../wechat-client';
import { closeHarnesses, startApiHarness, type ApiHarness } from './helpers/api-harness';
import { AUTHORIZE, authorizeParams, openAuthorize, REDIRECT_URI } from './helpers/oauth-flow';

let h: ApiHarness;
afterEach(closeHarnesses);

async function followerCookie(): Promise<{ openid: string; cookie: string }> {
  const openid = h.sim.newFollowerOpenid(h.account.appId);
  h.sim.follow(h.account.appId, openid);
  return { openid, cookie: h.sim.wechatUserCookie(h.account.appId, openid) };
}

function location(res: Response): URL {
  return new URL(res.headers.get('location') as string);
}

describe('GET /connect/oauth2/authorize', () => {
  beforeEach(async () => {
    h = await startApiHarness();
  });

  it('redirects a follower silently to redirect_uri with a code and the state, keeping the caller\'s query', async () => {
    const { openid, cookie } = await followerCookie();
    const res = await openAuthorize(h, authorizeParams(h), cookie);
    expect(res.status).toBe(302);
    const target = location(res);
    expect(`${target.origin}${target.pathname}`).toBe('https://bank.example/oauth/back');
    expect(target.searchParams.get('from')).toBe('menu');
    expect(target.searchParams.get('state')).toBe('st4te');
    expect(target.search).toMatch(/^\?from=menu&code=[A-Za-z0-9]{32}&state=st4te$/);
    expect(h.sim.oauthAuthorizations()).toEqual([
      expect.objectContaining({ appId: h.account.appId, openid, scope: 'snsapi_base', state: 'st4te', redirectUri: REDIRECT_URI, code: target.searchParams.get('code'), consentShown: false, at: h.clock.now() }),
    ]);
  });

  it('records the consent sheet as shown for snsapi_userinfo and still redirects', async () => {
    const { cookie } = await followerCookie();
    const res = await openAuthorize(h, authorizeParams(h, { scope: 'snsapi_userinfo' }), cookie);
    expect(res.status).toBe(302);
    expect(h.sim.oauthAuthorizations()[0]).toMatchObject({ scope: 'snsapi_userinfo', consentShown: true });
  });

  it('gives every visit a fresh code', async () => {
    const { cookie } = await followerCookie();
    const first = location(await openAuthorize(h, authorizeParams(h), cookie)).searchParams.get('code');
    const second = location(await openAuthorize(h, authorizeParams(h), cookie)).searchParams.get('code');
    expect(first).not.toBe(second);
  });

  it('accepts an empty or absent state and redirects with state= empty', async () => {
    const { cookie } = await followerCookie();
    for (const state of ['', undefined]) {
      const target = location(await openAuthorize(h, authorizeParams(h, { state }), cookie));
      expect(target.searchParams.get('state')).toBe('');
      expect(target.search).toMatch(/&state=$/);
    }
  });

  it('accepts a 128-character state and refuses 129 characters or anything but letters and digits', async () => {
    const { cookie } = await followerCookie();
    expect((await openAuthorize(h, authorizeParams(h, { state: 'a'.repeat(128) }), cookie)).status).toBe(302);
    for (const state of ['a'.repeat(129), 'with-dash', 'sp ace', '中文']) {
      const res = await openAuthorize(h, authorizeParams(h, { state }), cookie);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('data-reason="state"');
    }
  });

  it.each([
    ['no appid', { appid: undefined }, 'appid'],
    ['an unknown appid', { appid: 'wx0000000000000000' }, 'appid'],
    ['no redirect_uri', { redirect_uri: undefined }, 'redirect_uri'],
    ['a relative redirect_uri', { redirect_uri: '/oauth/back' }, 'redirect_uri'],
    ['a javascript: redirect_uri', { redirect_uri: 'javascript:alert(1)' }, 'redirect_uri'],
    ['a redirect_uri with credentials', { redirect_uri: 'https://user:pw@bank.example/back' }, 'redirect_uri'],
    ['response_type token', { response_type: 'token' }, 'response_type'],
    ['no response_type', { response_type: undefined }, 'response_type'],
    ['scope snsapi_login', { scope: 'snsapi_login' }, 'scope'],
    ['no scope', { scope: undefined }, 'scope'],
  ] as const)('renders WeChat\'s error page with HTTP 400 for %s', async (_name, overrides, reason) => {
    const { cookie } = await followerCookie();
    const res = await openAuthorize(h, authorizeParams(h, overrides), cookie);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain(`data-reason="${reason}"`);
    expect(page).toContain('Oops! Something went wrong:(');
    expect(h.sim.oauthAuthorizations()).toEqual([]);
  });

  it('without a WeChat user shows a picker of the followers whose links log in and come back', async () => {
    const { openid } = await followerCookie();
    const res = await openAuthorize(h, authorizeParams(h));
    expect(res.status).toBe(200);
    const page = await res.text();
    const links = [...page.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] as string).replace(/&#38;/g, '&'));
    const forFollower = links.find((l) => l.includes(encodeURIComponent(openid)) || l.includes(openid));
    expect(forFollower).toBeDefined();
    const login = await fetch(`${h.oaUrl}${forFollower}`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    expect(cookie).toBe(`${WECHAT_USER_COOKIE}=${h.account.appId}:${openid}`);
    const back = login.headers.get('location') as string;
    expect(back.startsWith(`${AUTHORIZE}?`)).toBe(true);
    const done = await fetch(`${h.oaUrl}${back}`, { redirect: 'manual', headers: { cookie } });
    expect(done.status).toBe(302);
    expect(h.sim.oauthAuthorizations()[0]?.openid).toBe(openid);
  });

  it('picker: "a user who does not follow" mints a new openid; the account then knows it as a non-follower', async () => {
    const page = await (await openAuthorize(h, authorizeParams(h))).text();
    const href = (/class="sim-new-user" href="([^"]+)"/.exec(page)?.[1] as string).replace(/&#38;/g, '&');
    const login = await fetch(`${h.oaUrl}${href}`, { redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') as string).split(';')[0] as string;
    const openid = cookie.split(':')[1] as string;
    expect(openid).toMatch(OPENID_PATTERN);
    const res = await fetch(`${h.oaUrl}${login.headers.get('location')}`, { redirect: 'manual', headers: { cookie } });
    expect(res.status).toBe(302);
    expect(h.sim.followers(h.account.appId)).toEqual([]);
    // Tencent knows the openid from now on: user/info answers it as a non-follower, not 40003.
    expect(await h.oaGet('/cgi-bin/user/info', { openid })).toEqual({ subscribe: 0, openid });
  });

  it('a non-follower gets a code for snsapi_base too', async () => {
    const stranger = h.sim.newFollowerOpenid(h.account.appId);
    const res = await openAuthorize(h, authorizeParams(h), h.sim.wechatUserCookie(h.account.appId, stranger));
    expect(res.status).toBe(302);
    expect(h.sim.oauthAuthorizations()[0]?.openid).toBe(stranger);
  });

  it('a user logged in at another account is the same person here, with this account\'s openid for them', async () => {
    const openidAtOther = h.sim.newFollowerOpenid(h.other.appId);
    h.sim.follow(h.other.appId, openidAtOther);
    const res = await openAuthorize(h, authorizeParams(h), h.sim.wechatUserCookie(h.other.appId, openidAtOther));
    expect(res.status).toBe(302);
    const openidHere = h.sim.oauthAuthorizations()[0]?.openid as string;
    expect(openidHere).toMatch(OPENID_PATTERN);
    expect(openidHere).not.toBe(openidAtOther);
    expect(h.sim.samePerson(h.other.appId, openidAtOther, h.account.appId)).toBe(openidHere);
    expect(h.sim.unionid(h.account.appId, openidHere)).toBe(h.sim.unionid(h.other.appId, openidAtOther));
  });

  it('treats a malformed or foreign cookie as no user (the picker)', async () => {
    for (const cookie of [`${WECHAT_USER_COOKIE}=garbage`, `${WECHAT_USER_COOKIE}=wx0000000000000000:${h.sim.newFollowerOpenid(h.account.appId)}`]) {
      const res = await openAuthorize(h, authorizeParams(h), cookie);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('class="sim-picker"');
    }
  });

  it('logs authorize calls in calls() with the account', async () => {
    const { cookie } = await followerCookie();
    await openAuthorize(h, authorizeParams(h), cookie);
    await openAuthorize(h, authorizeParams(h, { scope: 'bad' }), cookie);
    expect(h.sim.calls({ path: AUTHORIZE }).map((c) => [c.status, c.appId])).toEqual([[302, h.account.appId], [400, h.account.appId]]);
  });
});

describe('authorised domains', () => {
  it('with oauthDomains set, only redirect_uri hosts on the list pass (exact host; a port pins the port)', async () => {
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', oauthDomains: ['bank.example', 'app.bank.example:8443'] });
    const appId = account.appId;
    const sim = createTencentSimulator({ accounts: [account] });
    const oa = await sim.listen();
    try {
      const openid = sim.newFollowerOpenid(appId);
      const cookie = sim.wechatUserCookie(appId, openid);
      const status = async (redirectUri: string) =>
        (await fetch(`${oa.url}${AUTHORIZE}?${new URLSearchParams({ appid: appId, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state: 's' })}`, { redirect: 'manual', headers: { cookie } })).status;
      expect(await status('https://bank.example/back')).toBe(302);
      expect(await status('http://BANK.example:8080/back')).toBe(302);
      expect(await status('https://app.bank.example:8443/back')).toBe(302);
      expect(await status('https://app.bank.example/back')).toBe(400);
      expect(await status('https://www.bank.example/back')).toBe(400);
      expect(await status('https://bank.example.evil.test/back')).toBe(400);
      const page = await (await fetch(`${oa.url}${AUTHORIZE}?${new URLSearchParams({ appid: appId, redirect_uri: 'https://evil.test/', response_type: 'code', scope: 'snsapi_base' })}`, { headers: { cookie } })).text();
      expect(page).toContain('data-reason="redirect_uri_domain"');
    } finally {
      await oa.close();
    }
  });

  it('refuses malformed oauthDomains when the account is created', () => {
    for (const bad of ['https://bank.example', 'bank.example/path', '', 'bank..example']) {
      expect(() => createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', oauthDomains: [bad] })).toThrow(/oauthDomains/);
    }
  });
});

describe('GET /sim/wechat-client/login and logout', () => {
  beforeEach(async () => {
    h = await startApiHarness();
  });

  it('sets the cookie (HttpOnly, SameSite=Lax, Path=/) and redirects to an absolute next', async () => {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const res = await fetch(`${h.oaUrl}/sim/wechat-client/login?${new URLSearchParams({ appid: h.account.appId, openid, next: 'http://gateway.test/bind/start?x=1' })}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://gateway.test/bind/start?x=1');
    const setCookie = res.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(new RegExp(`^${WECHAT_USER_COOKIE}=${h.account.appId}:${openid}; path=/; samesite=lax; httponly$`, 'i'));
    expect(h.sim.wechatUserCookie(h.account.appId, openid)).toBe(setCookie.split(';')[0]);
  });

  it('answers a page naming the user when there is no next', async () => {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const res = await fetch(`${h.oaUrl}/sim/wechat-client/login?${new URLSearchParams({ appid: h.account.appId, openid })}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`data-openid="${openid}"`);
  });

  it.each([
    ['an unknown appid', { appid: 'wx0000000000000000' }],
    ['a malformed openid', { openid: 'not-an-openid' }],
    ['no openid and no new=1', { openid: undefined }],
    ['a protocol-relative next', { next: '//evil.test/' }],
    ['a javascript: next', { next: 'javascript:alert(1)' }],
  ] as const)('refuses %s with HTTP 400 and sets no cookie', async (_name, overrides) => {
    const params: Record<string, string | undefined> = { appid: h.account.appId, openid: h.sim.newFollowerOpenid(h.account.appId), next: '/x', ...overrides };
    const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    const res = await fetch(`${h.oaUrl}/sim/wechat-client/login?${query}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('logout clears the cookie', async () => {
    const res = await fetch(`${h.oaUrl}/sim/wechat-client/logout?next=/done`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${WECHAT_USER_COOKIE}=; path=/; expires=Thu, 01 Jan 1970`, 'i'));
  });

  it('wechatUserCookie refuses unknown accounts and malformed openids', () => {
    expect(() => h.sim.wechatUserCookie('wx0000000000000000', h.sim.newFollowerOpenid(h.account.appId))).toThrow(/no account/);
    expect(() => h.sim.wechatUserCookie(h.account.appId, 'nope')).toThrow(/openid/);
  });
});
