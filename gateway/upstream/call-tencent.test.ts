import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import type { SimulatedAccount } from '../simulator/accounts';
import { describeEachDatabase } from '../../test/db';
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';
import { newAccount, startReplica, startSimulator, stopReplicas, testConfig, type Replica, type SimulatorHarness } from './__tests__/upstream-harness';
import { oaTokenKey } from './token-key';

const USER_INFO = '/cgi-bin/user/info';
const SEC = 1000;

describeEachDatabase('callTencent against the simulator', (db) => {
  let h: SimulatorHarness;
  let account: SimulatedAccount;
  let key: string;
  let openid: string;
  const keyStore = new MemoryKeyStore();
  const replicas: Replica[] = [];

  beforeEach(async () => {
    account = newAccount();
    h = await startSimulator({ accounts: [account] });
    key = oaTokenKey(account.appId);
    openid = h.sim.newFollowerOpenid(account.appId);
    h.sim.follow(account.appId, openid);
  });
  afterEach(async () => {
    await stopReplicas(replicas);
    await h.close();
  });

  async function replica(appSecret = account.appSecret): Promise<Replica> {
    const r = await startReplica(db.config, { config: testConfig(h), accounts: [{ appId: account.appId, appSecret }], keyStore, now: () => h.clock.now() });
    replicas.push(r);
    return r;
  }

  const userInfo = (r: Replica) => r.callTencent(key, { method: 'GET', path: USER_INFO, query: { openid, lang: 'zh_CN' } });
  const userInfoCalls = () => h.sim.calls({ path: USER_INFO });
  const stable = () => h.stableCalls.filter((c) => c.appId === account.appId).map((c) => (c.force ? 'force' : 'normal'));
  /** A forced refresh behind the gateway's back, as a leaked-secret revocation would do. */
  const forceBehindTheGatewaysBack = () => h.forceBehindTheGatewaysBack(account);

  it('calls with the real access token in the query and returns Tencent\'s body', async () => {
    const r = await replica();
    const result = await userInfo(r);
    expect(result).toEqual({ ok: true, body: expect.objectContaining({ subscribe: 1, openid }) });
    expect(userInfoCalls()).toEqual([expect.objectContaining({ errcode: 0, appId: account.appId })]);
  });

  it('refreshes a superseded token and retries once: normal mode already hands out the new token, nothing is forced', async () => {
    const r = await replica();
    const before = await r.tokens.get(key);
    forceBehindTheGatewaysBack();
    h.clock.advance(30 * SEC);
    forceBehindTheGatewaysBack(); // the second forced refresh kills the gateway's token at once
    expect(h.sim.checkAccessToken(before).errcode).toBe(40001);

    const result = await userInfo(r);
    expect(result.ok).toBe(true);
    expect(userInfoCalls().map((c) => c.errcode)).toEqual([40001, 0]);
    expect(stable()).toEqual(['normal', 'normal']);
    expect(r.recorded.apiErrors).toEqual([{ tokenKey: key, product: 'oa', endpoint: `GET ${USER_INFO}`, label: '40001', retry: 'refresh-token' }]);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ mode: 'normal', reason: 'invalidated', outcome: 'new' });
  });

  it('forces a refresh when Tencent rejects the token it still hands out, then retries once', async () => {
    const r = await replica();
    const before = await r.tokens.get(key);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 });

    const result = await userInfo(r);
    expect(result.ok).toBe(true);
    expect(userInfoCalls().map((c) => c.errcode)).toEqual([40001, 0]);
    expect(stable()).toEqual(['normal', 'normal', 'force']);
    const after = await r.tokens.get(key);
    expect(after).not.toBe(before);
    expect(r.recorded.refreshes.map((e) => `${e.mode}/${e.reason}/${e.outcome}`)).toEqual(['normal/missing/new', 'normal/invalidated/same', 'force/invalidated/new']);
  });

  it('does not retry in a loop when the retry fails too: two calls, one refresh, the error returned', async () => {
    const r = await replica();
    await r.tokens.get(key);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 }, Infinity);

    const result = await userInfo(r);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ errcode: 40001, retry: 'refresh-token', delivered: 'no' });
    expect(userInfoCalls()).toHaveLength(2);
    expect(stable()).toEqual(['normal', 'normal', 'force']);
  });

  it('never forces twice within 30 s, across replicas: reuses the current token and does not retry', async () => {
    const a = await replica();
    const b = await replica();
    await a.tokens.get(key);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 });
    expect((await userInfo(a)).ok).toBe(true); // A forced a refresh
    const forced = await a.tokens.get(key);

    h.clock.advance(29 * SEC);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 });
    const result = await userInfo(b);
    expect(result).toMatchObject({ ok: false, error: { errcode: 40001 } });
    expect(stable()).toEqual(['normal', 'normal', 'force', 'normal']); // B asked normally, saw the same token, did not force
    expect(userInfoCalls()).toHaveLength(3); // A: 40001 + retry; B: 40001, no retry with a token known to be rejected
    expect(await b.tokens.get(key)).toBe(forced);

    h.clock.advance(1 * SEC);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 });
    expect((await userInfo(b)).ok).toBe(true);
    expect(stable().slice(4)).toEqual(['normal', 'force']);
  });

  it('uses the token another replica already put in place of the rejected one, without asking Tencent', async () => {
    const a = await replica();
    const b = await replica();
    const shared = await a.tokens.get(key);
    expect(await b.tokens.get(key)).toBe(shared);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 });
    expect((await userInfo(a)).ok).toBe(true);
    const fetchesSoFar = stable().length;

    const replaced = await b.tokens.invalidate(key, shared);
    expect(replaced).toBe(await a.tokens.get(key));
    expect(replaced).not.toBe(shared);
    expect(stable()).toHaveLength(fetchesSoFar);
  });

  it('many calls rejected at once refresh once', async () => {
    const r = await replica();
    const before = await r.tokens.get(key);
    forceBehindTheGatewaysBack();
    h.clock.advance(30 * SEC);
    forceBehindTheGatewaysBack();
    expect(h.sim.checkAccessToken(before).errcode).toBe(40001);
    const results = await Promise.all(Array.from({ length: 6 }, () => userInfo(r)));
    expect(results.every((x) => x.ok)).toBe(true);
    expect(stable()).toEqual(['normal', 'normal']);
  });

  it.each<[string, number, string]>([
    ['system busy (-1)', -1, 'backoff'],
    ['daily quota (45009)', 45009, 'backoff'],
    ['not authorised (48001)', 48001, 'never'],
  ])('does not refresh or retry on %s', async (_name, errcode, retry) => {
    const r = await replica();
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode });
    const result = await userInfo(r);
    expect(result).toMatchObject({ ok: false, error: { errcode, retry, delivered: 'no' } });
    expect(userInfoCalls()).toHaveLength(1);
    expect(stable()).toEqual(['normal']);
  });

  it('returns HTTP and transport failures classified, without a retry', async () => {
    const r = await replica();
    h.sim.faults.next(USER_INFO, { kind: 'status', status: 502 });
    expect(await userInfo(r)).toMatchObject({ ok: false, error: { kind: 'http-status', httpStatus: 502, retry: 'backoff', delivered: 'unknown' } });
    h.sim.faults.next(USER_INFO, { kind: 'accept-then-fail', response: 'drop' });
    expect(await userInfo(r)).toMatchObject({ ok: false, error: { kind: 'connection', retry: 'backoff', delivered: 'unknown' } });
    expect(userInfoCalls()).toHaveLength(2);
  });

  it('returns a token-fetch failure as a classified result, not a throw', async () => {
    const r = await replica('0'.repeat(32));
    const result = await userInfo(r);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(TencentApiError);
    expect(result.error).toMatchObject({ errcode: 40001, operation: 'token', retry: 'never', scope: 'account' });
    expect(userInfoCalls()).toHaveLength(0);
  });

  it('refuses a request that already carries an access_token', async () => {
    const r = await replica();
    await expect(r.callTencent(key, { method: 'GET', path: USER_INFO, query: { ACCESS_TOKEN: 'x', openid } })).rejects.toThrow(RangeError);
  });

  it('answers an unknown account with a classified error', async () => {
    const r = await replica();
    expect(await r.callTencent(oaTokenKey('wx0123456789abcdef'), { method: 'GET', path: USER_INFO })).toMatchObject({ ok: false, error: { reason: 'unknown-key', retry: 'never' } });
  });
});
