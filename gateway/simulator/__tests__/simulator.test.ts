import { createSimulatedAccount, OPENID_PATTERN } from '../accounts';
import { createManualClock } from '../clock';
import { fakeResidentId, demoText } from '../demo-content';
import { chooseDemoPush, startDemoTraffic } from '../demo-traffic';
import * as pushes from '../pushes';
import { readPushFacts } from '../push-facts';
import { seededRng } from '../random';
import { createTencentSimulator } from '../simulator';
import { startAccountServer, type AccountServer } from './helpers/account-server';

let server: AccountServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function simulatorWithServer(reply = 'success') {
  server = await startAccountServer(() => ({ status: 200, body: reply }));
  const account = createSimulatedAccount({ callbackUrl: server.url, mode: 'safe', seed: 'sim' });
  const clock = createManualClock();
  const sim = createTencentSimulator({ accounts: [account], clock, attemptTimeoutMs: 500, seed: 'sim' });
  return { sim, account, clock, server };
}

describe('createTencentSimulator', () => {
  it('tracks followers from the subscribe and unsubscribe pushes it sends', async () => {
    const { sim, account, clock } = await simulatorWithServer();
    const openid = sim.newFollowerOpenid(account.appId);
    expect(openid).toMatch(OPENID_PATTERN);
    const createTime = Math.floor(clock.now() / 1000);
    const report = await sim.send(account.appId, pushes.subscribeEvent({ toUserName: account.originalId, fromUserName: openid, createTime }));
    expect(report.outcome).toBe('acked');
    expect(sim.followers(account.appId)).toEqual([{ openid, subscribedAt: createTime }]);
    await sim.send(account.appId, pushes.unsubscribeEvent({ toUserName: account.originalId, fromUserName: openid, createTime }));
    expect(sim.followers(account.appId)).toEqual([]);
  });

  it('stamps the query timestamp from its clock and signs with the account token', async () => {
    const { sim, account, clock, server: s } = await simulatorWithServer();
    await sim.send(account.appId, pushes.textMessage({ toUserName: account.originalId, fromUserName: sim.newFollowerOpenid(account.appId), content: '你好' }));
    const query = new URL(s.requests[0]?.url as string, 'http://x').searchParams;
    expect(query.get('timestamp')).toBe(String(Math.floor(clock.now() / 1000)));
    expect(query.get('encrypt_type')).toBe('aes');
  });

  it('refuses a push addressed to another account, and unknown accounts', async () => {
    const { sim, account } = await simulatorWithServer();
    const stray = pushes.textMessage({ toUserName: 'gh_000000000000', fromUserName: 'oia2TjuEGTNoeX76QEjQNrcURxG8', content: 'x' });
    await expect(sim.send(account.appId, stray)).rejects.toThrow(/addressed to gh_000000000000/);
    await expect(sim.send('wx0000000000000000', stray)).rejects.toThrow(/no account/);
  });

  it('runs the URL handshake against the callback URL', async () => {
    server = await startAccountServer((_n, req) => ({ status: 200, body: new URL(req.url, 'http://x').searchParams.get('echostr') ?? '' }));
    const account = createSimulatedAccount({ callbackUrl: server.url });
    const sim = createTencentSimulator({ accounts: [account] });
    expect((await sim.verifyUrl(account.appId)).ok).toBe(true);
  });

  it('refuses the same account twice', () => {
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb' });
    expect(() => createTencentSimulator({ accounts: [account, account] })).toThrow(/twice/);
  });
});

describe('demo traffic', () => {
  it('subscribes a new follower before anything else and then mostly produces follower activity', () => {
    const rng = seededRng('demo-choice');
    let n = 0;
    const followers: string[] = [];
    const kinds: string[] = [];
    for (let i = 0; i < 400; i++) {
      const xml = chooseDemoPush({
        originalId: 'gh_7f083739789a',
        followers,
        newFollowerOpenid: () => `oia2Tj${String(n++).padStart(22, '0')}`,
        createTime: 1714037059 + i,
        rng,
      });
      const facts = readPushFacts(xml);
      if (i === 0) expect(facts.event).toBe('subscribe');
      if (facts.event === 'subscribe') followers.push(facts.fromUserName);
      else expect(followers).toContain(facts.fromUserName);
      kinds.push(facts.event ?? facts.msgType);
    }
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect(count('text')).toBeGreaterThan(150);
    for (const k of ['image', 'CLICK', 'LOCATION', 'unsubscribe', 'subscribe']) expect(count(k)).toBeGreaterThan(0);
  });

  it('plants fake phone numbers and checksum-valid resident-id numbers in some texts', () => {
    const rng = seededRng('pii');
    const texts = Array.from({ length: 300 }, () => demoText(rng));
    expect(texts.some((t) => /(?<!\d)1[3-9]\d{9}(?!\d)/.test(t))).toBe(true);
    expect(texts.some((t) => /\d{17}[\dX]/.test(t))).toBe(true);
    expect(texts.some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(texts.some((t) => /^[\x20-\x7e]+$/.test(t))).toBe(true);
    const id = fakeResidentId(rng);
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...id.slice(0, 17)].reduce((acc, d, i) => acc + Number(d) * (weights[i] as number), 0);
    expect(id[17]).toBe('10X98765432'[sum % 11]);
  });

  it('sends a trickle to the callback URL and stops cleanly', async () => {
    const { sim, account } = await simulatorWithServer();
    const traffic = startDemoTraffic(sim, { ratePerSecond: 50, accounts: [account.appId], seed: 'trickle' });
    // Until a few went out (a loaded machine sends fewer per wall-clock interval), at most 10 s.
    const deadline = Date.now() + 10_000;
    while (traffic.stats.sent <= 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await traffic.stop();
    const sent = traffic.stats.sent;
    expect(sent).toBeGreaterThan(3);
    expect(traffic.stats.outcomes.acked).toBe(sent);
    expect(server?.requests).toHaveLength(sent);
    expect(sim.followers(account.appId).length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(traffic.stats.sent).toBe(sent); // nothing after stop
  });
});
