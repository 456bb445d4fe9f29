import { startStub, type StubServer } from '../../wechat/api/__tests__/stub-server';
import { TencentApiClient } from '../../wechat/api/tencent-api-client';
import { fetchWecomToken } from './get-token';

const CORP = { corpId: 'ww0123456789abcdef', corpSecret: 'Zq3-secret_ForTheContactsApp_0123456789abcd' };
// wecom.md §1: production errmsg carries a hint, the caller's IP and a documentation URL.
const wecomErrmsg = (text: string, code: number) => `${text}, hint: [1684833894235730688668522], from ip: 198.51.100.23, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}`;

let stub: StubServer;
let client: TencentApiClient;
beforeEach(async () => {
  stub = await startStub();
  client = new TencentApiClient({ product: 'wecom', baseUrl: stub.url, timeoutMs: 2000 });
});
afterEach(async () => {
  client.close();
  await stub.close();
});

describe('fetchWecomToken', () => {
  it('sends corpid and corpsecret in the query and reads the token from an errcode-0 answer', async () => {
    stub.behave({ kind: 'json', body: { errcode: 0, errmsg: 'ok', access_token: 'WECOM', expires_in: 7200 } });
    expect(await fetchWecomToken(client, CORP)).toEqual({ accessToken: 'WECOM', expiresInSeconds: 7200 });
    expect(stub.requests[0]).toMatchObject({ method: 'GET', url: `/cgi-bin/gettoken?corpid=${CORP.corpId}&corpsecret=${CORP.corpSecret}` });
  });

  it.each<[number, string, string, RegExp]>([
    [40001, 'invalid credential', 'never', /wrong secret: check this WeCom app's secret/],
    [40091, 'secret is invalid', 'never', /secret is invalid/],
    [40013, 'invalid corpid', 'never', /invalid CorpID/],
    [60020, 'not allow to access from your ip', 'never', /^add 198\.51\.100\.23 to the WeCom app's trusted IP list/],
    [45009, 'api freq out of limit', 'backoff', /block the IP for 1 hour/],
  ])('maps errcode %i (%s) to retry %s with what to fix', async (errcode, text, retry, hint) => {
    stub.behave({ kind: 'json', body: { errcode, errmsg: wecomErrmsg(text, errcode) } });
    const error = await fetchWecomToken(client, CORP).catch((err: unknown) => err);
    expect(error).toMatchObject({ errcode, product: 'wecom', operation: 'token', retry, scope: 'account', hint: expect.stringMatching(hint) });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(CORP.corpSecret);
  });

  it('keeps the secret out of a transport failure', async () => {
    stub.behave({ kind: 'reset-after-request' });
    const error = (await fetchWecomToken(client, CORP).catch((err: unknown) => err)) as Error;
    expect(error).toMatchObject({ kind: 'connection', delivered: 'unknown' });
    expect(`${error.message} ${error.stack}`).not.toContain(CORP.corpSecret);
  });
});
