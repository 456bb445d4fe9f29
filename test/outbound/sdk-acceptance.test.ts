/**
 * Issue 4 acceptance: unmodified wechat-api, co-wechat-api and node-easywechat,
 * pointed at the gateway by base URL only, fetch a token and send. Allowed ⇒
 * Tencent (the simulator) receives it exactly once; held ⇒ `cgw approvals
 * approve` ⇒ received exactly once; denied ⇒ a Tencent-shaped error naming
 * the reason code. Template, mass and WeCom app messages round-trip too.
 */
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { DATABASE_KINDS } from '../db';
import { until } from '../until';
import { actOnMessage } from '../../gateway/outbound/approve-message';
import { oaSdks, sdkError, wecomSdk } from './sdks';
import { APP_ID, startOutboundHarness, TEMPLATE_ID, type OutboundHarness } from './outbound-harness';

jest.setTimeout(60_000);

describe.each(DATABASE_KINDS)('outbound through unmodified SDKs (%s)', (kind) => {
  let h: OutboundHarness;
  beforeAll(async () => {
    h = await startOutboundHarness({ kind });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  const received = (path: string, marker: string) => h.sim.received({ path }).filter((m) => JSON.stringify(m.body).includes(marker));
  const approve = (msgid: string) => runCli(['approvals', 'approve', msgid, '--note', 'reviewed'], { CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: h.adminToken });

  for (const sdkName of ['wechat-api', 'co-wechat-api', 'node-easywechat']) {
    describe(sdkName, () => {
      const sdk = () => oaSdks(h.oaBase, h.app.appId, h.app.appSecret).find((s) => s.name === sdkName)!;

      it('sends an allowed customer-service text that Tencent receives exactly once', async () => {
        const openid = await h.followerWhoWrote();
        const marker = `allowed-${sdkName}-${kind}`;
        const answer = await sdk().sendText(openid, `您好，您的理财顾问稍后联系您 ${marker}`);
        expect(answer).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
        const got = received('/cgi-bin/message/custom/send', marker);
        expect(got).toHaveLength(1);
        expect(got[0]!.appId).toBe(h.account.appId);
        await new Promise((r) => setTimeout(r, 300));
        expect(received('/cgi-bin/message/custom/send', marker)).toHaveLength(1);
      });

      it('holds a text for approval, answers errcode 0 with the gateway msgid, and delivers it exactly once after cgw approvals approve', async () => {
        const openid = await h.followerWhoWrote();
        const marker = `held-${sdkName}-${kind}`;
        const answer = await sdk().sendText(openid, `This fund is guaranteed to outperform ${marker}`);
        expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
        const msgid = String(answer.cgw_msgid);
        expect(received('/cgi-bin/message/custom/send', marker)).toHaveLength(0);
        const cli = await approve(msgid);
        expect(cli.code).toBe(0);
        await until('delivery after approval', () => (received('/cgi-bin/message/custom/send', marker).length > 0 ? true : undefined));
        await new Promise((r) => setTimeout(r, 300));
        expect(received('/cgi-bin/message/custom/send', marker)).toHaveLength(1);
        const status = await h.gateway.outbound.messages.get(Number(msgid));
        expect(status).toMatchObject({ status: 'delivered', approvalsCount: 1 });
      });

      it('denies a text with a Tencent-shaped error whose errmsg names the reason code, and Tencent receives nothing', async () => {
        const openid = await h.followerWhoWrote();
        const marker = `denied-${sdkName}-${kind}`;
        const err = await sdk().sendText(openid, `本产品稳赚不赔 ${marker}`).then(() => null, sdkError);
        expect(err).not.toBeNull();
        expect(err!.errcode).toBe(87014);
        expect(err!.errmsg).toContain('lexicon.blocked');
        expect(received('/cgi-bin/message/custom/send', marker)).toHaveLength(0);
      });

      it('sends a template message that Tencent receives exactly once', async () => {
        const openid = await h.followerWhoWrote();
        const marker = `tpl-${sdkName}-${kind}`;
        const answer = await sdk().sendTemplate(openid, TEMPLATE_ID, { first: { value: `账户变动提醒 ${marker}` }, remark: { value: '如有疑问请致电客服' } });
        expect(answer).toMatchObject({ errcode: 0 });
        expect(received('/cgi-bin/message/template/send', marker)).toHaveLength(1);
      });
    });
  }

  it('holds a template message with a flagged term, and delivers it once after approval', async () => {
    const openid = await h.followerWhoWrote();
    const [sdk] = oaSdks(h.oaBase, h.app.appId, h.app.appSecret);
    const marker = `tpl-held-${kind}`;
    const answer = await sdk!.sendTemplate(openid, TEMPLATE_ID, { first: { value: `如需投诉请回复 ${marker}` }, remark: { value: '谢谢' } });
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
    expect((await approve(String(answer.cgw_msgid))).code).toBe(0);
    await until('template delivery', () => (received('/cgi-bin/message/template/send', marker).length > 0 ? true : undefined));
    expect(received('/cgi-bin/message/template/send', marker)).toHaveLength(1);
  });

  it('holds a mass send for two distinct approvers, refuses the same approver twice, then delivers it once', async () => {
    const a = await h.followerWhoWrote();
    const b = await h.followerWhoWrote();
    const marker = `mass-${kind}`;
    const res = await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${h.app.appSecret}`);
    const { access_token: token } = (await res.json()) as { access_token: string };
    const sent = await fetch(`${h.oaBase}/cgi-bin/message/mass/send?access_token=${token}`, { method: 'POST', body: JSON.stringify({ touser: [a, b], msgtype: 'text', text: { content: `本周理财讲座 ${marker}` } }) });
    const answer = (await sent.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
    const msgid = String(answer.cgw_msgid);
    const officer = (subject: string) => actOnMessage(h.gateway.outbound, Number(msgid), { subject, groups: ['marketing-compliance'], roles: ['compliance-officer'], via: 'oidc' }, 'approve');
    await officer('officer-wang');
    await expect(officer('officer-wang')).rejects.toMatchObject({ code: 'duplicate_approver' });
    expect(received('/cgi-bin/message/mass/send', marker)).toHaveLength(0);
    await officer('officer-chen');
    await until('mass delivery', () => (received('/cgi-bin/message/mass/send', marker).length > 0 ? true : undefined));
    expect(received('/cgi-bin/message/mass/send', marker)).toHaveLength(1);
    expect(await h.gateway.outbound.messages.actions(Number(msgid))).toHaveLength(2);
  });

  it('sends a subscription notice (bizsend) the follower accepted, which Tencent receives exactly once', async () => {
    const openid = await h.followerWhoWrote();
    h.sim.registerSubscribeTemplate(h.account.appId, 'sub-tpl-1', ['thing1']);
    h.sim.grantSubscription(h.account.appId, openid, 'sub-tpl-1');
    const { access_token: token } = (await (await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${h.app.appSecret}`)).json()) as { access_token: string };
    const marker = `bizsend-${kind}`;
    const sent = await fetch(`${h.oaBase}/cgi-bin/message/subscribe/bizsend?access_token=${token}`, { method: 'POST', body: JSON.stringify({ touser: openid, template_id: 'sub-tpl-1', data: { thing1: { value: `预约已确认 ${marker}` } } }) });
    expect(await sent.json()).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
    expect(h.sim.received({ path: '/cgi-bin/message/subscribe/bizsend' }).filter((m) => JSON.stringify(m.body).includes(marker))).toHaveLength(1);
  });

  it('sends a WeCom app message through node-easywechat Work that WeCom receives exactly once', async () => {
    const work = wecomSdk(h.wecomBase, h.app.corpId, h.app.corpSecret);
    const marker = `wecom-${kind}`;
    const answer = await work.post('cgi-bin/message/send', { touser: 'rm-zhang', msgtype: 'text', agentid: h.corp.agents[0]!.agentId, text: { content: `晨会纪要已发布 ${marker}` } });
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
    const got = h.sim.received({ product: 'wecom', path: '/cgi-bin/message/send' }).filter((m) => JSON.stringify(m.body).includes(marker));
    expect(got).toHaveLength(1);
    expect(got[0]!.corpId).toBe(h.corp.corpId);
  });

  it('keeps the app id it was configured with', () => {
    expect(h.config.apps[0]!.id).toBe(APP_ID);
  });

  it('exports outbound metrics: submissions by kind and status, deliveries, upstream token fetches', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    const value = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? 0);
    expect(value(/^cgw_outbound_messages_total\{kind="oa.custom",status="queued"\} (\d+)/m)).toBeGreaterThanOrEqual(3);
    expect(value(/^cgw_outbound_messages_total\{kind="oa.custom",status="held"\} (\d+)/m)).toBeGreaterThanOrEqual(3);
    expect(value(/^cgw_outbound_messages_total\{kind="oa.custom",status="denied"\} (\d+)/m)).toBeGreaterThanOrEqual(3);
    expect(value(/^cgw_outbound_deliveries_total\{kind="oa.custom",outcome="delivered"\} (\d+)/m)).toBeGreaterThanOrEqual(6);
    expect(value(/^cgw_upstream_token_refreshes_total\{product="oa",mode="normal",outcome="new"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/access_token=|cgw[A-Za-z0-9_-]{100,}/);
  });
});
