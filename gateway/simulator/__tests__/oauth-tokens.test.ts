import { createSimulatedAccount } from '../accounts';
import { createManualClock } from '../clock';
import { createTencentSimulator } from '../simulator';
import { UNIONID_PATTERN } from '../state/wechat-people';
import { closeHarnesses, OA_RID, startApiHarness, tencentJson, type ApiHarness } from './helpers/api-harness';
import { codeFor, exchange, snsGet } from './helpers/oauth-flow';

let h: ApiHarness;
afterEach(closeHarnesses);
beforeEach(async () => {
  h = await startApiHarness({ oauthLimits: { accessTokenPerMinute: 5 } });
});

const TOKEN = '/sns/oauth2/access_token';
const REFRESH = '/sns/oauth2/refresh_token';

function follower(appId = h.account.appId): string {
  const openid = h.sim.newFollowerOpenid(appId);
  h.sim.follow(appId, openid);
  return openid;
}

function expectError(body: Record<string, unknown>, errcode: number): void {
  expect(body).toEqual({ errcode, errmsg: expect.stringMatching(OA_RID) });
}

function refresh(refreshToken: string | undefined, overrides: Record<string, string | undefined> = {}) {
  const merged: Record<string, string | undefined> = { appid: h.account.appId, grant_type: 'refresh_token', refresh_token: refreshToken, ...overrides };
  return snsGet(h, REFRESH, Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)));
}

describe('GET /sns/oauth2/access_token', () => {
  it('exchanges a code for a web token pair: expires_in 7200, the openid, the scope, the unionid, no errcode', async () => {
    const openid = follower();
    const body = await exchange(h, await codeFor(h, openid, 'snsapi_userinfo'));
    expect(body).toEqual({
      access_token: expect.stringMatching(/^75_[A-Za-z0-9_-]{86}$/),
      expires_in: 7200,
      refresh_token: expect.stringMatching(/^75_[A-Za-z0-9_-]{83}$/),
      openid,
      scope: 'snsapi_userinfo',
      unionid: expect.stringMatching(UNIONID_PATTERN),
    });
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'openid', 'scope', 'unionid']);
    expect(body.unionid).toBe(h.sim.unionid(h.account.appId, openid));
  });

  it('answers 40163 for a code used twice, also when the first use was the right one', async () => {
    const code = await codeFor(h, follower());
    expect((await exchange(h, code)).access_token).toBeDefined();
    expectError(await exchange(h, code), 40163);
  });

  it('answers 42003 for a code past its 5 minutes, and takes it at 4:59', async () => {
    const early = await codeFor(h, follower());
    const late = await codeFor(h, follower());
    h.clock.advance(299_999);
    expect((await exchange(h, early)).access_token).toBeDefined();
    h.clock.advance(1);
    expectError(await exchange(h, late), 42003);
  });

  it('answers 40029 for an unknown code and for another account\'s code (which stays usable there)', async () => {
    expectError(await exchange(h, 'A'.repeat(32)), 40029);
    const otherCode = await codeFor(h, follower(h.other.appId), 'snsapi_base', h.other.appId);
    expectError(await exchange(h, otherCode), 40029);
    expect((await exchange(h, otherCode, { appid: h.other.appId, secret: h.other.appSecret })).openid).toBeDefined();
  });

  const badExchanges: [string, Record<string, string | undefined>, number][] = [
    ['41002 without appid', { appid: undefined }, 41002],
    ['41004 without secret', { secret: undefined }, 41004],
    ['41008 without code', { code: undefined }, 41008],
    ['40002 for grant_type client_credential', { grant_type: 'client_credential' }, 40002],
    ['40002 without grant_type', { grant_type: undefined }, 40002],
    ['40013 for an unknown appid', { appid: 'wx0000000000000000' }, 40013],
    ['40125 for a secret that is not 32 hex', { secret: 'not-a-secret' }, 40125],
    ['40001 for a well-formed wrong secret', { secret: '0'.repeat(32) }, 40001],
  ];
  it.each(badExchanges)('answers %s, and the code survives', async (_name, overrides, errcode) => {
    const code = await codeFor(h, follower());
    const params = { appid: h.account.appId, secret: h.account.appSecret, code, grant_type: 'authorization_code', ...overrides };
    const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    expectError(await tencentJson(await fetch(`${h.oaUrl}${TOKEN}?${query}`)), errcode);
    expect((await exchange(h, code)).access_token).toBeDefined();
  });

  it('answers 45011 beyond the per-minute limit and takes calls again the next minute', async () => {
    for (let i = 0; i < 5; i++) expectError(await exchange(h, 'A'.repeat(32)), 40029);
    const code = await codeFor(h, follower());
    expectError(await exchange(h, code), 45011);
    h.clock.advance(60_000);
    expect((await exchange(h, code)).access_token).toBeDefined();
  });

  it('answers 43001 to a POST', async () => {
    expectError(await tencentJson(await fetch(`${h.oaUrl}${TOKEN}`, { method: 'POST', body: '{}' })), 43001);
  });

  it('marks snapshot users with is_snapshotuser 1 and gives them no unionid', async () => {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.markSnapshotUser(h.account.appId, openid);
    const body = await exchange(h, await codeFor(h, openid));
    expect(body.is_snapshotuser).toBe(1);
    expect(body).not.toHaveProperty('unionid');
    const ordinary = await exchange(h, await codeFor(h, follower()));
    expect(ordinary).not.toHaveProperty('is_snapshotuser');
  });

  it('logs every call in calls() with the account and errcode', async () => {
    await exchange(h, await codeFor(h, follower()));
    await exchange(h, 'A'.repeat(32));
    expect(h.sim.calls({ path: TOKEN }).map((c) => [c.appId, c.errcode])).toEqual([
      [h.account.appId, 0],
      [h.account.appId, 40029],
    ]);
  });
});

describe('unionid', () => {
  it('is the same for the same person at both accounts and differs between people', async () => {
    const a = follower();
    const b = h.sim.samePerson(h.account.appId, a, h.other.appId);
    h.sim.follow(h.other.appId, b);
    const atA = await exchange(h, await codeFor(h, a));
    const atB = await exchange(h, await codeFor(h, b, 'snsapi_base', h.other.appId), { appid: h.other.appId, secret: h.other.appSecret });
    expect(atB.openid).toBe(b);
    expect(b).not.toBe(a);
    expect(atA.unionid).toBe(atB.unionid);
    expect((await exchange(h, await codeFor(h, follower()))).unionid).not.toBe(atA.unionid);
  });

  it('follow(…, { unionid }) makes an openid that person; a second openid for them at the same account is refused', () => {
    const a = follower();
    const unionid = h.sim.unionid(h.account.appId, a) as string;
    const b = h.sim.newFollowerOpenid(h.other.appId);
    h.sim.follow(h.other.appId, b, { unionid });
    expect(h.sim.unionid(h.other.appId, b)).toBe(unionid);
    expect(h.sim.samePerson(h.other.appId, b, h.account.appId)).toBe(a);
    expect(() => h.sim.follow(h.other.appId, h.sim.newFollowerOpenid(h.other.appId), { unionid })).toThrow(/already has openid/);
    expect(() => h.sim.follow(h.account.appId, a, { unionid: 'o' + 'x'.repeat(27) })).toThrow(/already the person/);
    expect(() => h.sim.follow(h.account.appId, follower(), { unionid: 'bad' })).toThrow(/unionid must be/);
  });

  it('is absent for an account not bound to the Open Platform', async () => {
    const clock = createManualClock();
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', openPlatformBound: false });
    const sim = createTencentSimulator({ accounts: [account], clock });
    const oa = await sim.listen();
    try {
      const openid = sim.newFollowerOpenid(account.appId);
      const authorize = await fetch(`${oa.url}/connect/oauth2/authorize?${new URLSearchParams({ appid: account.appId, redirect_uri: 'https://bank.example/', response_type: 'code', scope: 'snsapi_userinfo' })}`, { redirect: 'manual', headers: { cookie: sim.wechatUserCookie(account.appId, openid) } });
      const code = new URL(authorize.headers.get('location') as string).searchParams.get('code') as string;
      const grant = await tencentJson(await fetch(`${oa.url}/sns/oauth2/access_token?${new URLSearchParams({ appid: account.appId, secret: account.appSecret, code, grant_type: 'authorization_code' })}`));
      expect(grant.openid).toBe(openid);
      expect(grant).not.toHaveProperty('unionid');
      const info = await tencentJson(await fetch(`${oa.url}/sns/userinfo?${new URLSearchParams({ access_token: grant.access_token, openid })}`));
      expect(info.openid).toBe(openid);
      expect(info).not.toHaveProperty('unionid');
      expect(sim.unionid(account.appId, openid)).toBeUndefined();
    } finally {
      await oa.close();
    }
  });
});

describe('GET /sns/oauth2/refresh_token', () => {
  it('renews a live web token in place (same token, fresh 7200 s) and keeps the refresh_token', async () => {
    const grant = await exchange(h, await codeFor(h, follower()));
    h.clock.advance(3600_000);
    const renewed = await refresh(grant.refresh_token);
    expect(renewed).toEqual({ ...grant, expires_in: 7200 });
    h.clock.advance(7199_000);
    expect(await snsGet(h, '/sns/auth', { access_token: grant.access_token, openid: grant.openid })).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('replaces an expired web token with a new one', async () => {
    const grant = await exchange(h, await codeFor(h, follower()));
    h.clock.advance(7200_000);
    const renewed = await refresh(grant.refresh_token);
    expect(renewed.access_token).not.toBe(grant.access_token);
    expect(renewed.refresh_token).toBe(grant.refresh_token);
    expect(await snsGet(h, '/sns/auth', { access_token: renewed.access_token, openid: grant.openid })).toEqual({ errcode: 0, errmsg: 'ok' });
    expectError(await snsGet(h, '/sns/auth', { access_token: grant.access_token, openid: grant.openid }), 42001);
  });

  it('answers 42002 once the refresh_token is 30 days old, however often it was used', async () => {
    const grant = await exchange(h, await codeFor(h, follower()));
    h.clock.advance(29 * 86_400_000);
    expect((await refresh(grant.refresh_token)).access_token).toBeDefined();
    h.clock.advance(86_400_000);
    expectError(await refresh(grant.refresh_token), 42002);
  });

  it.each([
    ['41002 without appid', { appid: undefined }, 41002],
    ['41003 without refresh_token', { refresh_token: undefined }, 41003],
    ['40002 for grant_type authorization_code', { grant_type: 'authorization_code' }, 40002],
    ['40013 for an unknown appid', { appid: 'wx0000000000000000' }, 40013],
    ['40030 for an unknown refresh_token', { refresh_token: '75_' + 'x'.repeat(83) }, 40030],
  ] as const)('answers %s', async (_name, overrides, errcode) => {
    const grant = await exchange(h, await codeFor(h, follower()));
    expectError(await refresh(grant.refresh_token, overrides), errcode);
  });

  it('answers 40030 for another account\'s refresh_token and for a web access_token', async () => {
    const grant = await exchange(h, await codeFor(h, follower()));
    expectError(await refresh(grant.refresh_token, { appid: h.other.appId }), 40030);
    expectError(await refresh(grant.access_token), 40030);
  });
});

describe('GET /sns/auth and /sns/userinfo', () => {
  it('userinfo with an snsapi_userinfo token answers the placeholder profile and the unionid', async () => {
    const openid = follower();
    const grant = await exchange(h, await codeFor(h, openid, 'snsapi_userinfo'));
    const info = await snsGet(h, '/sns/userinfo', { access_token: grant.access_token, openid, lang: 'zh_CN' });
    expect(info).toEqual({
      openid,
      nickname: '微信用户',
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: expect.stringMatching(/^https:\/\/thirdwx\.qlogo\.cn\//),
      privilege: [],
      unionid: grant.unionid,
    });
  });

  it('userinfo with an snsapi_base token is 48001', async () => {
    const openid = follower();
    const grant = await exchange(h, await codeFor(h, openid, 'snsapi_base'));
    expectError(await snsGet(h, '/sns/userinfo', { access_token: grant.access_token, openid }), 48001);
    expect(await snsGet(h, '/sns/auth', { access_token: grant.access_token, openid })).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it.each(['/sns/auth', '/sns/userinfo'])('%s: 41001 no token, 40001 a base token or a refresh_token, 41009 no openid, 40003 someone else\'s openid, 42001 expired', async (path) => {
    const openid = follower();
    const grant = await exchange(h, await codeFor(h, openid, 'snsapi_userinfo'));
    expectError(await snsGet(h, path, { openid }), 41001);
    expectError(await snsGet(h, path, { access_token: await h.oaToken(), openid }), 40001);
    expectError(await snsGet(h, path, { access_token: grant.refresh_token, openid }), 40001);
    expectError(await snsGet(h, path, { access_token: grant.access_token }), 41009);
    expectError(await snsGet(h, path, { access_token: grant.access_token, openid: follower() }), 40003);
    h.clock.advance(7200_000);
    expectError(await snsGet(h, path, { access_token: grant.access_token, openid }), 42001);
  });

  it('a web token does not work on the cgi-bin APIs (40014)', async () => {
    const openid = follower();
    const grant = await exchange(h, await codeFor(h, openid, 'snsapi_userinfo'));
    expectError(await h.oaGet('/cgi-bin/user/info', { openid }, grant.access_token), 40014);
    expectError(await h.oaPost('/cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content: 'x' } }, grant.access_token), 40014);
    expect(h.sim.received()).toEqual([]);
  });

  it('answers 43001 to a POST', async () => {
    expectError(await tencentJson(await fetch(`${h.oaUrl}/sns/userinfo`, { method: 'POST', body: '{}' })), 43001);
  });
});
