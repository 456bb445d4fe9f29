import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import { createSimulatedCorp, type SimulatedCorp } from '../simulator/state/wecom-corps';
import { describeEachDatabase } from '../../test/db';
import { startReplica, startSimulator, stopReplicas, testConfig, type Replica, type SimulatorHarness } from './__tests__/upstream-harness';
import { wecomTokenKey } from './token-key';

const MESSAGE_SEND = '/cgi-bin/message/send';
const GETTOKEN = '/cgi-bin/gettoken';
const MIN = 60_000;

describeEachDatabase('UpstreamTokens against the simulator (WeCom gettoken)', (db) => {
  let h: SimulatorHarness;
  let corp: SimulatedCorp;
  let appKey: string;
  let contactsKey: string;
  const replicas: Replica[] = [];

  beforeEach(async () => {
    corp = createSimulatedCorp();
    h = await startSimulator({ corps: [corp] });
    appKey = wecomTokenKey(corp.corpId, 'app');
    contactsKey = wecomTokenKey(corp.corpId, 'contacts');
  });
  afterEach(async () => {
    await stopReplicas(replicas);
    await h.close();
  });

  async function replica(secrets: Record<string, string> = { app: corp.agents[0]!.secret, contacts: corp.contactSecret }): Promise<Replica> {
    const r = await startReplica(db.config, { config: testConfig(h), corps: [{ corpId: corp.corpId, secrets }], keyStore: new MemoryKeyStore(), now: () => h.clock.now() });
    replicas.push(r);
    return r;
  }

  const gettokenCalls = () => h.sim.calls({ path: GETTOKEN, product: 'wecom' });
  const sendText = (r: Replica) =>
    r.callTencent(appKey, { method: 'POST', path: MESSAGE_SEND, json: { touser: corp.members[0], msgtype: 'text', agentid: corp.agents[0]!.agentId, text: { content: 'portfolio review at 3pm' } } });

  it('keeps one token per app secret, each valid for its own app', async () => {
    const r = await replica();
    const appToken = await r.tokens.get(appKey);
    const contactsToken = await r.tokens.get(contactsKey);
    expect(appToken).not.toBe(contactsToken);
    expect(h.sim.checkWecomAccessToken(appToken)).toMatchObject({ errcode: 0, principal: { kind: 'agent', agentId: corp.agents[0]!.agentId } });
    expect(h.sim.checkWecomAccessToken(contactsToken)).toMatchObject({ errcode: 0, principal: { kind: 'contact' } });
    expect(gettokenCalls()).toHaveLength(2);
  });

  it('sends an app message with the app\'s token', async () => {
    const r = await replica();
    expect(await sendText(r)).toEqual({ ok: true, body: expect.objectContaining({ errcode: 0, errmsg: 'ok', msgid: expect.any(String) }) });
    expect(h.sim.received({ corpId: corp.corpId })).toHaveLength(1);
  });

  it('asks again near expiry without a storm while WeCom hands back the same token, and takes the new one after expiry', async () => {
    const r = await replica();
    const first = await r.tokens.get(appKey);
    h.clock.advance(120 * MIN - 4 * MIN); // within renewBeforeMs (5 min) of expiry
    expect(await r.tokens.get(appKey)).toBe(first);
    expect(await r.tokens.get(appKey)).toBe(first);
    expect(gettokenCalls()).toHaveLength(2);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ reason: 'due', outcome: 'same' });
    h.clock.advance(4 * MIN);
    const second = await r.tokens.get(appKey);
    expect(second).not.toBe(first);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ reason: 'expired', outcome: 'new' });
  });

  it('on 42001 asks gettoken again, and does not retry when WeCom hands back the same token (there is no forced refresh)', async () => {
    const r = await replica();
    await r.tokens.get(appKey);
    h.sim.faults.next(MESSAGE_SEND, { kind: 'errcode', errcode: 42001 }, 1, 'wecom');
    const result = await sendText(r);
    expect(result).toMatchObject({ ok: false, error: { errcode: 42001, product: 'wecom', retry: 'refresh-token' } });
    expect(gettokenCalls()).toHaveLength(2);
    expect(h.sim.calls({ path: MESSAGE_SEND, product: 'wecom' })).toHaveLength(1);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ mode: 'normal', reason: 'invalidated', outcome: 'same' });
  });

  it('reports a wrong corp secret as a typed error naming the app secret, without the secret', async () => {
    const wrongSecret = 'W'.repeat(43);
    const r = await replica({ app: wrongSecret });
    const result = await sendText(r);
    expect(result).toMatchObject({ ok: false, error: { errcode: 40001, operation: 'token', retry: 'never', hint: expect.stringMatching(/this WeCom app's secret/) } });
    if (result.ok) return;
    expect(`${result.error.message} ${result.error.stack} ${JSON.stringify(result.error)}`).not.toContain(wrongSecret);
  });
});
