import { createSimulatedAccount, type SimulatedAccount } from '../accounts';
import { createManualClock, type ManualClock } from '../clock';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator } from '../simulator';
import type { TokenLimits } from '../token-store';

const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
const MIN = 60_000;

interface Harness {
  sim: TencentSimulator;
  clock: ManualClock;
  account: SimulatedAccount;
  server: ListeningSimulator;
  token(params?: Record<string, string>): Promise<Record<string, unknown>>;
  stable(body: Record<string, unknown> | string): Promise<Record<string, unknown>>;
}

let h: Harness;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

async function harness(options: { limits?: Partial<TokenLimits>; ipWhitelist?: string[] } = {}): Promise<Harness> {
  const clock = createManualClock();
  const account = createSimulatedAccount({
    callbackUrl: 'http://127.0.0.1:1/cb',
    seed: 'tokens',
    ...(options.ipWhitelist ? { ipWhitelist: options.ipWhitelist } : {}),
  });
  const sim = createTencentSimulator({ accounts: [account], clock, ...(options.limits ? { tokenLimits: options.limits } : {}) });
  const server = await sim.listen();
  cleanup.push(() => server.close());
  const json = async (res: Response) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Record<string, unknown>;
  };
  return {
    sim,
    clock,
    account,
    server,
    async token(params) {
      const query = new URLSearchParams(params ?? { grant_type: 'client_credential', appid: account.appId, secret: account.appSecret });
      return json(await fetch(`${server.url}/cgi-bin/token?${query}`));
    },
    async stable(body) {
      return json(
        await fetch(`${server.url}/cgi-bin/stable_token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    },
  };
}

const stableBody = (a: SimulatedAccount, forceRefresh = false) => ({ grant_type: 'client_credential', appid: a.appId, secret: a.appSecret, force_refresh: forceRefresh });

describe('GET /cgi-bin/token', () => {
  it('issues a token with expires_in 7200 and no errcode', async () => {
    h = await harness();
    const body = await h.token();
    expect(body).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{100,}$/), expires_in: 7200 });
    expect(h.sim.checkAccessToken(body.access_token as string)).toEqual({ errcode: 0, appId: h.account.appId, family: 'token' });
  });

  it('keeps the old token valid for 5 minutes after a refresh, then answers 40001', async () => {
    h = await harness();
    const first = (await h.token()).access_token as string;
    h.clock.advance(10 * MIN);
    const second = (await h.token()).access_token as string;
    expect(second).not.toBe(first);
    h.clock.advance(5 * MIN - 1000);
    expect(h.sim.checkAccessToken(first).errcode).toBe(0);
    h.clock.advance(1000);
    expect(h.sim.checkAccessToken(first).errcode).toBe(40001);
    expect(h.sim.checkAccessToken(second).errcode).toBe(0);
  });

  it('kills the token two generations back at once (only old and new overlap)', async () => {
    h = await harness();
    const first = (await h.token()).access_token as string;
    const second = (await h.token()).access_token as string;
    expect(h.sim.checkAccessToken(first).errcode).toBe(0);
    await h.token();
    expect(h.sim.checkAccessToken(first).errcode).toBe(40001);
    expect(h.sim.checkAccessToken(second).errcode).toBe(0);
  });

  it('answers 42001 once a token outlives expires_in, 40014 for an unknown one, 41001 for none', async () => {
    h = await harness();
    const token = (await h.token()).access_token as string;
    h.clock.advance(7200 * 1000 - 1);
    expect(h.sim.checkAccessToken(token).errcode).toBe(0);
    h.clock.advance(1);
    expect(h.sim.checkAccessToken(token).errcode).toBe(42001);
    expect(h.sim.checkAccessToken('91_not-a-token').errcode).toBe(40014);
    expect(h.sim.checkAccessToken(undefined).errcode).toBe(41001);
    expect(h.sim.checkAccessToken('').errcode).toBe(41001);
  });

  it.each([
    ['a wrong but well-formed secret', 40001, 'invalid credential, access_token is invalid or not latest', (a: SimulatedAccount) => ({ grant_type: 'client_credential', appid: a.appId, secret: 'f'.repeat(32) })],
    ['a malformed secret', 40125, 'invalid appsecret', (a: SimulatedAccount) => ({ grant_type: 'client_credential', appid: a.appId, secret: 'nope' })],
    ['an unknown appid', 40013, 'invalid appid', (a: SimulatedAccount) => ({ grant_type: 'client_credential', appid: 'wx0000000000000000', secret: a.appSecret })],
    ['a wrong grant_type', 40002, 'invalid grant_type', (a: SimulatedAccount) => ({ grant_type: 'password', appid: a.appId, secret: a.appSecret })],
    ['no appid', 41002, 'appid missing', (a: SimulatedAccount) => ({ grant_type: 'client_credential', secret: a.appSecret })],
    ['no secret', 41004, 'appsecret missing', (a: SimulatedAccount) => ({ grant_type: 'client_credential', appid: a.appId })],
  ])('refuses %s with errcode %i and a rid suffix', async (_name, errcode, prefix, params) => {
    h = await harness();
    const body = await h.token(params(h.account));
    expect(body.errcode).toBe(errcode);
    expect(body.errmsg).toMatch(RID);
    expect((body.errmsg as string).startsWith(prefix)).toBe(true);
  });

  it('answers 45009 after the daily quota of 2000 and resets at Beijing midnight', () => {
    const clock = createManualClock(Date.UTC(2025, 0, 6, 15, 0, 0)); // 23:00 in Beijing
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', seed: 'quota' });
    const sim = createTencentSimulator({ accounts: [account], clock });
    const request = { grantType: 'client_credential', appId: account.appId, secret: account.appSecret, callerIp: '127.0.0.1' };
    for (let i = 0; i < 2000; i++) expect(sim.tokens.issueToken(request).ok).toBe(true);
    expect(sim.tokens.issueToken(request)).toEqual({ ok: false, errcode: 45009 });
    clock.advance(60 * MIN); // 00:00 Beijing
    expect(sim.tokens.issueToken(request).ok).toBe(true);
  });

  it('answers 45009 over HTTP with the quota errmsg', async () => {
    h = await harness({ limits: { tokenDailyQuota: 2 } });
    await h.token();
    await h.token();
    const body = await h.token();
    expect(body.errcode).toBe(45009);
    expect(body.errmsg).toMatch(/^reach max api daily quota limit rid: /);
  });

  it('answers 40164 naming the caller when it is not on the IP whitelist', async () => {
    h = await harness({ ipWhitelist: ['203.0.113.7'] });
    const body = await h.token();
    expect(body.errcode).toBe(40164);
    expect(body.errmsg).toMatch(/^invalid ip 127\.0\.0\.1 ipv6 ::ffff:127\.0\.0\.1, not in whitelist rid: /);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token on repeated calls, with a shrinking expires_in', async () => {
    h = await harness();
    const first = await h.stable(stableBody(h.account));
    h.clock.advance(10 * MIN);
    const again = await h.stable(stableBody(h.account));
    expect(again.access_token).toBe(first.access_token);
    expect(first.expires_in).toBe(7200);
    expect(again.expires_in).toBe(7200 - 600);
    expect(h.sim.checkAccessToken(first.access_token as string)).toMatchObject({ errcode: 0, family: 'stable' });
  });

  it('renews in the last 5 minutes so expires_in never drops below 300', async () => {
    h = await harness();
    const first = await h.stable(stableBody(h.account));
    h.clock.advance((7200 - 300) * 1000);
    expect((await h.stable(stableBody(h.account))).access_token).toBe(first.access_token);
    h.clock.advance(1000);
    const renewed = await h.stable(stableBody(h.account));
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.expires_in).toBe(7200);
    // The old one overlaps until its own expiry, then is simply expired.
    expect(h.sim.checkAccessToken(first.access_token as string).errcode).toBe(0);
    h.clock.advance(299 * 1000);
    expect(h.sim.checkAccessToken(first.access_token as string).errcode).toBe(42001);
  });

  it('is isolated from /cgi-bin/token', async () => {
    h = await harness();
    const stable = (await h.stable(stableBody(h.account))).access_token as string;
    await h.token();
    await h.token();
    await h.token();
    expect(h.sim.checkAccessToken(stable).errcode).toBe(0);
    expect((await h.stable(stableBody(h.account))).access_token).toBe(stable);
  });

  it('force_refresh issues a new token, at most once per 30 s; two forced refreshes revoke the first token', async () => {
    h = await harness();
    const original = (await h.stable(stableBody(h.account))).access_token as string;
    const forced = (await h.stable(stableBody(h.account, true))).access_token as string;
    expect(forced).not.toBe(original);
    expect(h.sim.checkAccessToken(original).errcode).toBe(0); // 5-minute overlap
    h.clock.advance(29_000);
    expect((await h.stable(stableBody(h.account, true))).access_token).toBe(forced); // too soon: no refresh
    h.clock.advance(1000);
    const again = (await h.stable(stableBody(h.account, true))).access_token as string;
    expect(again).not.toBe(forced);
    expect(h.sim.checkAccessToken(original).errcode).toBe(40001);
    expect(h.sim.checkAccessToken(forced).errcode).toBe(0);
  });

  it('allows 20 forced refreshes a day, then 45009', async () => {
    h = await harness();
    for (let i = 0; i < 20; i++) {
      expect((await h.stable(stableBody(h.account, true))).access_token).toEqual(expect.any(String));
      h.clock.advance(30_000);
    }
    const refused = await h.stable(stableBody(h.account, true));
    expect(refused.errcode).toBe(45009);
    expect(refused.errmsg).toMatch(RID);
    expect((await h.stable(stableBody(h.account))).access_token).toEqual(expect.any(String)); // normal mode still works
  });

  it('refuses a wrong secret, a bad body and GET', async () => {
    h = await harness();
    expect((await h.stable({ ...stableBody(h.account), secret: 'f'.repeat(32) })).errcode).toBe(40001);
    expect((await h.stable({ ...stableBody(h.account), secret: 'short' })).errcode).toBe(40125);
    expect((await h.stable('not json')).errcode).toBe(47001);
    const get = await fetch(`${h.server.url}/cgi-bin/stable_token`);
    expect(((await get.json()) as { errcode: number }).errcode).toBe(43002);
  });
});
