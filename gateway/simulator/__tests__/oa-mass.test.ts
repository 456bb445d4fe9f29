import { closeHarnesses, startApiHarness, type ApiHarness } from './helpers/api-harness';

const SENDALL = '/cgi-bin/message/mass/sendall';
const SEND = '/cgi-bin/message/mass/send';
const PREVIEW = '/cgi-bin/message/mass/preview';

let h: ApiHarness;
afterEach(closeHarnesses);

const mpnews = { msgtype: 'mpnews', mpnews: { media_id: '123dsdajkasd231jhksad' }, send_ignore_reprint: 0 };
const text = { msgtype: 'text', text: { content: '季度报告已发布' } };

async function followers(n: number): Promise<string[]> {
  const openids: string[] = [];
  for (let i = 0; i < n; i++) {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.follow(h.account.appId, openid, { at: h.clock.now() - (n - i) * 1000 });
    openids.push(openid);
  }
  return openids;
}

describe('mass sends', () => {
  it('sendall to everyone answers msg_id and, for mpnews, msg_data_id; the log lists every follower', async () => {
    h = await startApiHarness();
    const all = await followers(3);
    h.sim.unfollow(h.account.appId, all[1] as string);
    const answer = await h.oaPost(SENDALL, { filter: { is_to_all: true }, ...mpnews });
    expect(answer).toEqual({ errcode: 0, errmsg: 'send job submission success', msg_id: expect.any(Number), msg_data_id: expect.any(Number) });
    expect(answer.msg_data_id).toBeGreaterThan(2 ** 31);
    expect(h.sim.received({ path: SENDALL })).toEqual([expect.objectContaining({ msgid: String(answer.msg_id), recipients: [all[0], all[2]] })]);
  });

  it('sendall by tag reaches only followers under the tag; text has no msg_data_id', async () => {
    h = await startApiHarness();
    const [a, b] = await followers(2);
    h.sim.tagFollower(h.account.appId, b as string, 101);
    const answer = await h.oaPost(SENDALL, { filter: { is_to_all: false, tag_id: 101 }, ...text });
    expect(answer).toEqual({ errcode: 0, errmsg: 'send job submission success', msg_id: expect.any(Number) });
    expect(h.sim.received({ path: SENDALL })[0]?.recipients).toEqual([b]);
    expect(h.sim.received({ path: SENDALL })[0]?.recipients).not.toContain(a);
  });

  it('sendall refuses a missing filter or tag with 47001 and a bad payload with its payload code', async () => {
    h = await startApiHarness();
    expect((await h.oaPost(SENDALL, text)).errcode).toBe(47001);
    expect((await h.oaPost(SENDALL, { filter: { is_to_all: false }, ...text })).errcode).toBe(47001);
    expect((await h.oaPost(SENDALL, { filter: { is_to_all: true }, msgtype: 'news', news: {} })).errcode).toBe(40008);
    expect((await h.oaPost(SENDALL, { filter: { is_to_all: true }, msgtype: 'text', text: { content: '' } })).errcode).toBe(44004);
    expect((await h.oaPost(SENDALL, { filter: { is_to_all: true }, msgtype: 'mpnews', mpnews: {} })).errcode).toBe(41006);
    expect(h.sim.received()).toEqual([]);
  });

  it('takes mass images as the newer images.media_ids list (41006 when empty) or the older image.media_id', async () => {
    h = await startApiHarness();
    await followers(1);
    const all = { filter: { is_to_all: true } };
    expect((await h.oaPost(SENDALL, { ...all, msgtype: 'image', images: { media_ids: ['m1', 'm2'], recommend: 'x' } })).errcode).toBe(0);
    expect((await h.oaPost(SENDALL, { ...all, msgtype: 'image', images: { media_ids: [] } })).errcode).toBe(41006);
    expect((await h.oaPost(SENDALL, { ...all, msgtype: 'image', image: { media_id: 'permanent-image' } })).errcode).toBe(0);
  });

  it('send takes 2 to 10,000 openids (40032 outside) and filters those who do not follow', async () => {
    h = await startApiHarness({ oaLimits: { massMaxRecipients: 3 } });
    const [a, b] = await followers(2);
    const stranger = h.sim.newFollowerOpenid(h.account.appId);
    const one = await h.oaPost(SEND, { touser: [a], ...text });
    expect(one.errcode).toBe(40032);
    expect(one.errmsg).toMatch(/^invalid openid list size/);
    expect((await h.oaPost(SEND, { touser: [a, b, stranger, 'o4'], ...text })).errcode).toBe(40032);
    const answer = await h.oaPost(SEND, { touser: [a, b, stranger], ...text });
    expect(answer.errcode).toBe(0);
    expect(h.sim.received({ path: SEND })[0]?.recipients).toEqual([a, b]);
  });

  it('send answers 47001 when touser is not a list', async () => {
    h = await startApiHarness();
    expect((await h.oaPost(SEND, { touser: 'o1|o2', ...text })).errcode).toBe(47001);
  });

  it('preview goes to one follower, answers "preview success", and 40003/43004 for others', async () => {
    h = await startApiHarness();
    const [a] = await followers(1);
    expect(await h.oaPost(PREVIEW, { touser: a, ...text })).toEqual({ errcode: 0, errmsg: 'preview success', msg_id: expect.any(Number) });
    expect((await h.oaPost(PREVIEW, { touser: h.sim.newFollowerOpenid(h.account.appId), ...text })).errcode).toBe(40003);
    h.sim.unfollow(h.account.appId, a as string);
    expect((await h.oaPost(PREVIEW, { touser: a, ...text })).errcode).toBe(43004);
    expect(h.sim.received({ path: PREVIEW })).toHaveLength(1);
  });

  it('allows 100 mass sends a Beijing day (sendall and send together), then 45009; preview counts apart', async () => {
    h = await startApiHarness();
    h.clock.set(Date.UTC(2025, 0, 6, 14, 0)); // 22:00 Beijing
    const [a, b] = await followers(2);
    for (let i = 0; i < 50; i++) expect((await h.oaPost(SENDALL, { filter: { is_to_all: true }, ...text })).errcode).toBe(0);
    for (let i = 0; i < 50; i++) expect((await h.oaPost(SEND, { touser: [a, b], ...text })).errcode).toBe(0);
    const over = await h.oaPost(SEND, { touser: [a, b], ...text });
    expect(over.errcode).toBe(45009);
    expect((await h.oaPost(PREVIEW, { touser: a, ...text })).errcode).toBe(0);
    h.clock.advance(2 * 3600_000); // midnight Beijing
    expect((await h.oaPost(SENDALL, { filter: { is_to_all: true }, ...text }, await h.oaToken())).errcode).toBe(0);
    expect(h.sim.received({ path: SENDALL })).toHaveLength(51);
  });

  it('refuses a reused clientmsgid: 45066 within a minute, then 45065 with the first msg_id for 24 hours', async () => {
    h = await startApiHarness();
    await followers(2);
    const keyed = { filter: { is_to_all: true }, ...text, clientmsgid: 'campaign-2025-01' };
    const first = await h.oaPost(SENDALL, keyed);
    expect(first.errcode).toBe(0);
    const tooFast = await h.oaPost(SENDALL, keyed);
    expect(tooFast).toEqual({ errcode: 45066, errmsg: expect.stringMatching(/^same clientmsgid retry too fast rid: /), msg_id: first.msg_id });
    h.clock.advance(60_000);
    expect(await h.oaPost(SENDALL, keyed)).toEqual({ errcode: 45065, errmsg: expect.stringMatching(/^clientmsgid exist rid: /), msg_id: first.msg_id });
    expect(h.sim.received({ path: SENDALL })).toHaveLength(1);
    h.clock.advance(24 * 3600_000);
    expect((await h.oaPost(SENDALL, keyed, await h.oaToken())).errcode).toBe(0);
    expect((await h.oaPost(SENDALL, { ...keyed, clientmsgid: 'x'.repeat(65) })).errcode).toBe(45067);
  });

  it('pushes MASSSENDJOBFINISH with the counts when asked to', async () => {
    h = await startApiHarness({ jobFinishEvents: true });
    const [a, b] = await followers(2);
    const before = h.pushServer.requests.length;
    const { msg_id } = await h.oaPost(SEND, { touser: [a, b, h.sim.newFollowerOpenid(h.account.appId)], ...text });
    await h.sim.settled();
    const pushed = h.pushServer.requests.slice(before).map((r) => r.body);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toContain('<Event><![CDATA[MASSSENDJOBFINISH]]></Event>');
    expect(pushed[0]).toContain(`<MsgID>${msg_id}</MsgID>`);
    expect(pushed[0]).toContain('<TotalCount>3</TotalCount>');
    expect(pushed[0]).toContain('<SentCount>2</SentCount>');
  });
});
