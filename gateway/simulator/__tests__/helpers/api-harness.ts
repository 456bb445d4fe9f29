/**
 * A listening simulator with one corp and two OA accounts (pushes go to a
 * stand-in account server in plain mode, so tests can read them), a manual
 * clock, and small HTTP helpers that insist on Tencent's transport rules:
 * every JSON answer is HTTP 200 with Content-Type application/json.
 */
import { createSimulatedAccount, type SimulatedAccount } from '../../accounts';
import { createManualClock, type ManualClock } from '../../clock';
import * as pushes from '../../pushes';
import { createTencentSimulator, type TencentSimulator, type TencentSimulatorOptions } from '../../simulator';
import { createSimulatedCorp, type SimulatedCorp } from '../../state/wecom-corps';
import { startAccountServer, type AccountServer } from './account-server';

export type Json = Record<string, any>;

export interface ApiHarness {
  sim: TencentSimulator;
  clock: ManualClock;
  account: SimulatedAccount;
  /** A second account, for "another account's openid". */
  other: SimulatedAccount;
  corp: SimulatedCorp;
  oaUrl: string;
  wecomUrl: string;
  pushServer: AccountServer;
  oaToken(appId?: string): Promise<string>;
  oaPost(path: string, body: unknown, token?: string): Promise<Json>;
  oaGet(path: string, query: Record<string, string>, token?: string): Promise<Json>;
  wecomToken(secret: string): Promise<string>;
  wecomPost(path: string, body: unknown, token: string): Promise<Json>;
  /** A follower of `appId` who just sent a text message (an open 48-hour window of 5, nothing else). */
  follower(appId?: string): Promise<string>;
  /** Push a text message from `openid` (opens or renews the message window). */
  userMessage(openid: string, appId?: string): Promise<void>;
  close(): Promise<void>;
}

/** Read a Tencent answer, asserting the transport rules. */
export async function tencentJson(res: Response): Promise<Json> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Json;
}

/** The harness account's AppID (generated from a fixed seed), for options keyed by account. */
export function harnessAppId(): string {
  return createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:1/cb', seed: 'api-a' }).appId;
}

const running = new Set<ApiHarness>();

/** Close every harness started since the last call (use as `afterEach(closeHarnesses)`). */
export async function closeHarnesses(): Promise<void> {
  for (const harness of [...running]) await harness.close();
}

/** Start a harness; `options` override the simulator's (accounts and corps stay the harness's). */
export async function startApiHarness(options: Partial<TencentSimulatorOptions> = {}): Promise<ApiHarness> {
  const pushServer = await startAccountServer(() => ({ status: 200, body: 'success' }));
  const account = createSimulatedAccount({ callbackUrl: pushServer.url, mode: 'plain', seed: 'api-a' });
  const other = createSimulatedAccount({ callbackUrl: pushServer.url, mode: 'plain', seed: 'api-b' });
  const corp = createSimulatedCorp({
    seed: 'corp',
    agents: [
      { agentId: 1000002, secret: 'A'.repeat(43) },
      { agentId: 1000003, secret: 'B'.repeat(43) },
    ],
    contactSecret: 'C'.repeat(43),
    members: ['ZhangSan', 'lisi', 'wangwu'],
    parties: { '2': ['lisi', 'wangwu'] },
    tags: { '7': ['ZhangSan'] },
    // WeCom callbacks (msg_audit_approved, …) land on the same recording server as the OA pushes.
    callbackUrl: pushServer.url,
  });
  const clock = createManualClock();
  let sim: TencentSimulator;
  try {
    sim = createTencentSimulator({ seed: 'api', clock, attemptTimeoutMs: 1000, ...options, accounts: [account, other], corps: [corp] });
  } catch (err) {
    await pushServer.close();
    throw err;
  }
  const oa = await sim.listen();
  const wecom = await sim.listenWecom();
  const tokens = new Map<string, string>();

  const harness: ApiHarness = {
    sim,
    clock,
    account,
    other,
    corp,
    oaUrl: oa.url,
    wecomUrl: wecom.url,
    pushServer,
    async oaToken(appId = account.appId) {
      const a = sim.account(appId);
      const query = new URLSearchParams({ grant_type: 'client_credential', appid: a.appId, secret: a.appSecret });
      const body = await tencentJson(await fetch(`${oa.url}/cgi-bin/token?${query}`));
      tokens.set(appId, body.access_token as string);
      return body.access_token as string;
    },
    async oaPost(path, body, token) {
      const t = token ?? tokens.get(account.appId) ?? (await harness.oaToken());
      return tencentJson(await fetch(`${oa.url}${path}?access_token=${encodeURIComponent(t)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
    },
    async oaGet(path, query, token) {
      const t = token ?? tokens.get(account.appId) ?? (await harness.oaToken());
      return tencentJson(await fetch(`${oa.url}${path}?${new URLSearchParams({ access_token: t, ...query })}`));
    },
    async wecomToken(secret) {
      const body = await tencentJson(await fetch(`${wecom.url}/cgi-bin/gettoken?${new URLSearchParams({ corpid: corp.corpId, corpsecret: secret })}`));
      return body.access_token as string;
    },
    async wecomPost(path, body, token) {
      return tencentJson(await fetch(`${wecom.url}${path}?access_token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
    },
    async userMessage(openid, appId = account.appId) {
      const a = sim.account(appId);
      await sim.send(appId, pushes.textMessage({ toUserName: a.originalId, fromUserName: openid, content: '你好', createTime: Math.floor(clock.now() / 1000) }));
    },
    async follower(appId = account.appId) {
      // Followed earlier (no fresh 1-minute follow window), wrote just now: exactly the 48-hour window of 5.
      const openid = sim.newFollowerOpenid(appId);
      sim.follow(appId, openid, { at: clock.now() - 3600_000 });
      await harness.userMessage(openid, appId);
      return openid;
    },
    async close() {
      if (!running.delete(harness)) return;
      await sim.settled();
      await oa.close();
      await wecom.close();
      await pushServer.close();
    },
  };
  running.add(harness);
  return harness;
}

/** OA errmsg: the prefix, then Tencent's ` rid: …` trace. */
export const OA_RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

/** WeCom errmsg: the text, then `, hint: […], from ip: …, more info at …?e=<code>`. */
export const wecomSuffix = (errcode: number): RegExp =>
  new RegExp(`, hint: \\[\\d{25}\\], from ip: [0-9a-f.:]+, more info at https://open\\.work\\.weixin\\.qq\\.com/devtool/query\\?e=${errcode}$`);
