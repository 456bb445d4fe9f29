import * as wecom from '@wecom/crypto';
import { createManualClock } from '../clock';
import { createTencentSimulator, type TencentSimulator } from '../simulator';
import { assertCorpShape, createSimulatedCorp, type SimulatedCorp } from '../state/wecom-corps';
import { wrapWecomPush } from '../wecom-envelope';
import { changeExternalContactEvent, msgAuditApprovedEvent, msgauditNotifyEvent, type ExternalContactChangeType } from '../wecom-events';
import { startAccountServer, type AccountServer, type RecordedRequest, type ScriptStep } from './helpers/account-server';
import { closeHarnesses, startApiHarness, tencentJson } from './helpers/api-harness';

// node-easywechat's Encryptor is an independent decrypt path that also checks the receive id (callback-crypto.md §11).
const Encryptor = require('node-easywechat/dist/Core/Encryptor') as new (id: string, token: string, key: string, receiveId: string) => {
  decrypt(encrypt: string, msgSignature: string, nonce: string, timestamp: string): string;
};

let server: AccountServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await closeHarnesses();
});

interface Setup {
  sim: TencentSimulator;
  corp: SimulatedCorp;
  server: AccountServer;
}

async function setUp(script: (n: number, request: RecordedRequest) => ScriptStep = () => ({ status: 200, body: '' }), attemptTimeoutMs = 1000): Promise<Setup> {
  server = await startAccountServer(script);
  const corp = createSimulatedCorp({ seed: 'callbacks', callbackUrl: `${server.url}?corp=1` });
  const sim = createTencentSimulator({ accounts: [], corps: [corp], clock: createManualClock(), attemptTimeoutMs });
  return { sim, corp, server };
}

/** What the receiver saw: the query and the envelope's three elements. */
function readDelivery(request: RecordedRequest) {
  const query = new URL(request.url, 'http://x').searchParams;
  const envelope = /^<xml><ToUserName><!\[CDATA\[([^\]]*)\]\]><\/ToUserName><Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt><AgentID><!\[CDATA\[(\d*)\]\]><\/AgentID><\/xml>$/.exec(request.body);
  expect(envelope).not.toBeNull();
  const [, toUserName, encrypt, agentId] = envelope as unknown as [string, string, string, string];
  return { query, toUserName, encrypt, agentId };
}

const createTime = 1736128800;

describe('pushWecomEvent', () => {
  it('POSTs the event encrypted for the corp: msg_signature, timestamp, nonce in the query, verified by @wecom/crypto and node-easywechat', async () => {
    const { sim, corp, server: s } = await setUp();
    const xml = changeExternalContactEvent({ corpId: corp.corpId, changeType: 'del_follow_user', userid: 'lisi', externalUserId: corp.externalContacts[0] as string, createTime });
    const report = await sim.pushWecomEvent(corp.corpId, xml);
    expect(report.outcome).toBe('acked');
    expect(s.requests).toHaveLength(1);
    const request = s.requests[0] as RecordedRequest;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('text/xml');
    const { query, toUserName, encrypt, agentId } = readDelivery(request);
    expect([...query.keys()]).toEqual(['corp', 'msg_signature', 'timestamp', 'nonce']);
    expect(query.get('timestamp')).toBe(String(Math.floor(sim.clock.now() / 1000)));
    expect(query.get('nonce')).toMatch(/^\d{1,10}$/);
    expect(query.get('msg_signature')).toBe(wecom.getSignature(corp.token, query.get('timestamp') as string, query.get('nonce') as string, encrypt));
    expect(toUserName).toBe(corp.corpId);
    expect(agentId).toBe('');
    expect(wecom.decrypt(corp.encodingAESKey, encrypt)).toMatchObject({ message: xml, id: corp.corpId });
    const receiver = new Encryptor(corp.corpId, corp.token, corp.encodingAESKey, corp.corpId);
    expect(receiver.decrypt(encrypt, query.get('msg_signature') as string, query.get('nonce') as string, query.get('timestamp') as string)).toBe(xml);
    expect(() => new Encryptor(corp.corpId, corp.token, corp.encodingAESKey, 'wwotherotherother').decrypt(encrypt, query.get('msg_signature') as string, query.get('nonce') as string, query.get('timestamp') as string)).toThrow(/Invalid appId/);
    expect(sim.wecomCallbacks({ corpId: corp.corpId })).toEqual([expect.objectContaining({ corpId: corp.corpId, xml, report })]);
  });

  it('puts the plaintext\'s AgentID (msgaudit_notify) on the envelope, or the one given', async () => {
    const { sim, corp, server: s } = await setUp();
    await sim.pushWecomEvent(corp.corpId, msgauditNotifyEvent({ corpId: corp.corpId, agentId: 1000002, createTime }));
    await sim.pushWecomEvent(corp.corpId, changeExternalContactEvent({ corpId: corp.corpId, changeType: 'edit_external_contact', userid: 'lisi', externalUserId: corp.externalContacts[0] as string, createTime }), { agentId: 1000005 });
    expect(s.requests.map((r) => readDelivery(r).agentId)).toEqual(['1000002', '1000005']);
  });

  it('encrypts exactly as the wechatpy vector V3c (deterministic random, callback-crypto.md §10)', () => {
    const plaintext = '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>';
    const wire = wrapWecomPush({ corpId: 'wx49f0ab532d5d035a', token: '123456', encodingAESKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR' }, plaintext, { timestamp: '1411525903', nonce: '461056294', agentId: '1', random: Buffer.from('1234567890123456') });
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(wire.body)?.[1];
    expect(encrypt).toBe('9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3');
    expect(new URLSearchParams(wire.query).get('msg_signature')).toBe('407518b7649e86ef23978113f92d27afa9296533');
  });

  it('retries a non-200 answer with the very same request, 3 attempts in all', async () => {
    const { sim, corp, server: s } = await setUp((n) => (n < 2 ? { status: 503 } : { status: 200, body: 'success' }));
    const report = await sim.pushWecomEvent(corp.corpId, msgauditNotifyEvent({ corpId: corp.corpId, agentId: 1000002, createTime }));
    expect(report.outcome).toBe('acked');
    expect(report.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(new Set(s.requests.map((r) => `${r.url}|${r.body}`)).size).toBe(1);
  });

  it('reports failure after 3 attempts that timed out or failed', async () => {
    const { sim, corp, server: s } = await setUp((n) => (n === 0 ? 'stall' : { status: 500 }), 200);
    const report = await sim.pushWecomEvent(corp.corpId, msgauditNotifyEvent({ corpId: corp.corpId, agentId: 1000002, createTime }));
    expect(report.outcome).toBe('failed');
    expect(report.attempts).toHaveLength(3);
    expect(report.attempts[0]?.error).toMatch(/^timeout/);
    expect(report.problem).toMatch(/no HTTP 200 after 3 attempts \(last: HTTP 500\)/);
    expect(s.requests).toHaveLength(3);
  });

  it('takes any body with HTTP 200 as received (WeCom reads none for events)', async () => {
    const { sim, corp } = await setUp(() => ({ status: 200, body: 'anything at all' }));
    const report = await sim.pushWecomEvent(corp.corpId, msgauditNotifyEvent({ corpId: corp.corpId, agentId: 1000002, createTime }));
    expect(report).toMatchObject({ outcome: 'acked', reply: 'anything at all' });
  });

  it('refuses an event addressed to another corp, an unknown corp and a corp without callbackUrl', async () => {
    const { sim, corp } = await setUp();
    await expect(sim.pushWecomEvent(corp.corpId, msgauditNotifyEvent({ corpId: 'ww0000000000000000', agentId: 1000002, createTime }))).rejects.toThrow(/addressed to ww0000000000000000/);
    await expect(sim.pushWecomEvent('ww0000000000000000', '<xml/>')).rejects.toThrow(/no corp/);
    const quiet = createSimulatedCorp();
    const other = createTencentSimulator({ accounts: [], corps: [quiet] });
    await expect(other.pushWecomEvent(quiet.corpId, msgauditNotifyEvent({ corpId: quiet.corpId, agentId: 1000002, createTime }))).rejects.toThrow(/no callbackUrl/);
    await expect(other.verifyWecomUrl(quiet.corpId)).rejects.toThrow(/no callbackUrl/);
  });
});

describe('verifyWecomUrl', () => {
  it('sends an encrypted echostr; a receiver that decrypts and echoes it passes', async () => {
    let sent: URLSearchParams | undefined;
    const { sim, corp } = await setUp((_n, request) => {
      sent = new URL(request.url, 'http://x').searchParams;
      const echostr = sent.get('echostr') as string;
      if (sent.get('msg_signature') !== wecom.getSignature(corp.token, sent.get('timestamp') as string, sent.get('nonce') as string, echostr)) return { status: 403 };
      return { status: 200, body: wecom.decrypt(corp.encodingAESKey, echostr).message };
    });
    const result = await sim.verifyWecomUrl(corp.corpId);
    expect(result.ok).toBe(true);
    expect(result.echostr).toMatch(/^[1-9]\d{18}$/);
    expect([...(sent as URLSearchParams).keys()]).toEqual(['corp', 'msg_signature', 'timestamp', 'nonce', 'echostr']);
    expect(wecom.decrypt(corp.encodingAESKey, (sent as URLSearchParams).get('echostr') as string)).toMatchObject({ message: result.echostr, id: corp.corpId });
  });

  it('fails a receiver that echoes the ciphertext, answers non-200 or takes longer than 1 s', async () => {
    const { sim, corp } = await setUp((n, request) => {
      if (n === 0) return { status: 200, body: new URL(request.url, 'http://x').searchParams.get('echostr') as string };
      if (n === 1) return { status: 401, body: 'no' };
      return 'stall';
    });
    expect(await sim.verifyWecomUrl(corp.corpId)).toMatchObject({ ok: false, status: 200, problem: 'body is not the decrypted echostr verbatim' });
    expect(await sim.verifyWecomUrl(corp.corpId)).toMatchObject({ ok: false, status: 401 });
    const started = Date.now();
    expect(await sim.verifyWecomUrl(corp.corpId)).toMatchObject({ ok: false, problem: expect.stringMatching(/1000 ms/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('event builders (wecom.md §5.1, §5.2)', () => {
  const corpId = 'ww0123456789abcdef';
  const base = { corpId, userid: 'zhangsan', externalUserId: 'woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA', createTime: 1403610513 };

  it('prints add_external_contact like Tencent\'s sample', () => {
    expect(changeExternalContactEvent({ ...base, changeType: 'add_external_contact', state: 'teststate', welcomeCode: 'WELCOMECODE' })).toBe(
      '<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName>\n<FromUserName><![CDATA[sys]]></FromUserName>\n<CreateTime>1403610513</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[change_external_contact]]></Event>\n<ChangeType><![CDATA[add_external_contact]]></ChangeType>\n<UserID><![CDATA[zhangsan]]></UserID>\n<ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA]]></ExternalUserID>\n<State><![CDATA[teststate]]></State>\n<WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode>\n</xml>',
    );
  });

  it.each([
    ['add_half_external_contact', { state: 's', welcomeCode: 'W' }, ['State', 'WelcomeCode']],
    ['edit_external_contact', {}, []],
    ['del_external_contact', { source: 'DELETE_BY_TRANSFER' }, ['Source']],
    ['del_follow_user', {}, []],
    ['transfer_fail', { failReason: 'customer_refused' }, ['FailReason']],
    ['msg_audit_approved', { welcomeCode: 'W' }, ['WelcomeCode']],
  ] as const)('%s carries UserID, ExternalUserID and its own fields', (changeType, extra, elements) => {
    const xml = changeExternalContactEvent({ ...base, changeType: changeType as ExternalContactChangeType, ...extra });
    expect(xml).toContain(`<ChangeType><![CDATA[${changeType}]]></ChangeType>\n<UserID><![CDATA[zhangsan]]></UserID>\n<ExternalUserID><![CDATA[${base.externalUserId}]]></ExternalUserID>\n`);
    const after = [...xml.split('</ExternalUserID>\n')[1]!.matchAll(/<(\w+)>/g)].map((m) => m[1]);
    expect(after).toEqual(elements);
  });

  it('refuses missing required fields and fields the ChangeType does not have', () => {
    expect(() => changeExternalContactEvent({ ...base, changeType: 'add_external_contact' })).toThrow(/needs a WelcomeCode/);
    expect(() => changeExternalContactEvent({ ...base, changeType: 'msg_audit_approved' })).toThrow(/needs a WelcomeCode/);
    expect(() => changeExternalContactEvent({ ...base, changeType: 'transfer_fail' })).toThrow(/needs a FailReason/);
    expect(() => changeExternalContactEvent({ ...base, changeType: 'del_follow_user', welcomeCode: 'W' })).toThrow(/has no WelcomeCode/);
    expect(() => changeExternalContactEvent({ ...base, changeType: 'nope' as never })).toThrow(/unknown ChangeType/);
  });

  it('msg_audit_approved and msgaudit_notify', () => {
    expect(msgAuditApprovedEvent({ ...base, welcomeCode: 'W' })).toContain('<ChangeType><![CDATA[msg_audit_approved]]></ChangeType>');
    expect(msgauditNotifyEvent({ corpId, agentId: 1000002, createTime: 1403610513 })).toBe(
      '<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName>\n<FromUserName><![CDATA[sys]]></FromUserName>\n<CreateTime>1403610513</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[msgaudit_notify]]></Event>\n<AgentID>1000002</AgentID>\n</xml>',
    );
  });
});

describe('a customer agreeing to archiving', () => {
  it('pushes msg_audit_approved to the corp with a WelcomeCode that send_welcome_msg takes once', async () => {
    const h = await startApiHarness();
    const externalUserId = h.corp.externalContacts[0] as string;
    const before = h.pushServer.requests.length;
    const change = h.sim.setAgreeStatus(h.corp.corpId, 'lisi', externalUserId, 'Agree');
    await h.sim.settled();
    const pushed = h.pushServer.requests.slice(before);
    expect(pushed).toHaveLength(1);
    const { query, encrypt } = readDelivery(pushed[0] as RecordedRequest);
    expect(query.get('msg_signature')).toBe(wecom.getSignature(h.corp.token, query.get('timestamp') as string, query.get('nonce') as string, encrypt));
    const xml = wecom.decrypt(h.corp.encodingAESKey, encrypt).message;
    expect(xml).toBe(change.approvedEvent);
    expect(xml).toContain('<ChangeType><![CDATA[msg_audit_approved]]></ChangeType>\n<UserID><![CDATA[lisi]]></UserID>\n');
    expect(xml).toContain(`<ExternalUserID><![CDATA[${externalUserId}]]></ExternalUserID>\n<WelcomeCode><![CDATA[${change.welcomeCode}]]></WelcomeCode>`);
    expect(xml).toContain(`<CreateTime>${Math.floor(h.clock.now() / 1000)}</CreateTime>`);
    expect(h.sim.wecomCallbacks({ corpId: h.corp.corpId }).map((c) => c.report.outcome)).toEqual(['acked']);

    const contact = await h.wecomToken(h.corp.contactSecret);
    const greet = { welcome_code: change.welcomeCode, text: { content: '感谢您的同意' } };
    expect(await h.wecomPost('/cgi-bin/externalcontact/send_welcome_msg', greet, contact)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await h.wecomPost('/cgi-bin/externalcontact/send_welcome_msg', greet, contact)).errcode).toBe(41050);
  });

  it('pushes nothing for Disagree, Default_Agree, an unchanged Agree or a room consent', async () => {
    const h = await startApiHarness();
    const [a, b] = h.corp.externalContacts as [string, string];
    h.sim.setAgreeStatus(h.corp.corpId, 'lisi', a, 'Disagree');
    h.sim.setAgreeStatus(h.corp.corpId, 'lisi', b, 'Default_Agree');
    const roomid = h.sim.defineRoom(h.corp.corpId, { creator: 'lisi', members: [a] });
    h.sim.setRoomAgreeStatus(h.corp.corpId, roomid, a, 'Agree');
    h.sim.setAgreeStatus(h.corp.corpId, 'wangwu', b, 'Agree');
    h.sim.setAgreeStatus(h.corp.corpId, 'wangwu', b, 'Agree');
    await h.sim.settled();
    expect(h.sim.wecomCallbacks()).toHaveLength(1);
  });

  it('without a callbackUrl the change still happens and returns the event, nothing is pushed', async () => {
    const corp = createSimulatedCorp();
    const sim = createTencentSimulator({ accounts: [], corps: [corp] });
    const change = sim.setAgreeStatus(corp.corpId, 'lisi', corp.externalContacts[0] as string, 'Agree');
    expect(change.approvedEvent).toContain('msg_audit_approved');
    await sim.settled();
    expect(sim.wecomCallbacks()).toEqual([]);
  });
});

describe('simulated corps', () => {
  it('generate a msgaudit secret, a callback Token and EncodingAESKey, and keep older seeded ids stable', () => {
    const corp = createSimulatedCorp({ seed: 'stable' });
    expect(corp.msgauditSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(corp.token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(corp.encodingAESKey).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(corp).not.toHaveProperty('callbackUrl');
    expect(createSimulatedCorp({ seed: 'stable' })).toEqual(corp);
  });

  it('refuse a shared msgaudit secret, a bad Token or key and a non-http callbackUrl', () => {
    const corp = createSimulatedCorp();
    expect(() => assertCorpShape({ ...corp, msgauditSecret: corp.contactSecret })).toThrow(/distinct/);
    expect(() => assertCorpShape({ ...corp, msgauditSecret: corp.agents[0]!.secret })).toThrow(/distinct/);
    expect(() => assertCorpShape({ ...corp, msgauditSecret: 'short' })).toThrow(/msgauditSecret/);
    expect(() => assertCorpShape({ ...corp, token: 'a!' })).toThrow(/token/);
    expect(() => assertCorpShape({ ...corp, encodingAESKey: 'x'.repeat(42) })).toThrow(/encodingAESKey/);
    expect(() => assertCorpShape({ ...corp, callbackUrl: 'ftp://x/' })).toThrow(/callbackUrl/);
  });

  it('gettoken still answers 40001 for a secret of another corp', async () => {
    const h = await startApiHarness();
    const stranger = createSimulatedCorp();
    const res = await fetch(`${h.wecomUrl}/cgi-bin/gettoken?${new URLSearchParams({ corpid: h.corp.corpId, corpsecret: stranger.msgauditSecret })}`);
    expect((await tencentJson(res)).errcode).toBe(40001);
  });
});
