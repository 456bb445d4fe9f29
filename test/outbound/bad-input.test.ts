/**
 * Issue 4, bad input: every malformed, oversized, unauthenticated or
 * misaddressed call gets a Tencent-shaped errcode on HTTP 200 JSON, nothing
 * is archived as sent, Tencent receives nothing, and failed authentication
 * leaves an audit line.
 */
import { DATABASE_KINDS } from '../db';
import { ARCHIVE_RECORD_ENTITY, OUTBOUND_MESSAGE_ENTITY } from '../../gateway/db/entities';
import { startOutboundHarness, type OutboundHarness } from './outbound-harness';
import { AppTokens } from '../../gateway/compat-api/app-tokens';
import { ConnectionGate } from '../../gateway/db/connection-gate';
import { runCli } from '../../admin-cli/__tests__/run-cli';

jest.setTimeout(60_000);

describe.each(DATABASE_KINDS)('Tencent-compatible API refuses bad input (%s)', (kind) => {
  let h: OutboundHarness;
  let token: string;
  beforeAll(async () => {
    h = await startOutboundHarness({ kind });
    token = await oaToken();
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  async function oaToken(base = h.oaBase, appid = h.app.appId, secret = h.app.appSecret): Promise<string> {
    const res = await fetch(`${base}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async function call(path: string, init: { token?: string | null; body?: string | Buffer; method?: string; base?: string } = {}): Promise<Record<string, unknown>> {
    const t = init.token === undefined ? token : init.token;
    const res = await fetch(`${init.base ?? h.oaBase}${path}${t === null ? '' : `${path.includes('?') ? '&' : '?'}access_token=${t}`}`, {
      method: init.method ?? 'POST', ...(init.body !== undefined ? { body: init.body } : {}),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Record<string, unknown>;
  }

  async function counts(): Promise<{ records: number; messages: number; sent: number }> {
    const ds = h.gateway.dataSource;
    return {
      records: await ds.getRepository(ARCHIVE_RECORD_ENTITY).count(),
      messages: await ds.getRepository(OUTBOUND_MESSAGE_ENTITY).count(),
      sent: h.sim.received().length,
    };
  }

  const text = (touser: string, content = 'hello') => JSON.stringify({ touser, msgtype: 'text', text: { content } });

  it.each([
    ['invalid JSON', 47001, '{"touser":'],
    ['a JSON array', 47001, '[1,2]'],
    ['an empty body', 44002, ''],
    ['invalid UTF-8', 47001, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['an unknown msgtype', 40008, JSON.stringify({ touser: 'oAbcdefghijklmnop', msgtype: 'hologram', hologram: {} })],
    ['a text without content', 47001, JSON.stringify({ touser: 'oAbcdefghijklmnop', msgtype: 'text', text: {} })],
    ['a malformed openid', 40003, text('../../etc/passwd')],
    ['a float somewhere', 47001, JSON.stringify({ touser: 'oAbcdefghijklmnop', msgtype: 'text', text: { content: 'x' }, x: 0.5 })],
  ])('answers %s with errcode %i and archives nothing', async (_name, errcode, body) => {
    const before = await counts();
    const answer = await call('/cgi-bin/message/custom/send', { body });
    expect(answer.errcode).toBe(errcode);
    expect(String(answer.errmsg)).toMatch(/cgw_error_id: [0-9a-f-]{36}$/);
    expect(await counts()).toEqual(before);
  });

  it('answers an oversized body with 47001 naming the limit, before reading it all', async () => {
    const before = await counts();
    const answer = await call('/cgi-bin/message/custom/send', { body: text('oAbcdefghijklmnop', 'x'.repeat(h.config.outbound.maxBodyBytes + 10)) });
    expect(answer.errcode).toBe(47001);
    expect(answer.errmsg).toContain(String(h.config.outbound.maxBodyBytes));
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a missing token', null, 41001],
    ['an unknown token', 'cgwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 40014],
    ['a token with hostile characters', 'abc%27%20OR%201%3D1', 40014],
  ])('answers %s with errcode %i, archives nothing and writes an audit line', async (_name, t, errcode) => {
    const before = await counts();
    const auditBefore = (await h.gateway.audit.list({ type: 'api.auth.failed', order: 'desc', limit: 200 })).items.length;
    const answer = await call('/cgi-bin/message/custom/send', { token: t, body: text('oAbcdefghijklmnop') });
    expect(answer.errcode).toBe(errcode);
    expect(await counts()).toEqual(before);
    const audit = (await h.gateway.audit.list({ type: 'api.auth.failed', order: 'desc', limit: 200 })).items;
    expect(audit.length).toBe(auditBefore + 1);
    if (t !== null) expect(JSON.stringify(audit[0])).not.toContain(t);
  });

  it('answers an expired token with 42001 and a revoked one with 40001', async () => {
    const expired = await oaToken();
    const now = Date.now();
    await h.gateway.dataSource.query(`UPDATE app_token SET expires_at = ${now - 1000} WHERE expires_at > ${now}`);
    const fresh = await oaToken();
    // Verified tokens are cached for a few seconds; a fresh gateway view reads the rows.
    const tokens = new AppTokens(h.gateway.dataSource, ConnectionGate.for(h.gateway.dataSource), { ttlSeconds: 7200, now: Date.now });
    await expect(tokens.verify(expired, 'test-oa', 'oa')).rejects.toMatchObject({ errcode: 42001 });
    expect(await tokens.revokeApp('crm')).toBeGreaterThan(0);
    await expect(tokens.verify(fresh, 'test-oa', 'oa')).rejects.toMatchObject({ errcode: 40001 });
    token = await oaToken();
  });

  it('revokes an app\'s tokens through cgw apps revoke-tokens: the next call answers 40001, a new token works, and the revocation is audited', async () => {
    const live = await oaToken();
    const cli = await runCli(['apps', 'revoke-tokens', 'crm', '--json'], { CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: h.adminToken });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ appId: 'crm' });
    expect(JSON.parse(cli.stdout).revoked).toBeGreaterThanOrEqual(1);
    expect((await call('/cgi-bin/message/custom/send', { token: live, body: text('oAbcdefghijklmnop') })).errcode).toBe(40001);
    token = await oaToken();
    expect((await call('/cgi-bin/message/custom/send', { body: text('oAbcdefghijklmnop') })).errcode).not.toBe(40001);
    const audit = (await h.gateway.audit.list({ type: 'admin.app.tokens.revoke', order: 'desc', limit: 5 })).items;
    expect(audit[0]).toMatchObject({ target: 'app:crm', outcome: 'success', actor: { subject: 'local-admin' } });
    const unknown = await runCli(['apps', 'revoke-tokens', 'no-such-app'], { CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: h.adminToken });
    expect(unknown.code).not.toBe(0);
  });

  it('answers a token of one account used on another path with 40001, and a WeCom token on an OA path likewise', async () => {
    const wecom = await fetch(`${h.wecomBase}/cgi-bin/gettoken?corpid=${h.app.corpId}&corpsecret=${h.app.corpSecret}`);
    const wecomToken = ((await wecom.json()) as { access_token: string }).access_token;
    expect((await call('/cgi-bin/message/custom/send', { token: wecomToken, body: text('oAbcdefghijklmnop') })).errcode).toBe(40001);
    expect((await call('/cgi-bin/message/send', { base: h.wecomBase, token, body: JSON.stringify({ touser: 'rm-zhang', msgtype: 'text', agentid: 1000002, text: { content: 'x' } }) })).errcode).toBe(40001);
  });

  it('refuses credentials: wrong secret 40001, unknown appid 40013, bad grant_type 40002, missing secret 41004, wrong corpsecret 40001', async () => {
    const get = async (url: string) => (await (await fetch(url)).json()) as Record<string, unknown>;
    expect((await get(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${'0'.repeat(32)}`)).errcode).toBe(40001);
    expect((await get(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=wx0000000000000000&secret=${h.app.appSecret}`)).errcode).toBe(40013);
    expect((await get(`${h.oaBase}/cgi-bin/token?grant_type=password&appid=${h.app.appId}&secret=${h.app.appSecret}`)).errcode).toBe(40002);
    expect((await get(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}`)).errcode).toBe(41004);
    expect((await get(`${h.wecomBase}/cgi-bin/gettoken?corpid=${h.app.corpId}&corpsecret=${'x'.repeat(43)}`)).errcode).toBe(40001);
    // The account's real Tencent credentials are not app credentials.
    expect((await get(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.account.appId}&secret=${h.account.appSecret}`)).errcode).toBe(40013);
  });

  it('refuses an openid the gateway has seen only on another account with 40003 before Tencent', async () => {
    const before = await counts();
    h.gateway.outbound.contacts.observe({ accountId: 'other-oa', openidBidx: h.gateway.outbound.subjectIndex('oForeignAccount12345'), trigger: 'message', subscribed: true, atMs: Date.now() });
    await h.gateway.outbound.contacts.flush();
    const answer = await call('/cgi-bin/message/custom/send', { body: text('oForeignAccount12345') });
    expect(answer.errcode).toBe(40003);
    expect((await counts()).sent).toBe(before.sent);
    expect((await counts()).messages).toBe(before.messages);
  });

  it('answers a path that is not on the allowlist with 48001 naming it, and never forwards it', async () => {
    const before = h.sim.received().length;
    const answer = await call('/cgi-bin/menu/create', { body: '{}' });
    expect(answer.errcode).toBe(48001);
    expect(answer.errmsg).toContain('/oa/test-oa/cgi-bin/menu/create');
    expect((await call('/cgi-bin/user/get', { method: 'GET' })).errcode).toBe(48001);
    expect((await call('/cgi-bin/user/get', { base: h.wecomBase, method: 'GET' })).errcode).toBe(48001);
    expect(h.sim.received().length).toBe(before);
  });

  it('denies a customer-service message to a follower whose window is closed with 45015 before calling Tencent', async () => {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const before = await counts();
    const answer = await call('/cgi-bin/message/custom/send', { body: text(openid, 'hello') });
    expect(answer.errcode).toBe(45015);
    expect(answer.errmsg).toContain('window.expired');
    expect((await counts()).sent).toBe(before.sent);
  });
});
