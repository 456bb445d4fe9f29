import { startStub, type StubServer } from './__tests__/stub-server';
import { fetchStableToken } from './stable-token';
import { TencentApiClient } from './tencent-api-client';
import { TencentApiError } from './tencent-api-error';

const APP = { appId: 'wx0123456789abcdef', appSecret: '0123456789abcdef0123456789abcdef' };

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

describe('fetchStableToken', () => {
  it('posts the credentials as JSON, normal mode by default, and reads the token', async () => {
    stub.behave({ kind: 'json', body: { access_token: 'ACCESS', expires_in: 7200 } });
    expect(await fetchStableToken(client, APP)).toEqual({ accessToken: 'ACCESS', expiresInSeconds: 7200 });
    const [request] = stub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/cgi-bin/stable_token');
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual({ grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret, force_refresh: false });
  });

  it('asks for a forced refresh only when told to', async () => {
    stub.behave({ kind: 'json', body: { access_token: 'ACCESS', expires_in: 7200 } });
    await fetchStableToken(client, APP, true);
    expect(JSON.parse(stub.requests[0]!.body.toString('utf8'))).toMatchObject({ force_refresh: true });
  });

  it('throws a token-operation error with a hint for a wrong AppSecret, never quoting it', async () => {
    stub.behave({ kind: 'json', body: { errcode: 40125, errmsg: `invalid appsecret ${APP.appSecret} rid: 1` } });
    const error = (await fetchStableToken(client, APP).catch((err: unknown) => err)) as TencentApiError;
    expect(error).toBeInstanceOf(TencentApiError);
    expect(error).toMatchObject({ errcode: 40125, operation: 'token', retry: 'never', hint: expect.stringMatching(/invalid AppSecret/) });
    expect(error.message).not.toContain(APP.appSecret);
    expect(error.errmsg).toBe('invalid appsecret [redacted] rid: 1');
  });

  it.each([
    ['no access_token', { expires_in: 7200 }],
    ['an empty access_token', { access_token: '', expires_in: 7200 }],
    ['no expires_in', { access_token: 'A' }],
    ['a zero expires_in', { access_token: 'A', expires_in: 0 }],
  ])('refuses an answer with %s as a bad response', async (_name, body) => {
    stub.behave({ kind: 'json', body });
    await expect(fetchStableToken(client, APP)).rejects.toMatchObject({ kind: 'bad-response', operation: 'token', retry: 'backoff' });
  });
});
