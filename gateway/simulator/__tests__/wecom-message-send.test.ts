import { closeHarnesses, startApiHarness, tencentJson, wecomSuffix, type ApiHarness } from './helpers/api-harness';

const SEND = '/cgi-bin/message/send';
const AGENT = 'A'.repeat(43);
const OTHER_AGENT = 'B'.repeat(43);
const CONTACT = 'C'.repeat(43);

let h: ApiHarness;
afterEach(closeHarnesses);

const text = (to: Record<string, string>, content = '今日待办：3 位客户到期') => ({ ...to, msgtype: 'text', agentid: 1000002, text: { content } });

async function gettoken(query: Record<string, string>) {
  return tencentJson(await fetch(`${h.wecomUrl}/cgi-bin/gettoken?${new URLSearchParams(query)}`));
}

describe('GET /cgi-bin/gettoken', () => {
  it('answers errcode 0, a token and expires_in 7200, and the same token while it is valid', async () => {
    h = await startApiHarness();
    const first = await gettoken({ corpid: h.corp.corpId, corpsecret: AGENT });
    expect(first).toEqual({ errcode: 0, errmsg: 'ok', access_token: expect.stringMatching(/^[A-Za-z0-9_-]{200,512}$/), expires_in: 7200 });
    h.clock.advance(600_000);
    const again = await gettoken({ corpid: h.corp.corpId, corpsecret: AGENT });
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(6600);
    h.clock.advance(6600_000);
    const renewed = await gettoken({ corpid: h.corp.corpId, corpsecret: AGENT });
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(h.sim.checkWecomAccessToken(first.access_token).errcode).toBe(42001);
  });

  it('gives each secret its own token: each app and the contact secret', async () => {
    h = await startApiHarness();
    const tokens = await Promise.all([AGENT, OTHER_AGENT, CONTACT].map((secret) => h.wecomToken(secret)));
    expect(new Set(tokens).size).toBe(3);
    expect(h.sim.checkWecomAccessToken(tokens[0])).toEqual({ errcode: 0, principal: { corpId: h.corp.corpId, kind: 'agent', agentId: 1000002 } });
    expect(h.sim.checkWecomAccessToken(tokens[2])).toEqual({ errcode: 0, principal: { corpId: h.corp.corpId, kind: 'contact' } });
  });

  it.each([
    ['an unknown corpid', { corpid: 'ww0000000000000000', corpsecret: AGENT }, 40013, /^invalid corpid, hint: /],
    ['a wrong secret', { corpid: 'CORP', corpsecret: 'x'.repeat(43) }, 40001, /^invalid credential, hint: /],
    ['no secret', { corpid: 'CORP' }, 41004, /^corpsecret missing, hint: /],
    ['no corpid', { corpsecret: AGENT }, 41002, /^corpid missing, hint: /],
  ])('refuses %s', async (_name, query, errcode, errmsg) => {
    h = await startApiHarness();
    const body = await gettoken(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v === 'CORP' ? h.corp.corpId : v])));
    expect(body.errcode).toBe(errcode);
    expect(body.errmsg).toMatch(errmsg);
    expect(body.errmsg).toMatch(wecomSuffix(errcode));
  });
});

describe('POST /cgi-bin/message/send', () => {
  it('sends a text and answers errcode 0 with a msgid; the log shows corp, agent and recipients', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(AGENT);
    const body = text({ touser: 'lisi|wangwu' });
    const answer = await h.wecomPost(SEND, body, token);
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(String) });
    expect(h.sim.received({ corpId: h.corp.corpId })).toEqual([
      { seq: 1, product: 'wecom', corpId: h.corp.corpId, agentId: 1000002, path: SEND, body, at: h.clock.now(), msgid: answer.msgid, recipients: ['lisi', 'wangwu'] },
    ]);
  });

  it.each([
    ['text', { content: 'x' }],
    ['image', { media_id: 'MEDIA' }],
    ['voice', { media_id: 'MEDIA' }],
    ['video', { media_id: 'MEDIA', title: 't', description: 'd' }],
    ['file', { media_id: 'MEDIA' }],
    ['textcard', { title: '到期提醒', description: '<div class="gray">2025-01-06</div>', url: 'https://bank.example', btntxt: '详情' }],
    ['news', { articles: [{ title: 't', url: 'https://bank.example', picurl: 'https://bank.example/p.png' }] }],
    ['mpnews', { articles: [{ title: 't', thumb_media_id: 'MEDIA', content: '<p>x</p>' }] }],
    ['markdown', { content: '**客户** `到期`' }],
    ['miniprogram_notice', { appid: 'wx123123123123123', page: 'pages/index', title: '会议室预订成功通知' }],
    ['template_card', { card_type: 'text_notice', main_title: { title: '欢迎' } }],
  ])('accepts msgtype %s', async (msgtype, payload) => {
    h = await startApiHarness();
    const answer = await h.wecomPost(SEND, { touser: 'lisi', msgtype, agentid: 1000002, [msgtype]: payload }, await h.wecomToken(AGENT));
    expect(answer.errcode).toBe(0);
    expect(answer).not.toHaveProperty('response_code');
  });

  it('answers a response_code for an interactive template card', async () => {
    h = await startApiHarness();
    const card = { card_type: 'button_interaction', task_id: 'task-1', main_title: { title: '审批' }, button_list: [{ text: '同意', key: 'yes' }] };
    const answer = await h.wecomPost(SEND, { touser: 'lisi', msgtype: 'template_card', agentid: 1000002, template_card: card }, await h.wecomToken(AGENT));
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(String), response_code: expect.any(String) });
  });

  it.each([
    ['an unknown msgtype', { msgtype: 'sticker', sticker: {} }, 40008],
    ['empty text', { msgtype: 'text', text: { content: '' } }, 44004],
    ['an image without media_id', { msgtype: 'image', image: {} }, 41006],
    ['a textcard without title', { msgtype: 'textcard', textcard: { description: 'd', url: 'https://x' } }, 41016],
    ['a textcard without url', { msgtype: 'textcard', textcard: { title: 't', description: 'd' } }, 41010],
    ['a textcard without description', { msgtype: 'textcard', textcard: { title: 't', url: 'https://x' } }, 40063],
    ['news with nine articles', { msgtype: 'news', news: { articles: Array.from({ length: 9 }, () => ({ title: 't', url: 'https://x' })) } }, 45008],
    ['mpnews without content', { msgtype: 'mpnews', mpnews: { articles: [{ title: 't', thumb_media_id: 'm' }] } }, 40063],
    ['an unknown card type', { msgtype: 'template_card', template_card: { card_type: 'poster' } }, 40058],
    ['an interactive card without task_id', { msgtype: 'template_card', template_card: { card_type: 'vote_interaction' } }, 40063],
    ['a miniprogram_notice without appid', { msgtype: 'miniprogram_notice', miniprogram_notice: { title: 't' } }, 40063],
  ])('refuses %s', async (_name, message, errcode) => {
    h = await startApiHarness();
    const answer = await h.wecomPost(SEND, { touser: 'lisi', agentid: 1000002, ...message }, await h.wecomToken(AGENT));
    expect(answer.errcode).toBe(errcode);
    expect(answer.errmsg).toMatch(wecomSuffix(errcode));
    expect(h.sim.received()).toEqual([]);
  });

  it('holds text and markdown to 2048 bytes (45002)', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(AGENT);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }, 'x'.repeat(2048)), token)).errcode).toBe(0);
    const tooLong = await h.wecomPost(SEND, text({ touser: 'lisi' }, '好'.repeat(683)), token);
    expect(tooLong.errcode).toBe(45002);
    expect(tooLong.errmsg).toMatch(wecomSuffix(45002));
    expect((await h.wecomPost(SEND, { touser: 'lisi', agentid: 1000002, msgtype: 'markdown', markdown: { content: 'x'.repeat(2049) } }, token)).errcode).toBe(45002);
  });

  it('sends to the valid part and lists invalid users lower-cased, invalid parties and tags', async () => {
    h = await startApiHarness();
    const answer = await h.wecomPost(SEND, text({ touser: 'zhangsan|NoSuchUser', toparty: '2|99', totag: '7|98' }), await h.wecomToken(AGENT));
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', invaliduser: 'nosuchuser', invalidparty: '99', invalidtag: '98', msgid: expect.any(String) });
    expect(h.sim.received()[0]?.recipients.sort()).toEqual(['lisi', 'wangwu', 'zhangsan']);
  });

  it('expands @all to every member', async () => {
    h = await startApiHarness();
    await h.wecomPost(SEND, text({ touser: '@all' }), await h.wecomToken(AGENT));
    expect(h.sim.received()[0]?.recipients).toEqual(['zhangsan', 'lisi', 'wangwu']);
  });

  it('answers 81013 when every recipient is invalid and 82001 when none is given', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(AGENT);
    const allInvalid = await h.wecomPost(SEND, text({ touser: 'ghost', toparty: '99' }), token);
    expect(allInvalid.errcode).toBe(81013);
    expect(allInvalid.errmsg).toMatch(/^user & party & tag all invalid, hint: \[\d+\], from ip: /);
    expect((await h.wecomPost(SEND, text({}), token)).errcode).toBe(82001);
  });

  it('takes at most 1000 users (40032), 100 parties (82002) and 100 tags (82003)', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(AGENT);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join('|');
    expect((await h.wecomPost(SEND, text({ touser: `lisi|${ids(999)}` }), token)).errcode).toBe(0);
    expect((await h.wecomPost(SEND, text({ touser: `lisi|${ids(1000)}` }), token)).errcode).toBe(40032);
    expect((await h.wecomPost(SEND, text({ toparty: ids(101) }), token)).errcode).toBe(82002);
    expect((await h.wecomPost(SEND, text({ totag: ids(101) }), token)).errcode).toBe(82003);
  });

  it('answers 301002 when the token belongs to another app or to the contact secret, 41011 without agentid', async () => {
    h = await startApiHarness();
    const other = await h.wecomPost(SEND, text({ touser: 'lisi' }), await h.wecomToken(OTHER_AGENT));
    expect(other.errcode).toBe(301002);
    expect(other.errmsg).toMatch(/^not allow operate another agent with this accesstoken\., hint: /);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), await h.wecomToken(CONTACT))).errcode).toBe(301002);
    expect((await h.wecomPost(SEND, { touser: 'lisi', msgtype: 'text', text: { content: 'x' } }, await h.wecomToken(AGENT))).errcode).toBe(41011);
  });

  it('refuses a missing (41001), unknown (40014) or expired (42001) token, and GET (40058)', async () => {
    h = await startApiHarness();
    const noToken = await tencentJson(await fetch(`${h.wecomUrl}${SEND}`, { method: 'POST', body: '{}' }));
    expect(noToken.errcode).toBe(41001);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), 'nope')).errcode).toBe(40014);
    const token = await h.wecomToken(AGENT);
    expect((await tencentJson(await fetch(`${h.wecomUrl}${SEND}?access_token=${token}`))).errcode).toBe(40058);
    expect((await h.wecomPost(SEND, '{not json', token)).errcode).toBe(40058);
    h.clock.advance(7200_000);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), token)).errcode).toBe(42001);
  });

  it('drops deliveries past 30 a minute per member silently, logs them, and delivers again a minute later', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(AGENT);
    for (let i = 0; i < 31; i++) expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), token)).errcode).toBe(0);
    expect((await h.wecomPost(SEND, text({ touser: 'wangwu' }), token)).errcode).toBe(0);
    expect(h.sim.received({ path: SEND })).toHaveLength(32);
    const dropped = h.sim.dropped();
    expect(dropped).toEqual([{ corpId: h.corp.corpId, agentId: 1000002, userid: 'lisi', msgid: h.sim.received()[30]?.msgid, at: h.clock.now(), reason: 'member-minute-limit' }]);
    h.clock.advance(60_000);
    await h.wecomPost(SEND, text({ touser: 'lisi' }), token);
    expect(h.sim.dropped({ userid: 'LiSi' })).toHaveLength(1);
  });

  it('counts the per-member limit per app', async () => {
    h = await startApiHarness({ wecomLimits: { memberPerMinute: 1 } });
    await h.wecomPost(SEND, text({ touser: 'lisi' }), await h.wecomToken(AGENT));
    await h.wecomPost(SEND, { ...text({ touser: 'lisi' }), agentid: 1000003 }, await h.wecomToken(OTHER_AGENT));
    expect(h.sim.dropped()).toEqual([]);
    await h.wecomPost(SEND, text({ touser: 'lisi' }), await h.wecomToken(AGENT));
    expect(h.sim.dropped({ agentId: 1000002 })).toHaveLength(1);
  });

  it('drops past 1000 an hour per member', async () => {
    h = await startApiHarness({ wecomLimits: { memberPerMinute: 1000, memberPerHour: 3 } });
    const token = await h.wecomToken(AGENT);
    for (let i = 0; i < 4; i++) {
      await h.wecomPost(SEND, text({ touser: 'lisi' }), token);
      h.clock.advance(5 * 60_000);
    }
    expect(h.sim.dropped().map((d) => d.reason)).toEqual(['member-hour-limit']);
  });

  it('answers 45009 past the per-corp, per-API minute rate', async () => {
    h = await startApiHarness({ wecomLimits: { perApiPerMinute: 2 } });
    const token = await h.wecomToken(AGENT);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), token)).errcode).toBe(0);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), token)).errcode).toBe(0);
    const over = await h.wecomPost(SEND, text({ touser: 'lisi' }), token);
    expect(over.errcode).toBe(45009);
    expect(over.errmsg).toMatch(wecomSuffix(45009));
    h.clock.advance(60_000);
    expect((await h.wecomPost(SEND, text({ touser: 'lisi' }), token)).errcode).toBe(0);
  });
});
