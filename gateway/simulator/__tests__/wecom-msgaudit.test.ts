import { closeHarnesses, startApiHarness, tencentJson, wecomSuffix, type ApiHarness, type Json } from './helpers/api-harness';

const SINGLE = '/cgi-bin/msgaudit/check_single_agree';
const ROOM = '/cgi-bin/msgaudit/check_room_agree';
const PERMIT = '/cgi-bin/msgaudit/get_permit_user_list';
const GROUPCHAT = '/cgi-bin/msgaudit/groupchat/get';

let h: ApiHarness;
let token: string;
afterEach(closeHarnesses);
beforeEach(async () => {
  h = await startApiHarness();
  token = await h.wecomToken(h.corp.msgauditSecret);
});

const customer = (n = 0): string => h.corp.externalContacts[n] as string;

function expectError(body: Json, errcode: number): void {
  expect(body).toEqual({ errcode, errmsg: expect.stringMatching(wecomSuffix(errcode)) });
}

describe('msgaudit token', () => {
  it('gettoken issues a token for the msgaudit secret, distinct from the other secrets\' tokens', async () => {
    expect(h.sim.checkWecomAccessToken(token)).toEqual({ errcode: 0, principal: { corpId: h.corp.corpId, kind: 'msgaudit' } });
    expect(token).not.toBe(await h.wecomToken(h.corp.contactSecret));
  });

  it.each([SINGLE, ROOM, PERMIT, GROUPCHAT])('%s refuses app and contact tokens with 48002', async (path) => {
    for (const secret of [h.corp.contactSecret, h.corp.agents[0]!.secret]) {
      expectError(await h.wecomPost(path, { info: [{ userid: 'lisi', exteranalopenid: customer() }], roomid: 'wr1' }, await h.wecomToken(secret)), 48002);
    }
  });

  it('a msgaudit token cannot send app messages or customer tasks', async () => {
    expectError(await h.wecomPost('/cgi-bin/message/send', { touser: 'lisi', msgtype: 'text', agentid: 1000002, text: { content: 'x' } }, token), 301002);
    expectError(await h.wecomPost('/cgi-bin/externalcontact/add_msg_template', { external_userid: [customer()], text: { content: 'x' } }, token), 48002);
  });

  it.each([SINGLE, ROOM, PERMIT, GROUPCHAT])('%s: 41001 / 40014 / 42001 for missing, unknown and expired tokens', async (path) => {
    const post = (t?: string) => fetch(`${h.wecomUrl}${path}${t === undefined ? '' : `?access_token=${t}`}`, { method: 'POST', body: '{}' }).then(tencentJson);
    expectError(await post(), 41001);
    expectError(await post('nope'), 40014);
    h.clock.advance(7200_000);
    expectError(await post(token), 42001);
  });

  it.each([SINGLE, ROOM, PERMIT, GROUPCHAT])('%s: 40058 for GET, malformed JSON, an empty body and a JSON array', async (path) => {
    expectError(await tencentJson(await fetch(`${h.wecomUrl}${path}?access_token=${token}`)), 40058);
    for (const body of ['{"info": [', '', '[]']) expectError(await h.wecomPost(path, body, token), 40058);
  });
});

describe('POST /cgi-bin/msgaudit/check_single_agree', () => {
  it('answers each pair in request order under the misspelled key exteranalopenid, status_change_time in seconds', async () => {
    const agreedAt = h.clock.now() - 90_500;
    h.sim.setAgreeStatus(h.corp.corpId, 'lisi', customer(0), 'Agree', agreedAt);
    h.sim.setAgreeStatus(h.corp.corpId, 'ZhangSan', customer(1), 'Default_Agree', agreedAt + 1000);
    const body = await h.wecomPost(SINGLE, { info: [{ userid: 'ZhangSan', exteranalopenid: customer(1) }, { userid: 'lisi', exteranalopenid: customer(0) }, { userid: 'wangwu', exteranalopenid: customer(2) }] }, token);
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      agreeinfo: [
        { status_change_time: Math.floor((agreedAt + 1000) / 1000), userid: 'ZhangSan', exteranalopenid: customer(1), agree_status: 'Default_Agree' },
        { status_change_time: Math.floor(agreedAt / 1000), userid: 'lisi', exteranalopenid: customer(0), agree_status: 'Agree' },
        // Never chose: not archived, reported as Disagree at time 0.
        { status_change_time: 0, userid: 'wangwu', exteranalopenid: customer(2), agree_status: 'Disagree' },
      ],
    });
    expect(JSON.stringify(body)).not.toContain('externalopenid');
  });

  it('matches userids case-insensitively and echoes them as asked', async () => {
    h.sim.setAgreeStatus(h.corp.corpId, 'zhangsan', customer(), 'Disagree');
    const body = await h.wecomPost(SINGLE, { info: [{ userid: 'ZHANGSAN', exteranalopenid: customer() }] }, token);
    expect(body.agreeinfo).toEqual([expect.objectContaining({ userid: 'ZHANGSAN', agree_status: 'Disagree', status_change_time: Math.floor(h.clock.now() / 1000) })]);
  });

  it('takes 100 entries and answers 301060 for 101', async () => {
    const entry = { userid: 'lisi', exteranalopenid: customer() };
    const hundred = await h.wecomPost(SINGLE, { info: Array.from({ length: 100 }, () => entry) }, token);
    expect(hundred.agreeinfo).toHaveLength(100);
    expectError(await h.wecomPost(SINGLE, { info: Array.from({ length: 101 }, () => entry) }, token), 301060);
  });

  it('answers 301061 for a userid that is no member and for an id that is no customer', async () => {
    expectError(await h.wecomPost(SINGLE, { info: [{ userid: 'lisi', exteranalopenid: customer() }, { userid: 'nobody', exteranalopenid: customer() }] }, token), 301061);
    expectError(await h.wecomPost(SINGLE, { info: [{ userid: 'lisi', exteranalopenid: 'wm' + 'x'.repeat(30) }] }, token), 301061);
  });

  it.each([
    ['the "fixed" spelling externalopenid', { info: [{ userid: 'lisi', externalopenid: 'wmX' }] }],
    ['no info', {}],
    ['an empty info list', { info: [] }],
    ['info as an object', { info: { userid: 'lisi' } }],
    ['an entry without userid', { info: [{ exteranalopenid: 'wmX' }] }],
    ['an entry that is a string', { info: ['lisi'] }],
    ['a numeric userid', { info: [{ userid: 7, exteranalopenid: 'wmX' }] }],
  ])('answers 40058 for %s', async (_name, body) => {
    expectError(await h.wecomPost(SINGLE, body, token), 40058);
  });
});

describe('consent changes in the archive stream', () => {
  it('Agree and Disagree append agree / disagree system messages with the time in ms; Default_Agree and repeats append nothing', async () => {
    const at = h.clock.now() - 5000;
    const agreed = h.sim.setAgreeStatus(h.corp.corpId, 'lisi', customer(), 'Agree', at);
    expect(agreed.changed).toBe(true);
    expect(agreed.archived).toEqual({
      seq: 1,
      message: {
        msgid: expect.stringMatching(new RegExp(`^\\d{19}_${Math.floor(at / 1000)}$`)),
        action: 'send',
        from: customer(),
        tolist: ['lisi'],
        roomid: '',
        msgtime: at,
        msgtype: 'agree',
        agree: { userid: customer(), agree_time: at },
      },
    });
    expect(h.sim.setAgreeStatus(h.corp.corpId, 'LISI', customer(), 'Agree').changed).toBe(false);
    const disagreed = h.sim.setAgreeStatus(h.corp.corpId, 'lisi', customer(), 'Disagree', at + 1000);
    expect(disagreed.previous).toEqual({ status: 'Agree', changedAt: at });
    expect(disagreed.archived?.message).toMatchObject({ msgtype: 'disagree', disagree: { userid: customer(), disagree_time: at + 1000 } });
    expect(disagreed.archived?.message).not.toHaveProperty('agree');
    expect(h.sim.setAgreeStatus(h.corp.corpId, 'wangwu', customer(1), 'Default_Agree').archived).toBeUndefined();
    expect(h.sim.archiveMessages(h.corp.corpId).map((m) => [m.seq, m.message.msgtype])).toEqual([[1, 'agree'], [2, 'disagree']]);
    expect(h.sim.archiveMessages(h.corp.corpId, 1).map((m) => m.seq)).toEqual([2]);
  });

  it('a first explicit Disagree is a change (from undecided) and is archived', () => {
    const change = h.sim.setAgreeStatus(h.corp.corpId, 'lisi', customer(), 'Disagree');
    expect(change).toMatchObject({ changed: true, previous: { status: 'Disagree', changedAt: 0 } });
    expect(change.archived?.message.msgtype).toBe('disagree');
  });

  it('appendArchiveMessage continues the same seq and generates a msgid when absent', () => {
    h.sim.setAgreeStatus(h.corp.corpId, 'lisi', customer(), 'Agree');
    const text = h.sim.appendArchiveMessage(h.corp.corpId, { action: 'send', from: 'lisi', tolist: [customer()], roomid: '', msgtime: h.clock.now(), msgtype: 'text', text: { content: 'hi' } });
    expect(text.seq).toBe(2);
    expect(text.message.msgid).toMatch(/^\d{19}_\d{10}$/);
    expect(h.sim.appendArchiveMessage(h.corp.corpId, { msgid: 'given', action: 'switch', time: 1, user: 'lisi' }).message.msgid).toBe('given');
  });

  it('refuses strangers and unknown statuses', () => {
    expect(() => h.sim.setAgreeStatus(h.corp.corpId, 'nobody', customer(), 'Agree')).toThrow(/not a member/);
    expect(() => h.sim.setAgreeStatus(h.corp.corpId, 'lisi', 'wm' + 'x'.repeat(30), 'Agree')).toThrow(/not a customer/);
    expect(() => h.sim.setAgreeStatus(h.corp.corpId, 'lisi', customer(), 'agree' as never)).toThrow(/agree status/);
    expect(() => h.sim.setAgreeStatus('ww0000000000000000', 'lisi', customer(), 'Agree')).toThrow(/no corp/);
  });

  it('a customer added at run time can consent', async () => {
    const { externalUserId } = h.sim.addExternalContact(h.corp.corpId, 'lisi');
    h.sim.setAgreeStatus(h.corp.corpId, 'lisi', externalUserId, 'Agree');
    const body = await h.wecomPost(SINGLE, { info: [{ userid: 'lisi', exteranalopenid: externalUserId }] }, token);
    expect(body.agreeinfo[0].agree_status).toBe('Agree');
  });
});

describe('rooms: check_room_agree and groupchat/get', () => {
  it('check_room_agree answers the room\'s customers only, with their room consent', async () => {
    const created = h.clock.now() - 86_400_000;
    const roomid = h.sim.defineRoom(h.corp.corpId, { name: '理财客户群', creator: 'lisi', createdAt: created, members: ['wangwu', customer(0), { id: customer(1), joinedAt: created + 1000 }] });
    expect(roomid).toMatch(/^wr[A-Za-z0-9_-]{30}$/);
    const change = h.sim.setRoomAgreeStatus(h.corp.corpId, roomid, customer(1), 'Agree', created + 2000);
    expect(change.archived?.message).toMatchObject({ from: customer(1), roomid, tolist: ['lisi', 'wangwu', customer(0)], msgtype: 'agree', agree: { userid: customer(1), agree_time: created + 2000 } });
    expect(change.approvedEvent).toBeUndefined();
    const body = await h.wecomPost(ROOM, { roomid }, token);
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      agreeinfo: [
        { status_change_time: 0, exteranalopenid: customer(0), agree_status: 'Disagree' },
        { status_change_time: Math.floor((created + 2000) / 1000), exteranalopenid: customer(1), agree_status: 'Agree' },
      ],
    });
    // A room consent is not a one-to-one consent.
    expect((await h.wecomPost(SINGLE, { info: [{ userid: 'lisi', exteranalopenid: customer(1) }] }, token)).agreeinfo[0].agree_status).toBe('Disagree');
  });

  it('check_room_agree: 40058 without roomid or for an unknown room', async () => {
    expectError(await h.wecomPost(ROOM, {}, token), 40058);
    expectError(await h.wecomPost(ROOM, { roomid: 'wrunknown' }, token), 40058);
  });

  it('groupchat/get answers an internal group with times in seconds', async () => {
    const created = Date.UTC(2025, 0, 1, 1, 2, 3, 456);
    const roomid = h.sim.defineRoom(h.corp.corpId, { roomid: 'wrInternal01', name: '合规内部群', creator: 'ZhangSan', notice: '请遵守合规要求', createdAt: created, members: [{ id: 'lisi', joinedAt: created + 60_000 }] });
    expect(await h.wecomPost(GROUPCHAT, { roomid }, token)).toEqual({
      errcode: 0,
      errmsg: 'ok',
      roomname: '合规内部群',
      creator: 'ZhangSan',
      room_create_time: Math.floor(created / 1000),
      notice: '请遵守合规要求',
      members: [
        { memberid: 'ZhangSan', jointime: Math.floor(created / 1000) },
        { memberid: 'lisi', jointime: Math.floor((created + 60_000) / 1000) },
      ],
    });
  });

  it('groupchat/get answers 301059 for a group with customers and for an unknown room, 40058 without roomid', async () => {
    const external = h.sim.defineRoom(h.corp.corpId, { creator: 'lisi', members: [customer()] });
    expectError(await h.wecomPost(GROUPCHAT, { roomid: external }, token), 301059);
    expectError(await h.wecomPost(GROUPCHAT, { roomid: 'wrunknown' }, token), 301059);
    expectError(await h.wecomPost(GROUPCHAT, { roomid: '' }, token), 40058);
  });

  it('defineRoom refuses strangers, a non-member creator, duplicates and bad roomids', () => {
    expect(() => h.sim.defineRoom(h.corp.corpId, { creator: 'lisi', members: ['nobody'] })).toThrow(/not: nobody/);
    expect(() => h.sim.defineRoom(h.corp.corpId, { creator: customer(), members: [] })).toThrow(/creator/);
    expect(() => h.sim.defineRoom(h.corp.corpId, { creator: 'lisi', members: ['wangwu', 'WANGWU'] })).toThrow(/twice/);
    expect(() => h.sim.defineRoom(h.corp.corpId, { roomid: 'bad id', creator: 'lisi', members: [] })).toThrow(/roomid/);
    const roomid = h.sim.defineRoom(h.corp.corpId, { creator: 'lisi', members: [customer()] });
    expect(() => h.sim.setRoomAgreeStatus(h.corp.corpId, roomid, customer(1), 'Agree')).toThrow(/not a customer in room/);
    expect(() => h.sim.setRoomAgreeStatus(h.corp.corpId, roomid, 'lisi', 'Agree')).toThrow(/not a customer in room/);
    expect(() => h.sim.setRoomAgreeStatus(h.corp.corpId, 'wrnone', customer(), 'Agree')).toThrow(/no room/);
  });
});

describe('POST /cgi-bin/msgaudit/get_permit_user_list', () => {
  it('covers every member at edition 1 until a list is set', async () => {
    expect(await h.wecomPost(PERMIT, {}, token)).toEqual({ errcode: 0, errmsg: 'ok', ids: ['ZhangSan', 'lisi', 'wangwu'] });
    expect((await h.wecomPost(PERMIT, { type: 2 }, token)).ids).toEqual([]);
  });

  it('answers the set list, filtered by type', async () => {
    h.sim.setPermitUsers(h.corp.corpId, { lisi: 1, wangwu: 2, ZhangSan: 3 });
    expect((await h.wecomPost(PERMIT, {}, token)).ids).toEqual(['lisi', 'wangwu', 'ZhangSan']);
    expect((await h.wecomPost(PERMIT, { type: 1 }, token)).ids).toEqual(['lisi']);
    expect((await h.wecomPost(PERMIT, { type: 2 }, token)).ids).toEqual(['wangwu']);
    expect((await h.wecomPost(PERMIT, { type: 3 }, token)).ids).toEqual(['ZhangSan']);
    h.sim.setPermitUsers(h.corp.corpId, ['wangwu']);
    expect((await h.wecomPost(PERMIT, {}, token)).ids).toEqual(['wangwu']);
  });

  it.each([[4], ['1'], [0], [null]])('answers 40058 for type %p', async (type) => {
    expectError(await h.wecomPost(PERMIT, { type }, token), 40058);
  });

  it('setPermitUsers refuses non-members and unknown editions', () => {
    expect(() => h.sim.setPermitUsers(h.corp.corpId, ['nobody'])).toThrow(/not a member/);
    expect(() => h.sim.setPermitUsers(h.corp.corpId, { lisi: 4 as never })).toThrow(/edition/);
  });
});
