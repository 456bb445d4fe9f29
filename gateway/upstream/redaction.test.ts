/**
 * Invariant 3 at the Tencent edge: no access token, no AppSecret or corp
 * secret and no URL carrying `access_token=` / `corpsecret=` may reach a log
 * line, an error message, an error's cause, a stack or anything a caller can
 * serialise. Every flow runs with the production pino logger at trace level
 * writing to a capture: successes, refresh-and-retry, forced refresh, a retry
 * that fails too, wrong secrets, IP whitelist, and transport failures (refused,
 * reset, 5xx, bad JSON, timeout) on token fetches and API calls, OA and WeCom.
 * Then every issued token and every secret is searched for, in whole and in
 * 24-character slices, in the logs and in everything the flows returned or threw.
 */
import { inspect } from 'node:util';
import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import { createLogger } from '../observability/logger';
import { createSimulatedCorp } from '../simulator/state/wecom-corps';
import { describeEachDatabase } from '../../test/db';
import { closedPortUrl, startStub, type StubRequest, type StubServer, type StubBehaviour } from '../../connectors/wechat/api/__tests__/stub-server';
import { newAccount, startReplica, startSimulator, stopReplicas, testConfig, type Replica, type SimulatorHarness } from './__tests__/upstream-harness';
import { oaTokenKey, wecomTokenKey } from './token-key';

const SEC = 1000;
const USER_INFO = '/cgi-bin/user/info';
const CUSTOM_SEND = '/cgi-bin/message/custom/send';
const WINDOW = 24;

// Tokens the flaky stub hands out (the simulator's are collected as it issues them).
const STUB_TOKEN = '91_StubIssuedAccessToken-NeverLogged_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ';
const STUB_WECOM_TOKEN = 'WeComStubAccessToken_NeverLogged-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP';
const STUB_SECRETS = {
  ok: { appId: 'wx00000000000000a1', appSecret: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1' },
  tokenDown: { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' },
  tokenHangs: { appId: 'wx00000000000000c3', appSecret: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3' },
  tokenBadJson: { appId: 'wx00000000000000d4', appSecret: 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4' },
};
const STUB_CORP = { corpId: 'ww00000000000000e5', secrets: { app: 'StubCorpSecret_e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e' } };

function captureStream(): { lines: string[]; write(chunk: string): void } {
  const lines: string[] = [];
  return {
    lines,
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') lines.push(line);
    },
  };
}

/** Everything a caller could print or serialise of a value: message, stack, cause chain, inspect, JSON. */
function exposedText(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: 8 })];
  try {
    parts.push(JSON.stringify(value));
  } catch {
    // circular: inspect covered it
  }
  const errors: unknown[] = [value];
  if (value && typeof value === 'object' && 'error' in value) errors.push((value as { error: unknown }).error);
  for (let err of errors) {
    for (let depth = 0; err instanceof Error && depth < 10; depth++, err = err.cause) {
      parts.push(err.message, err.stack ?? '', String(err), JSON.stringify(err));
    }
  }
  return parts.join('\n');
}

/** `name in where` for every planted value (or a WINDOW-long slice of it) found in `text`. */
function leaks(text: string, where: string, planted: ReadonlyMap<string, string>): string[] {
  const hits: string[] = [];
  for (const [name, value] of planted) {
    const w = Math.min(WINDOW, value.length);
    for (let i = 0; i + w <= value.length; i++) {
      if (text.includes(value.slice(i, i + w))) {
        hits.push(`${name} in ${where}`);
        break;
      }
    }
  }
  if (/access_token=(?!\[redacted\])/.test(text)) hits.push(`a URL with access_token= in ${where}`);
  if (/corpsecret=(?!\[redacted\])/i.test(text)) hits.push(`a URL with corpsecret= in ${where}`);
  return hits;
}

/** The flaky Tencent: token endpoints by AppID, API failures by the `mode` the test sets. */
function flakyBehaviour(mode: { api: StubBehaviour }): (req: StubRequest) => StubBehaviour {
  return (req) => {
    if (req.url.startsWith('/cgi-bin/gettoken')) return { kind: 'json', body: { errcode: 0, errmsg: 'ok', access_token: STUB_WECOM_TOKEN, expires_in: 7200 } };
    if (req.url.startsWith('/cgi-bin/stable_token')) {
      const appid = (JSON.parse(req.body.toString('utf8')) as { appid?: string }).appid;
      if (appid === STUB_SECRETS.tokenDown.appId) return { kind: 'raw', status: 502, body: `<html>502 upstream ${req.url}</html>` };
      if (appid === STUB_SECRETS.tokenHangs.appId) return { kind: 'hang' };
      if (appid === STUB_SECRETS.tokenBadJson.appId) return { kind: 'raw', status: 200, body: '{"access_token": trunc', contentType: 'application/json' };
      return { kind: 'json', body: { access_token: STUB_TOKEN, expires_in: 7200 } };
    }
    return mode.api;
  };
}

describeEachDatabase('no token or secret reaches a log line or an error', (db) => {
  let h: SimulatorHarness;
  let stub: StubServer;
  const replicas: Replica[] = [];
  afterAll(async () => {
    await stopReplicas(replicas);
    await h?.close();
    await stub?.close();
  });

  it('runs every flow, failures included, without leaking', async () => {
    const capture = captureStream();
    const logger = createLogger('trace', capture);
    const keyStore = new MemoryKeyStore();
    const outcomes: unknown[] = [];
    const record = async (work: Promise<unknown>) => {
      try {
        outcomes.push(await work);
      } catch (err) {
        outcomes.push(err);
      }
    };

    // --- OA and WeCom against the simulator
    const good = newAccount();
    const wrongSecretAccount = newAccount();
    const whitelisted = newAccount({ ipWhitelist: ['203.0.113.7'] });
    const corp = createSimulatedCorp();
    h = await startSimulator({ accounts: [good, wrongSecretAccount, whitelisted], corps: [corp] });
    const openid = h.sim.newFollowerOpenid(good.appId);
    h.sim.follow(good.appId, openid);
    const configuredWrongSecret = '9'.repeat(32);
    const wrongCorpSecret = 'WrongCorpSecret_0123456789abcdefghijklmnopqr';
    const sim = await startReplica(db.config, {
      config: testConfig(h, { timeoutMs: 1000 }),
      accounts: [good, { appId: wrongSecretAccount.appId, appSecret: configuredWrongSecret }, whitelisted],
      corps: [{ corpId: corp.corpId, secrets: { app: corp.agents[0]!.secret, wrong: wrongCorpSecret } }],
      keyStore,
      now: () => h.clock.now(),
      logger,
    });
    replicas.push(sim);
    const goodKey = oaTokenKey(good.appId);
    const userInfo = () => sim.callTencent(goodKey, { method: 'GET', path: USER_INFO, query: { openid } });

    await record(userInfo());
    h.forceBehindTheGatewaysBack(good);
    h.clock.advance(30 * SEC);
    h.forceBehindTheGatewaysBack(good);
    await record(userInfo()); // superseded: refresh in normal mode, retry
    h.clock.advance(30 * SEC); // Tencent ignores a forced refresh within 30 s of the last one, whoever made it
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 });
    await record(userInfo()); // forced refresh, retry
    h.clock.advance(31 * SEC);
    h.sim.faults.next(USER_INFO, { kind: 'errcode', errcode: 40001 }, 2);
    await record(userInfo()); // the retry fails too
    h.sim.faults.next(USER_INFO, { kind: 'status', status: 502 });
    await record(userInfo());
    h.sim.faults.next(USER_INFO, { kind: 'accept-then-fail', response: 'drop' });
    await record(userInfo());
    h.sim.faults.next(USER_INFO, { kind: 'hang' });
    await record(userInfo()); // timeout
    await record(sim.callTencent(oaTokenKey(wrongSecretAccount.appId), { method: 'GET', path: USER_INFO, query: { openid } }));
    await record(sim.tokens.get(oaTokenKey(wrongSecretAccount.appId))); // the held-off error, thrown
    await record(sim.tokens.get(oaTokenKey(whitelisted.appId)));
    const sendWecom = (name: string) =>
      sim.callTencent(wecomTokenKey(corp.corpId, name), { method: 'POST', path: '/cgi-bin/message/send', json: { touser: corp.members[0], msgtype: 'text', agentid: corp.agents[0]!.agentId, text: { content: 'hello' } } });
    await record(sendWecom('app'));
    h.sim.faults.next('/cgi-bin/message/send', { kind: 'errcode', errcode: 42001 }, 1, 'wecom');
    await record(sendWecom('app'));
    await record(sendWecom('wrong'));

    // --- transport failures against a flaky stand-in for Tencent
    stub = await startStub();
    const mode: { api: StubBehaviour } = { api: { kind: 'json', body: { errcode: 0, errmsg: 'ok' } } };
    stub.behave(flakyBehaviour(mode));
    const flaky = await startReplica(db.config, {
      config: testConfig({ oa: stub, wecom: stub }, { timeoutMs: 500 }),
      accounts: Object.values(STUB_SECRETS),
      corps: [STUB_CORP],
      keyStore,
      now: () => h.clock.now(),
      logger,
    });
    replicas.push(flaky);
    const send = () => flaky.callTencent(oaTokenKey(STUB_SECRETS.ok.appId), { method: 'POST', path: CUSTOM_SEND, json: { touser: 'o1', msgtype: 'text', text: { content: 'hi' } } });
    for (const api of [
      { kind: 'raw', status: 503, body: 'Service Unavailable' },
      { kind: 'raw', status: 500, body: `<pre>${CUSTOM_SEND}?access_token=${STUB_TOKEN}</pre>` },
      { kind: 'raw', status: 200, body: `not json access_token=${STUB_TOKEN}` },
      { kind: 'reset-after-request' },
      { kind: 'hang' },
      { kind: 'json', body: { errcode: 40001, errmsg: `invalid credential, access_token=${STUB_TOKEN} is not latest rid: 1` } },
      { kind: 'json', body: { errcode: 45009, errmsg: `quota ${STUB_TOKEN}` } },
    ] as StubBehaviour[]) {
      mode.api = api;
      await record(send());
    }
    for (const account of [STUB_SECRETS.tokenDown, STUB_SECRETS.tokenHangs, STUB_SECRETS.tokenBadJson]) {
      await record(flaky.callTencent(oaTokenKey(account.appId), { method: 'GET', path: USER_INFO, query: { openid: 'o1' } }));
    }
    mode.api = { kind: 'reset-after-request' };
    await record(flaky.callTencent(wecomTokenKey(STUB_CORP.corpId, 'app'), { method: 'POST', path: '/cgi-bin/message/send', json: {} }));

    // --- nothing listening: refused connections, the WeCom secret being in gettoken's URL
    const closed = await closedPortUrl();
    const refused = await startReplica(db.config, {
      config: testConfig({ oa: { url: closed }, wecom: { url: closed } }, { timeoutMs: 500 }),
      accounts: [good],
      corps: [{ corpId: corp.corpId, secrets: { app: corp.agents[0]!.secret } }],
      keyStore: new MemoryKeyStore(),
      now: () => h.clock.now(),
      logger,
    });
    replicas.push(refused);
    await record(refused.callTencent(goodKey, { method: 'GET', path: USER_INFO, query: { openid } }));
    await record(refused.callTencent(wecomTokenKey(corp.corpId, 'app'), { method: 'GET', path: '/cgi-bin/getcallbackip' }));

    // --- what was planted
    const planted = new Map<string, string>();
    h.stableCalls.forEach((call, i) => typeof call.granted === 'string' && planted.set(`OA token #${i + 1}`, call.granted));
    planted.set('WeCom token', await sim.tokens.get(wecomTokenKey(corp.corpId, 'app')));
    planted.set('stub OA token', STUB_TOKEN);
    planted.set('stub WeCom token', STUB_WECOM_TOKEN);
    for (const [name, account] of Object.entries({ good, wrongSecretAccount, whitelisted })) planted.set(`${name} AppSecret`, account.appSecret);
    planted.set('configured wrong AppSecret', configuredWrongSecret);
    planted.set('WeCom app secret', corp.agents[0]!.secret);
    planted.set('WeCom contact secret', corp.contactSecret);
    planted.set('configured wrong corp secret', wrongCorpSecret);
    for (const [name, account] of Object.entries(STUB_SECRETS)) planted.set(`stub ${name} AppSecret`, account.appSecret);
    planted.set('stub corp secret', STUB_CORP.secrets.app);
    expect(planted.size).toBeGreaterThanOrEqual(16);

    // The flows really ran: successes, each failure kind, and log lines with their codes.
    const results = outcomes.filter((o): o is { ok: boolean } => typeof o === 'object' && o !== null && 'ok' in o);
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(4);
    const labels = outcomes.map((o) => ((o as { error?: { label?: string } }).error ?? (o as { label?: string })).label).filter(Boolean);
    expect(labels).toEqual(expect.arrayContaining(['40001', '40164', '42001', '45009', 'http-502', 'http-503', 'http-500', 'bad-response', 'connection', 'timeout']));
    const log = capture.lines.join('\n');
    expect(capture.lines.length).toBeGreaterThan(20);
    for (const expected of ['"code":"tencent.40001"', '"code":"tencent.timeout"', '"code":"tencent.connection"', 'upstream access token fetched', '"mode":"force"']) expect(log).toContain(expected);

    const hits = [
      ...capture.lines.flatMap((line, n) => leaks(line, `log line ${n + 1}`, planted)),
      ...outcomes.flatMap((outcome, n) => leaks(exposedText(outcome), `outcome ${n + 1}`, planted)),
    ];
    expect(hits).toEqual([]);
  }, 60_000);
});
