import * as pushes from '../pushes';
import { OA_RID, harnessAppId, closeHarnesses, startApiHarness, type ApiHarness } from './helpers/api-harness';

const TEMPLATE = '/cgi-bin/message/template/send';
const BIZSEND = '/cgi-bin/message/subscribe/bizsend';
const TPL = 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY';
const SUB_TPL = 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc';

let h: ApiHarness;
afterEach(closeHarnesses);

const templateBody = (touser: string, data: Record<string, { value: string }> = { first: { value: '您的账户有变动' }, keyword1: { value: '100.00' } }) => ({
  touser,
  template_id: TPL,
  url: 'https://bank.example/tx/1',
  data,
});

const bizBody = (touser: string) => ({ touser, template_id: SUB_TPL, page: 'pages/index', data: { thing1: { value: '到期提醒' } } });

describe('POST /cgi-bin/message/template/send', () => {
  async function harness(extra: Parameters<typeof startApiHarness>[0] = {}) {
    h = await startApiHarness(extra);
    h.sim.registerTemplate(h.account.appId, TPL, ['first', 'keyword1']);
    return h;
  }

  it('accepts a template message to a follower without a window and answers a numeric msgid above 2^31', async () => {
    await harness();
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.follow(h.account.appId, openid, { at: h.clock.now() - 30 * 24 * 3600_000 });
    const answer = await h.oaPost(TEMPLATE, templateBody(openid));
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
    expect(answer.msgid).toBeGreaterThan(2 ** 31);
    expect(Number.isSafeInteger(answer.msgid)).toBe(true);
    expect(h.sim.received({ path: TEMPLATE })).toEqual([expect.objectContaining({ msgid: String(answer.msgid), recipients: [openid], appId: h.account.appId })]);
  });

  it('gives every accepted template message its own msgid', async () => {
    await harness();
    const openid = await h.follower();
    const a = await h.oaPost(TEMPLATE, templateBody(openid));
    const b = await h.oaPost(TEMPLATE, templateBody(openid));
    expect(b.msgid).not.toBe(a.msgid);
  });

  it('reads templates from the simulator options', async () => {
    h = await startApiHarness({ templates: { [harnessAppId()]: { [TPL]: ['first'] } } });
    expect((await h.oaPost(TEMPLATE, templateBody(await h.follower()))).errcode).toBe(0);
    expect((await h.oaPost(TEMPLATE, { ...templateBody(await h.follower()), template_id: 'other' })).errcode).toBe(40037);
  });

  it('refuses options naming an account the simulator does not have', async () => {
    await expect(startApiHarness({ templates: { wx0000000000000000: { [TPL]: ['first'] } } })).rejects.toThrow(/no account wx0000000000000000/);
  });

  it('answers 40037 for a template the account does not have (another account registered it)', async () => {
    h = await startApiHarness();
    h.sim.registerTemplate(h.other.appId, TPL, ['first']);
    const answer = await h.oaPost(TEMPLATE, templateBody(await h.follower()));
    expect(answer.errcode).toBe(40037);
    expect(answer.errmsg).toMatch(OA_RID);
  });

  it.each([
    ['a missing key', { first: { value: 'x' } }, /^argument invalid! data\.keyword1\.value is empty rid: /],
    ['an empty value', { first: { value: '' }, keyword1: { value: 'x' } }, /^argument invalid! data\.first\.value is empty rid: /],
  ])('answers 47003 naming the field for %s', async (_name, data, errmsg) => {
    await harness();
    const answer = await h.oaPost(TEMPLATE, templateBody(await h.follower(), data));
    expect(answer.errcode).toBe(47003);
    expect(answer.errmsg).toMatch(errmsg);
  });

  it('answers 40003 for a stranger or another account follower and 43004 for one who unfollowed', async () => {
    await harness();
    expect((await h.oaPost(TEMPLATE, templateBody(h.sim.newFollowerOpenid(h.account.appId)))).errcode).toBe(40003);
    expect((await h.oaPost(TEMPLATE, templateBody(await h.follower(h.other.appId)))).errcode).toBe(40003);
    const gone = await h.follower();
    h.sim.unfollow(h.account.appId, gone);
    const answer = await h.oaPost(TEMPLATE, templateBody(gone));
    expect(answer.errcode).toBe(43004);
    expect(answer.errmsg).toMatch(/^require subscribe rid: /);
  });

  it('answers 45009 past the daily template quota', async () => {
    await harness({ oaQuotas: { templateSend: 1 } });
    const openid = await h.follower();
    expect((await h.oaPost(TEMPLATE, templateBody(openid))).errcode).toBe(0);
    expect((await h.oaPost(TEMPLATE, templateBody(openid))).errcode).toBe(45009);
  });

  it('sends once per openid and client_msg_id within 10 minutes, answering a repeat with the first msgid', async () => {
    await harness();
    const openid = await h.follower();
    const keyed = { ...templateBody(openid), client_msg_id: 'outbox-42' };
    const first = await h.oaPost(TEMPLATE, keyed);
    h.clock.advance(10 * 60_000 - 1);
    expect(await h.oaPost(TEMPLATE, keyed)).toEqual({ errcode: 0, errmsg: 'ok', msgid: first.msgid });
    expect(h.sim.received({ path: TEMPLATE })).toHaveLength(1);
    const other = await h.follower();
    expect((await h.oaPost(TEMPLATE, { ...templateBody(other), client_msg_id: 'outbox-42' })).msgid).not.toBe(first.msgid); // per openid
    h.clock.advance(1);
    expect((await h.oaPost(TEMPLATE, keyed)).msgid).not.toBe(first.msgid);
    expect(h.sim.received({ path: TEMPLATE })).toHaveLength(3);
  });

  it('pushes TEMPLATESENDJOBFINISH with the msgid as MsgID when asked to', async () => {
    await harness({ jobFinishEvents: true });
    const openid = await h.follower();
    const before = h.pushServer.requests.length;
    const { msgid } = await h.oaPost(TEMPLATE, templateBody(openid));
    await h.sim.settled();
    const pushed = h.pushServer.requests.slice(before).map((r) => r.body);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toContain('<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>');
    expect(pushed[0]).toContain(`<MsgID>${msgid}</MsgID>`);
    expect(pushed[0]).toContain(`<FromUserName><![CDATA[${openid}]]></FromUserName>`);
    expect(pushed[0]).toContain('<Status><![CDATA[success]]></Status>');
  });

  it('pushes no job events by default', async () => {
    await harness();
    const openid = await h.follower();
    const before = h.pushServer.requests.length;
    await h.oaPost(TEMPLATE, templateBody(openid));
    await h.sim.settled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.pushServer.requests.length).toBe(before);
  });
});

describe('POST /cgi-bin/message/subscribe/bizsend', () => {
  async function harness() {
    h = await startApiHarness();
    h.sim.registerSubscribeTemplate(h.account.appId, SUB_TPL, ['thing1']);
    return h;
  }

  const popup = (openid: string, status: 'accept' | 'reject') =>
    h.sim.send(h.account.appId, pushes.subscribeMsgPopupEvent({ toUserName: h.account.originalId, fromUserName: openid, choices: [{ templateId: SUB_TPL, status, popupScene: 0 }] }));

  it('answers 43101 until the user accepted the template in the popup, then sends once per acceptance', async () => {
    await harness();
    const openid = await h.follower();
    const refused = await h.oaPost(BIZSEND, bizBody(openid));
    expect(refused.errcode).toBe(43101);
    expect(refused.errmsg).toMatch(OA_RID);
    await popup(openid, 'accept');
    expect(await h.oaPost(BIZSEND, bizBody(openid))).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await h.oaPost(BIZSEND, bizBody(openid))).errcode).toBe(43101);
    expect(h.sim.received({ path: BIZSEND })).toHaveLength(1);
  });

  it('ignores a rejection in the popup and drops consent on a change event rejecting it', async () => {
    await harness();
    const openid = await h.follower();
    await popup(openid, 'reject');
    expect((await h.oaPost(BIZSEND, bizBody(openid))).errcode).toBe(43101);
    h.sim.grantSubscription(h.account.appId, openid, SUB_TPL, { longTerm: true });
    expect((await h.oaPost(BIZSEND, bizBody(openid))).errcode).toBe(0);
    expect((await h.oaPost(BIZSEND, bizBody(openid))).errcode).toBe(0);
    await h.sim.send(h.account.appId, pushes.subscribeMsgChangeEvent({ toUserName: h.account.originalId, fromUserName: openid, changes: [{ templateId: SUB_TPL, status: 'reject' }] }));
    expect((await h.oaPost(BIZSEND, bizBody(openid))).errcode).toBe(43101);
  });

  it('answers 40037 for an unknown template, 47003 for missing data and 40003 for a stranger', async () => {
    await harness();
    const openid = await h.follower();
    h.sim.grantSubscription(h.account.appId, openid, SUB_TPL);
    expect((await h.oaPost(BIZSEND, { ...bizBody(openid), template_id: 'nope' })).errcode).toBe(40037);
    const noData = await h.oaPost(BIZSEND, { ...bizBody(openid), data: {} });
    expect(noData.errcode).toBe(47003);
    expect(noData.errmsg).toMatch(/data\.thing1/);
    expect((await h.oaPost(BIZSEND, bizBody(h.sim.newFollowerOpenid(h.account.appId)))).errcode).toBe(40003);
    expect((await h.oaPost(BIZSEND, bizBody(openid))).errcode).toBe(0); // the consent was not spent by the failures
  });
});
