import { startStub, type StubServer } from './__tests__/stub-server';
import { exchangeOAuthCode, oauthAuthorizeUrl, OAuthCodeError, OAuthSnapshotUserError, requireRealUser } from './oauth';
import { TencentApiClient } from './tencent-api-client';
import { TencentApiError } from './tencent-api-error';

const APP = { appId: 'wx0123456789abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
const OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWxYz0';
const UNIONID = 'uAbCdEfGhIjKlMnOpQrStUvWxYz01';

describe('oauthAuthorizeUrl', () => {
  it("builds Tencent's documented URL: parameter order, encoded redirect_uri, snsapi_base, #wechat_redirect", () => {
    const url = oauthAuthorizeUrl({ appId: APP.appId, redirectUri: 'https://wx.bank.example/p/main-oa/oauth', state: 'Abc123' });
    expect(url).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Fwx.bank.example%2Fp%2Fmain-oa%2Foauth&response_type=code&scope=snsapi_base&state=Abc123#wechat_redirect',
    );
  });

  it('uses a configured authorize endpoint (the simulator) and keeps its path', () => {
    expect(oauthAuthorizeUrl({ authorizeUrl: 'http://127.0.0.1:4000/connect/oauth2/authorize', appId: APP.appId, redirectUri: 'http://127.0.0.1:8080/p/a/oauth', state: 's' }))
      .toMatch(/^http:\/\/127\.0\.0\.1:4000\/connect\/oauth2\/authorize\?appid=/);
  });

  it.each([
    ['a state with a dash', { state: 'a-b' }],
    ['a state over 128 characters', { state: 'a'.repeat(129) }],
    ['an empty state', { state: '' }],
    ['a javascript: redirect', { redirectUri: 'javascript:alert(1)' }],
    ['a redirect with a fragment', { redirectUri: 'https://x.example/p#f' }],
    ['an authorize URL with a query', { authorizeUrl: 'https://open.weixin.qq.com/connect/oauth2/authorize?x=1' }],
  ])('refuses %s', (_name, override) => {
    expect(() => oauthAuthorizeUrl({ appId: APP.appId, redirectUri: 'https://x.example/p', state: 'ok', ...override })).toThrow(RangeError);
  });
});

describe('exchangeOAuthCode', () => {
  let stub: StubServer;
  let client: TencentApiClient;
  beforeEach(async () => {
    stub = await startStub();
    client = new TencentApiClient({ product: 'oa', baseUrl: stub.url, timeoutMs: 2000 });
  });
  afterEach(async () => {
    client.close();
    await stub.close();
  });

  it('GETs /sns/oauth2/access_token with appid, secret, code and grant_type, and returns only who the user is', async () => {
    stub.behave({ kind: 'json', body: { access_token: 'WEBTOKEN', expires_in: 7200, refresh_token: 'REFRESH', openid: OPENID, scope: 'snsapi_base', unionid: UNIONID } });
    const identity = await exchangeOAuthCode(client, APP, 'CODE123');
    expect(identity).toEqual({ openid: OPENID, unionid: UNIONID, scope: 'snsapi_base', snapshotUser: false });
    expect(JSON.stringify(identity)).not.toMatch(/WEBTOKEN|REFRESH/);
    const url = new URL(stub.requests[0]!.url, stub.url);
    expect(stub.requests[0]!.method).toBe('GET');
    expect(url.pathname).toBe('/sns/oauth2/access_token');
    expect(Object.fromEntries(url.searchParams)).toEqual({ appid: APP.appId, secret: APP.appSecret, code: 'CODE123', grant_type: 'authorization_code' });
  });

  it('leaves unionid out when Tencent gives none, and marks is_snapshotuser=1', async () => {
    stub.behave({ kind: 'json', body: { access_token: 'W', expires_in: 7200, openid: OPENID, scope: 'snsapi_base', is_snapshotuser: 1 } });
    const identity = await exchangeOAuthCode(client, APP, 'CODE123');
    expect(identity).toEqual({ openid: OPENID, scope: 'snsapi_base', snapshotUser: true });
    expect(() => requireRealUser(identity)).toThrow(OAuthSnapshotUserError);
    expect(requireRealUser({ ...identity, snapshotUser: false }).openid).toBe(OPENID);
  });

  it.each([
    [40029, 'invalid', 'oauth.code_invalid'],
    [40163, 'used', 'oauth.code_used'],
    [42003, 'expired', 'oauth.code_expired'],
  ])('maps errcode %i to OAuthCodeError(%s)', async (errcode, problem, code) => {
    stub.behave({ kind: 'json', body: { errcode, errmsg: `invalid code, hints: [ req_id: x ] secret=${APP.appSecret} rid: 1` } });
    const error = (await exchangeOAuthCode(client, APP, 'CODE123').catch((err: unknown) => err)) as OAuthCodeError;
    expect(error).toBeInstanceOf(OAuthCodeError);
    expect(error).toMatchObject({ problem, errcode, code });
    expect(error.message).not.toContain(APP.appSecret);
  });

  it('refuses a code of a shape Tencent never issues without calling Tencent', async () => {
    await expect(exchangeOAuthCode(client, APP, 'abc&secret=x')).rejects.toBeInstanceOf(OAuthCodeError);
    await expect(exchangeOAuthCode(client, APP, '')).rejects.toBeInstanceOf(OAuthCodeError);
    expect(stub.requests).toHaveLength(0);
  });

  it('reports a wrong AppSecret as a token-operation TencentApiError that never quotes the secret or the code', async () => {
    stub.behave({ kind: 'json', body: { errcode: 40125, errmsg: `invalid appsecret ${APP.appSecret} for code CODE123456 rid: 2` } });
    const error = (await exchangeOAuthCode(client, APP, 'CODE123456').catch((err: unknown) => err)) as TencentApiError;
    expect(error).toBeInstanceOf(TencentApiError);
    expect(error).toMatchObject({ errcode: 40125, operation: 'token', retry: 'never' });
    for (const text of [error.message, error.errmsg ?? '', error.safeMessage, JSON.stringify(error)]) {
      expect(text).not.toContain(APP.appSecret);
      expect(text).not.toContain('CODE123456');
    }
  });

  it('reports transport failures without the query', async () => {
    stub.behave({ kind: 'raw', status: 502, body: `<html>upstream secret=${APP.appSecret}</html>` });
    const error = (await exchangeOAuthCode(client, APP, 'CODE123').catch((err: unknown) => err)) as TencentApiError;
    expect(error).toMatchObject({ kind: 'http-status', httpStatus: 502 });
    expect(error.message).toBe('GET /sns/oauth2/access_token on ' + new URL(stub.url).host + ': HTTP 502');
  });

  it.each([
    ['no openid', { access_token: 'W', scope: 'snsapi_base' }],
    ['an openid with a space', { openid: 'o abc def ghi', scope: 'snsapi_base' }],
    ['a numeric unionid', { openid: OPENID, unionid: 12345678 }],
  ])('refuses an answer with %s as a bad response', async (_name, body) => {
    stub.behave({ kind: 'json', body });
    await expect(exchangeOAuthCode(client, APP, 'CODE123')).rejects.toMatchObject({ kind: 'bad-response', retry: 'never' });
  });
});
