import * as pushes from '../pushes';
import { OA_RID, closeHarnesses, startApiHarness, type ApiHarness } from './helpers/api-harness';

const PATH = '/cgi-bin/message/custom/send';
const HOUR = 3600_000;

let h: ApiHarness;
afterEach(closeHarnesses);

const text = (touser: string, content = '您好，您的理财到期提醒') => ({ touser, msgtype: 'text', text: { content } });

describe('POST /cgi-bin/message/custom/send', () => {
  it('accepts a text to a follower inside the window with {errcode: 0, errmsg: "ok"} and logs it once', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    const body = text(openid);
    expect(await h.oaPost(PATH, body)).toEqual({ errcode: 0, errmsg: 'ok' });
    const received = h.sim.received({ path: PATH });
    expect(received).toEqual([{ seq: 1, product: 'oa', appId: h.account.appId, path: PATH, body, at: h.clock.now(), recipients: [openid] }]);
  });

  it.each([
    ['image', (m: string) => ({ media_id: m })],
    ['voice', (m: string) => ({ media_id: m })],
    ['mpvideo', () => ({ media_id: 'mass-video-id' })],
    ['video', (m: string) => ({ media_id: m, thumb_media_id: 'thumb', title: 't', description: 'd' })],
    ['music', () => ({ title: 't', description: 'd', musicurl: 'http://m/1.mp3', hqmusicurl: 'http://m/1hq.mp3', thumb_media_id: 'thumb' })],
    ['news', () => ({ articles: [{ title: '年报', description: 'd', url: 'https://bank.example/a', picurl: 'https://bank.example/p.jpg' }] })],
    ['mpnews', () => ({ media_id: 'permanent-news-id' })],
    ['mpnewsarticle', () => ({ article_id: 'article-1' })],
    ['msgmenu', () => ({ head_content: '满意吗', list: [{ id: '101', content: '满意' }, { id: '102', content: '不满意' }], tail_content: '谢谢' })],
    ['wxcard', () => ({ card_id: 'pDF3iY9tv9zCGCj4jTXFOo1DxHdo' })],
    ['miniprogrampage', () => ({ title: '理财', appid: 'wx1234567890abcdef', pagepath: 'pages/index', thumb_media_id: 'thumb' })],
    ['link', () => ({ title: '链接', description: 'd', url: 'https://bank.example', thumb_url: 'https://bank.example/t.jpg' })],
  ])('accepts msgtype %s', async (msgtype, payload) => {
    h = await startApiHarness();
    const openid = await h.follower();
    const mediaType = msgtype === 'voice' ? 'voice' : msgtype === 'video' ? 'video' : 'image';
    const mediaId = h.sim.addMedia(h.account.appId, mediaType);
    expect(await h.oaPost(PATH, { touser: openid, msgtype, [msgtype]: payload(mediaId) })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(h.sim.received({ path: PATH })).toHaveLength(1);
  });

  it.each([
    ['an unknown msgtype', { msgtype: 'sticker', sticker: {} }, 40008],
    ['no msgtype', { text: { content: 'x' } }, 40008],
    ['empty text', { msgtype: 'text', text: { content: '' } }, 44004],
    ['text without a text object', { msgtype: 'text' }, 44004],
    ['an image without media_id', { msgtype: 'image', image: {} }, 41006],
    ['an unknown media_id', { msgtype: 'image', image: { media_id: 'never-uploaded' } }, 40007],
    ['a video without thumb_media_id', { msgtype: 'video', video: { media_id: 'VIDEO' } }, 41006],
    ['news without articles', { msgtype: 'news', news: { articles: [] } }, 44003],
    ['news with two articles (current limit 1)', { msgtype: 'news', news: { articles: [{ title: 'a', url: 'https://a' }, { title: 'b', url: 'https://b' }] } }, 45008],
    ['a news article without url', { msgtype: 'news', news: { articles: [{ title: 'a' }] } }, 47001],
    ['a link without thumb_url', { msgtype: 'link', link: { title: 't', description: 'd', url: 'https://x' } }, 47001],
    ['a wxcard without card_id', { msgtype: 'wxcard', wxcard: {} }, 47001],
    ['a msgmenu without options', { msgtype: 'msgmenu', msgmenu: { list: [] } }, 47001],
    ['a miniprogrampage without pagepath', { msgtype: 'miniprogrampage', miniprogrampage: { title: 't', appid: 'wx1', thumb_media_id: 'x' } }, 47001],
  ])('refuses %s with %i', async (_name, message, errcode) => {
    h = await startApiHarness();
    const openid = await h.follower();
    const video = h.sim.addMedia(h.account.appId, 'video');
    const body = JSON.parse(JSON.stringify({ touser: openid, ...message }).replace('"VIDEO"', JSON.stringify(video)));
    const answer = await h.oaPost(PATH, body);
    expect(answer.errcode).toBe(errcode);
    expect(answer.errmsg).toMatch(OA_RID);
    expect(h.sim.received()).toEqual([]);
  });

  it('measures the text limit in UTF-8 bytes: 682 Chinese characters pass, 683 get 45002', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    expect((await h.oaPost(PATH, text(openid, '好'.repeat(682)))).errcode).toBe(0); // 2046 bytes
    const tooLong = await h.oaPost(PATH, text(openid, '好'.repeat(683))); // 2049 bytes
    expect(tooLong.errcode).toBe(45002);
    expect(tooLong.errmsg).toMatch(/^content size out of limit/);
  });

  it('takes the text limit from options', async () => {
    h = await startApiHarness({ oaLimits: { textMaxBytes: 10 } });
    const openid = await h.follower();
    expect((await h.oaPost(PATH, text(openid, 'x'.repeat(10)))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid, 'x'.repeat(11)))).errcode).toBe(45002);
  });

  it('refuses media of another type, another account or past its 3 days with 40007', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    const voice = h.sim.addMedia(h.account.appId, 'voice');
    const foreign = h.sim.addMedia(h.other.appId, 'image');
    const image = h.sim.addMedia(h.account.appId, 'image');
    expect((await h.oaPost(PATH, { touser: openid, msgtype: 'image', image: { media_id: voice } })).errcode).toBe(40007);
    expect((await h.oaPost(PATH, { touser: openid, msgtype: 'image', image: { media_id: foreign } })).errcode).toBe(40007);
    h.clock.advance(3 * 24 * HOUR);
    await h.userMessage(openid); // keep the window open and the token fresh so only the media can fail
    expect((await h.oaPost(PATH, { touser: openid, msgtype: 'image', image: { media_id: image } }, await h.oaToken())).errcode).toBe(40007);
  });

  it('answers 40003 for an openid the account never saw and for another account follower', async () => {
    h = await startApiHarness();
    expect((await h.oaPost(PATH, text(h.sim.newFollowerOpenid(h.account.appId)))).errcode).toBe(40003);
    const theirs = await h.follower(h.other.appId);
    expect((await h.oaPost(PATH, text(theirs))).errcode).toBe(40003);
    expect((await h.oaPost(PATH, { msgtype: 'text', text: { content: 'x' } })).errcode).toBe(40003);
  });

  it('answers 45015 once the user unfollowed, even inside the window', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    await h.sim.send(h.account.appId, pushes.unsubscribeEvent({ toUserName: h.account.originalId, fromUserName: openid }));
    const answer = await h.oaPost(PATH, text(openid));
    expect(answer.errcode).toBe(45015);
    expect(answer.errmsg).toMatch(/^response out of time limit or subscription is canceled rid: /);
  });

  it('allows 5 messages per user message, then 45047 until the user writes again', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    for (let i = 0; i < 5; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    const spent = await h.oaPost(PATH, text(openid));
    expect(spent.errcode).toBe(45047);
    expect(spent.errmsg).toMatch(/^out of response count limit rid: /);
    h.clock.advance(HOUR);
    await h.userMessage(openid);
    for (let i = 0; i < 5; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45047);
    expect(h.sim.received({ path: PATH })).toHaveLength(10);
  });

  it('closes the message window 48 hours after the user message (45015)', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.clock.advance(48 * HOUR - 1);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    h.clock.advance(1);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45015);
  });

  it('gives a follow 3 messages for 1 minute', async () => {
    h = await startApiHarness();
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    await h.sim.send(h.account.appId, pushes.subscribeEvent({ toUserName: h.account.originalId, fromUserName: openid }));
    for (let i = 0; i < 3; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45047);
    h.clock.advance(60_000);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45015);
  });

  it.each([
    ['CLICK', (to: string, from: string) => pushes.clickEvent({ toUserName: to, fromUserName: from, eventKey: 'BALANCE' })],
    ['scancode_push', (to: string, from: string) => pushes.scanCodeEvent({ toUserName: to, fromUserName: from, kind: 'scancode_push', eventKey: 'SCAN', scanResult: 'x' })],
    ['scancode_waitmsg', (to: string, from: string) => pushes.scanCodeEvent({ toUserName: to, fromUserName: from, kind: 'scancode_waitmsg', eventKey: 'SCAN', scanResult: 'x' })],
    ['SCAN of a parametric QR code', (to: string, from: string) => pushes.scanEvent({ toUserName: to, fromUserName: from, scene: '42' })],
  ])('opens a 1-minute window of 3 on %s', async (_name, push) => {
    h = await startApiHarness();
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.follow(h.account.appId, openid);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45015);
    await h.sim.send(h.account.appId, push(h.account.originalId, openid));
    for (let i = 0; i < 3; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45047);
  });

  it('does not open a window on a VIEW (link) menu tap or a location report', async () => {
    h = await startApiHarness();
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.follow(h.account.appId, openid);
    await h.sim.send(h.account.appId, pushes.viewEvent({ toUserName: h.account.originalId, fromUserName: openid, url: 'https://bank.example' }));
    await h.sim.send(h.account.appId, pushes.locationEvent({ toUserName: h.account.originalId, fromUserName: openid, latitude: '23.1', longitude: '113.3', precision: '10.0' }));
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45015);
  });

  it('spends the short menu quota before the 48-hour one, and a menu tap does not renew the message quota', async () => {
    h = await startApiHarness();
    const openid = await h.follower(); // message window: 5
    h.sim.recordQualifyingAction(h.account.appId, openid, 'menu');
    for (let i = 0; i < 3; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    const used = () => Object.fromEntries(h.sim.serviceWindows(h.account.appId, openid).map((w) => [w.trigger, w.used]));
    expect(used()).toEqual({ message: 0, menu: 3 });
    h.clock.advance(60_000); // the menu window closes; the message window still has all 5
    for (let i = 0; i < 5; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45047);
    expect(used()).toEqual({ message: 5, menu: 3 });
  });

  it('takes the window table from options (the 2021 rule: 20 per user message)', async () => {
    h = await startApiHarness({ serviceWindows: { message: { validitySeconds: 48 * 3600, quota: 20 } } });
    const openid = await h.follower();
    for (let i = 0; i < 20; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45047);
  });

  it('opens a window from recordQualifyingAction at a given time, following an unknown openid', async () => {
    h = await startApiHarness();
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    h.sim.recordQualifyingAction(h.account.appId, openid, 'payment', h.clock.now() - 47 * HOUR);
    for (let i = 0; i < 7; i++) expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0); // unlimited
    h.clock.advance(HOUR);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(45015);
  });

  it('answers 45009 after the daily quota and resets at Beijing midnight', async () => {
    h = await startApiHarness({ oaQuotas: { customSend: 2 } });
    h.clock.set(Date.UTC(2025, 0, 6, 15, 30)); // 23:30 Beijing
    const openid = await h.follower();
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
    const over = await h.oaPost(PATH, text(openid));
    expect(over).toEqual({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit rid: /) });
    h.clock.advance(30 * 60_000);
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
  });

  it.each([
    ['no access_token', undefined, 41001],
    ['an unknown access_token', '91_unknown', 40014],
  ])('refuses %s with its errcode', async (_name, token, errcode) => {
    h = await startApiHarness();
    const url = token === undefined ? `${h.oaUrl}${PATH}` : `${h.oaUrl}${PATH}?access_token=${token}`;
    const res = await fetch(url, { method: 'POST', body: '{}' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(errcode);
  });

  it('refuses an expired token with 42001 and a superseded one with 40001', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    const first = await h.oaToken();
    await h.oaToken();
    await h.oaToken(); // two refreshes: the first is gone at once
    expect((await h.oaPost(PATH, text(openid), first)).errcode).toBe(40001);
    const current = await h.oaToken();
    h.clock.advance(7200_000);
    expect((await h.oaPost(PATH, text(openid), current)).errcode).toBe(42001);
  });

  it('answers 43002 to GET, 44002 to an empty body and 47001 to bad JSON', async () => {
    h = await startApiHarness();
    expect((await h.oaGet(PATH, {})).errcode).toBe(43002);
    expect((await h.oaPost(PATH, '')).errcode).toBe(44002);
    expect((await h.oaPost(PATH, '{"touser":')).errcode).toBe(47001);
    expect((await h.oaPost(PATH, '[1]')).errcode).toBe(47001);
  });

  it('opens windows from pushes even when the account server does not take them', async () => {
    h = await startApiHarness({ maxAttempts: 1 });
    await h.pushServer.close(); // Tencent's follower acted; the push just failed
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const report = await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content: 'hi' }));
    expect(report.outcome).toBe('failed');
    expect((await h.oaPost(PATH, text(openid))).errcode).toBe(0);
  });
});
