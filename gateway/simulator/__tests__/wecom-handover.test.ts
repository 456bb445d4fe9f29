/**
 * Customer hand-over on the simulated WeCom against the reference (wecom.md
 * §4.1, §4.2, §4.6, §4.7, §5.1; limits-and-errors.md §1–§2, §3.2): who has
 * which customers and groups, in-service and resigned transfers with the
 * 24-hour takeover on the simulator clock, ≤ 100 ids per call, 2 in-service
 * transfers per customer per 90 days, 40097 for a member who has not left,
 * refusals and the takeover member's limit with their transfer_fail
 * callbacks, and groups to a new owner.
 */
import { TRANSFER_STATUS } from '../state/customer-contacts';
import { closeHarnesses, startApiHarness, wecomSuffix, type ApiHarness, type Json } from './helpers/api-harness';

const CONTACT = 'C'.repeat(43);
const AGENT = 'A'.repeat(43);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const TRANSFER = '/cgi-bin/externalcontact/transfer_customer';
const RESIGNED = '/cgi-bin/externalcontact/resigned/transfer_customer';
const RESULT = '/cgi-bin/externalcontact/transfer_result';
const RESIGNED_RESULT = '/cgi-bin/externalcontact/resigned/transfer_result';
const UNASSIGNED = '/cgi-bin/externalcontact/get_unassigned_list';
const GROUP_LIST = '/cgi-bin/externalcontact/groupchat/list';
const GROUP_GET = '/cgi-bin/externalcontact/groupchat/get';
const ONJOB_GROUPS = '/cgi-bin/externalcontact/groupchat/onjob_transfer';
const RESIGNED_GROUPS = '/cgi-bin/externalcontact/groupchat/transfer';

let h: ApiHarness;
afterEach(closeHarnesses);

async function start(limits: Record<string, number> = {}): Promise<{ token: string }> {
  h = await startApiHarness({ wecomLimits: limits });
  return { token: await h.wecomToken(CONTACT) };
}

/** POST with a fresh contact token (the clock moves days ahead: tokens expire after 7200 s). */
const post = async (path: string, body: unknown): Promise<Json> => h.wecomPost(path, body, await h.wecomToken(CONTACT));
const get = async (path: string, query: Record<string, string>, token: string): Promise<Json> =>
  (await fetch(`${h.wecomUrl}${path}?${new URLSearchParams({ access_token: token, ...query })}`)).json() as Promise<Json>;
/** Customers of `userid`, new ones. */
const customers = (userid: string, n: number): string[] => Array.from({ length: n }, () => h.sim.followCustomer(h.corp.corpId, userid));
/** The change_external_contact events WeCom pushed to the corp, as [ChangeType, UserID, ExternalUserID, Source/FailReason]. */
async function pushed(): Promise<string[][]> {
  await h.sim.settled();
  return h.sim.wecomCallbacks({ corpId: h.corp.corpId }).map((c) => {
    const field = (name: string) => new RegExp(`<${name}><!\\[CDATA\\[([^\\]]*)\\]\\]></${name}>`).exec(c.xml)?.[1] ?? '';
    return [field('ChangeType'), field('UserID'), field('ExternalUserID'), field('Source') || field('FailReason')];
  });
}

describe('who has which customers', () => {
  it('get_follow_user_list lists the members in service; list names a member\'s customers', async () => {
    const { token } = await start();
    const mine = customers('lisi', 2);
    expect(await get('/cgi-bin/externalcontact/get_follow_user_list', {}, token)).toEqual({ errcode: 0, errmsg: 'ok', follow_user: ['ZhangSan', 'lisi', 'wangwu'] });
    expect(await get('/cgi-bin/externalcontact/list', { userid: 'lisi' }, token)).toEqual({ errcode: 0, errmsg: 'ok', external_userid: mine });
    h.sim.departMember(h.corp.corpId, 'wangwu');
    expect((await get('/cgi-bin/externalcontact/get_follow_user_list', {}, token)).follow_user).toEqual(['ZhangSan', 'lisi']);
  });

  it.each([
    ['no userid (41009)', {}, 41009],
    ['a stranger (60111)', { userid: 'ghost' }, 60111],
    ['a member without customers (84061)', { userid: 'wangwu' }, 84061],
  ])('list answers %s', async (_name, query, errcode) => {
    const { token } = await start();
    const answer = await get('/cgi-bin/externalcontact/list', query, token);
    expect(answer.errcode).toBe(errcode);
    expect(answer.errmsg).toMatch(wecomSuffix(errcode));
  });

  it('takes only the contact secret (48002) and GET for the GET APIs (40058)', async () => {
    await start();
    const app = await h.wecomToken(AGENT);
    expect((await get('/cgi-bin/externalcontact/list', { userid: 'lisi' }, app)).errcode).toBe(48002);
    expect((await h.wecomPost('/cgi-bin/externalcontact/list', {}, await h.wecomToken(CONTACT))).errcode).toBe(40058);
    expect((await h.wecomPost(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: customers('lisi', 1) }, app)).errcode).toBe(48002);
  });
});

describe('in-service transfer (transfer_customer, transfer_result)', () => {
  it('starts the hand-over (errcode 0) and the takeover happens 24 hours later on the simulator clock, with del_external_contact DELETE_BY_TRANSFER', async () => {
    const { token } = await start();
    const [a, b] = customers('lisi', 2) as [string, string];
    const started = h.clock.now();
    const answer = await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [a, b], transfer_success_msg: '您好，我是接替您服务的王五' });
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', customer: [{ external_userid: a, errcode: 0 }, { external_userid: b, errcode: 0 }] });

    h.clock.advance(DAY - 1000);
    const due = Math.floor((started + DAY) / 1000);
    expect(await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).toEqual({
      errcode: 0, errmsg: 'ok', next_cursor: '',
      customer: [{ external_userid: a, status: 2, takeover_time: due }, { external_userid: b, status: 2, takeover_time: due }],
    });
    expect(h.sim.followUsers(h.corp.corpId, a)).toEqual(['lisi']);
    expect(await pushed()).toEqual([]);

    h.clock.advance(1000);
    const done = await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' });
    expect(done.customer).toEqual([{ external_userid: a, status: 1, takeover_time: due }, { external_userid: b, status: 1, takeover_time: due }]);
    expect(h.sim.followUsers(h.corp.corpId, a)).toEqual(['wangwu']);
    expect(h.sim.customersOf(h.corp.corpId, 'lisi')).toEqual([]);
    expect(await pushed()).toEqual([['del_external_contact', 'lisi', a, 'DELETE_BY_TRANSFER'], ['del_external_contact', 'lisi', b, 'DELETE_BY_TRANSFER']]);
    // Another pair's transfers are not in this pair's result.
    expect((await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'ZhangSan' })).customer).toEqual([]);
  });

  it('answers each customer: 40096 not a customer, 84061 not the handover member\'s, 40129 already waiting, 40130 the same member', async () => {
    const { token } = await start();
    const [mine] = customers('lisi', 1) as [string];
    const [theirs] = customers('ZhangSan', 1) as [string];
    const stranger = `wm${'s'.repeat(30)}`;
    const first = await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [stranger, theirs, mine, mine] });
    expect(first.customer).toEqual([
      { external_userid: stranger, errcode: 40096 },
      { external_userid: theirs, errcode: 84061 },
      { external_userid: mine, errcode: 0 },
      { external_userid: mine, errcode: 40129 },
    ]);
    const same = await post(TRANSFER, { handover_userid: 'ZhangSan', takeover_userid: 'zhangsan', external_userid: [theirs] });
    expect(same.customer).toEqual([{ external_userid: theirs, errcode: 40130 }]);
    expect(h.sim.customerTransfers(h.corp.corpId)).toHaveLength(1);
  });

  it('takes at most 100 external_userid per call (40058 beyond), none is 41035, and a message of at most 200 characters', async () => {
    const { token } = await start();
    const hundred = customers('lisi', 101);
    const over = await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: hundred });
    expect(over.errcode).toBe(40058);
    expect(h.sim.customerTransfers()).toEqual([]);
    expect((await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [] })).errcode).toBe(41035);
    expect((await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).errcode).toBe(41035);
    const long = await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: hundred.slice(0, 1), transfer_success_msg: '好'.repeat(201) });
    expect(long.errcode).toBe(40058);
    const ok = await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: hundred.slice(0, 100), transfer_success_msg: '好'.repeat(200) });
    expect(ok.customer).toHaveLength(100);
    expect(ok.customer.every((c: Json) => c.errcode === 0)).toBe(true);
  });

  it.each([
    ['a handover member who is no member', { handover_userid: 'ghost', takeover_userid: 'wangwu' }, 40003],
    ['a takeover member who is no member', { handover_userid: 'lisi', takeover_userid: 'ghost' }, 40003],
    ['no takeover member', { handover_userid: 'lisi' }, 40058],
  ])('refuses %s', async (_name, body, errcode) => {
    const { token } = await start();
    const answer = await post(TRANSFER, { ...body, external_userid: customers('lisi', 1) });
    expect(answer.errcode).toBe(errcode);
    expect(h.sim.customerTransfers()).toEqual([]);
  });

  it('allows 2 in-service transfers of a customer per 90 days (40128 for the third), counting a refused one, and again after 90 days', async () => {
    const { token } = await start();
    const [c] = customers('lisi', 1) as [string];
    const move = async (from: string, to: string) => (await post(TRANSFER, { handover_userid: from, takeover_userid: to, external_userid: [c] })).customer[0].errcode as number;
    expect(await move('lisi', 'wangwu')).toBe(0);
    h.sim.refuseTransfer(h.corp.corpId, c); // refused: lisi keeps the customer, the transfer still counts
    expect(await move('lisi', 'ZhangSan')).toBe(0);
    h.clock.advance(DAY);
    expect(await move('ZhangSan', 'wangwu')).toBe(40128);
    h.clock.advance(90 * DAY - DAY - 1);
    expect(await move('ZhangSan', 'wangwu')).toBe(40128);
    h.clock.advance(1);
    expect(await move('ZhangSan', 'wangwu')).toBe(0);
  });

  it('a refusal is status 3 and transfer_fail customer_refused to the takeover member; the customer stays', async () => {
    const { token } = await start();
    const [c] = customers('lisi', 1) as [string];
    await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [c] });
    h.clock.advance(HOUR);
    expect(h.sim.refuseTransfer(h.corp.corpId, c).status).toBe(TRANSFER_STATUS.refused);
    h.clock.advance(DAY);
    expect((await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).customer).toEqual([{ external_userid: c, status: 3, takeover_time: 0 }]);
    expect(h.sim.followUsers(h.corp.corpId, c)).toEqual(['lisi']);
    expect(await pushed()).toEqual([['transfer_fail', 'wangwu', c, 'customer_refused']]);
    expect(() => h.sim.refuseTransfer(h.corp.corpId, c)).toThrow(/no transfer/);
  });

  it('a takeover member at their customer limit ends in status 4 and transfer_fail customer_limit_exceed', async () => {
    const { token } = await start({ memberCustomerMax: 1 });
    customers('wangwu', 1);
    const [c] = customers('lisi', 1) as [string];
    await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [c] });
    h.clock.advance(DAY);
    expect((await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).customer).toEqual([{ external_userid: c, status: 4, takeover_time: 0 }]);
    expect(await pushed()).toEqual([['transfer_fail', 'wangwu', c, 'customer_limit_exceed']]);
  });

  it('pages transfer_result with next_cursor, and refuses a cursor it did not issue', async () => {
    const { token } = await start({ transferResultPageSize: 2 });
    const five = customers('lisi', 5);
    await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: five });
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const answer = await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu', cursor });
      seen.push(...answer.customer.map((c: Json) => c.external_userid));
      cursor = answer.next_cursor;
      if (cursor === '') break;
    }
    expect(seen).toEqual(five);
    expect((await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu', cursor: 'bm9wZQ' })).errcode).toBe(40058);
  });
});

describe('departed member (get_unassigned_list, resigned/transfer_customer)', () => {
  it('answers 40097 when the handover member has not left, and 40003 for an in-service transfer of one who has', async () => {
    const { token } = await start();
    const [c] = customers('lisi', 1) as [string];
    const answer = await post(RESIGNED, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [c] });
    expect(answer.errcode).toBe(40097);
    expect(answer.errmsg).toMatch(wecomSuffix(40097));
    h.sim.departMember(h.corp.corpId, 'lisi');
    expect((await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: [c] })).errcode).toBe(40003);
    expect((await post(RESIGNED, { handover_userid: 'wangwu', takeover_userid: 'ZhangSan', external_userid: [c] })).errcode).toBe(40097);
    expect(h.sim.customerTransfers()).toEqual([]);
  });

  it('lists a departed member\'s customers page by page, transfers them (24 h, resigned/transfer_result), uncapped', async () => {
    const { token } = await start();
    const mine = customers('lisi', 3);
    customers('wangwu', 1);
    // Two refused in-service transfers: the in-service cap is reached, which does not bind a resigned transfer.
    for (let i = 0; i < 2; i++) {
      expect((await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'ZhangSan', external_userid: [mine[0]] })).customer[0].errcode).toBe(0);
      h.sim.refuseTransfer(h.corp.corpId, mine[0]!);
    }
    expect((await post(TRANSFER, { handover_userid: 'lisi', takeover_userid: 'ZhangSan', external_userid: [mine[0]] })).customer[0].errcode).toBe(40128);
    const left = h.clock.now() - DAY;
    h.sim.departMember(h.corp.corpId, 'lisi', left);
    const pages: Json[] = [];
    let cursor = '';
    do {
      const page = await post(UNASSIGNED, { page_size: 2, cursor });
      pages.push(page);
      cursor = page.next_cursor;
    } while (cursor !== '');
    expect(pages.map((p) => p.is_last)).toEqual([false, true]);
    expect(pages.flatMap((p) => p.info)).toEqual(mine.map((id) => ({ handover_userid: 'lisi', external_userid: id, dimission_time: Math.floor(left / 1000) })));
    expect((await post(UNASSIGNED, { page_size: 1001 })).errcode).toBe(40058);
    // GET takes the same fields in the query.
    expect(await get(UNASSIGNED, { page_size: '2' }, await h.wecomToken(CONTACT))).toEqual(pages[0]);
    expect((await get(UNASSIGNED, { page_size: '0' }, await h.wecomToken(CONTACT))).errcode).toBe(40058);

    const answer = await post(RESIGNED, { handover_userid: 'lisi', takeover_userid: 'wangwu', external_userid: mine });
    expect(answer.customer).toEqual(mine.map((id) => ({ external_userid: id, errcode: 0 })));
    // In progress: no longer unassigned.
    expect((await post(UNASSIGNED, {})).info).toEqual([]);
    expect((await post(RESIGNED_RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).customer.map((c: Json) => c.status)).toEqual([2, 2, 2]);
    expect((await post(RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).customer).toEqual([]);
    h.clock.advance(DAY);
    expect((await post(RESIGNED_RESULT, { handover_userid: 'lisi', takeover_userid: 'wangwu' })).customer.map((c: Json) => c.status)).toEqual([1, 1, 1]);
    expect(h.sim.customersOf(h.corp.corpId, 'wangwu')).toHaveLength(4);
    // No DELETE_BY_TRANSFER for a member who has left (only the two refusals were pushed).
    expect((await pushed()).map((p) => p[0])).toEqual(['transfer_fail', 'transfer_fail']);
  });
});

describe('customer groups (groupchat/list, get, onjob_transfer, transfer)', () => {
  it('lists an owner\'s groups page by page and moves them to the new owner at once', async () => {
    const { token } = await start();
    const [c] = customers('lisi', 1) as [string];
    const groups = [0, 1, 2].map((i) => h.sim.defineCustomerGroup(h.corp.corpId, { owner: 'lisi', name: `理财群${i}`, members: [c] }));
    h.sim.defineCustomerGroup(h.corp.corpId, { owner: 'ZhangSan', members: [c] });
    const first = await post(GROUP_LIST, { owner_filter: { userid_list: ['lisi'] }, limit: 2 });
    const second = await post(GROUP_LIST, { owner_filter: { userid_list: ['lisi'] }, limit: 2, cursor: first.next_cursor });
    expect([...first.group_chat_list, ...second.group_chat_list]).toEqual(groups.map((chat_id) => ({ chat_id, status: 0 })));
    expect(second.next_cursor).toBe('');
    expect((await post(GROUP_LIST, { limit: 1001 })).errcode).toBe(40058);

    const moved = await post(ONJOB_GROUPS, { chat_id_list: [...groups, 'wrUnknownChat'], new_owner: 'wangwu' });
    expect(moved).toEqual({ errcode: 0, errmsg: 'ok', failed_chat_list: [{ chat_id: 'wrUnknownChat', errcode: 90501, errmsg: 'chat is not external group chat' }] });
    const got = await post(GROUP_GET, { chat_id: groups[0] });
    expect(got.group_chat).toMatchObject({ chat_id: groups[0], owner: 'wangwu', name: '理财群0' });
    expect(got.group_chat.member_list.map((m: Json) => [m.userid, m.type])).toEqual([['lisi', 1], [c, 2], ['wangwu', 1]]);
    const again = await post(ONJOB_GROUPS, { chat_id_list: [groups[0]], new_owner: 'wangwu' });
    expect(again.failed_chat_list).toEqual([expect.objectContaining({ chat_id: groups[0], errcode: 90504 })]);
  });

  it('takes 1 to 100 chat ids (40058 otherwise); a departed owner\'s groups go through groupchat/transfer only', async () => {
    const { token } = await start();
    const chat = h.sim.defineCustomerGroup(h.corp.corpId, { owner: 'lisi' });
    expect((await post(ONJOB_GROUPS, { chat_id_list: [], new_owner: 'wangwu' })).errcode).toBe(40058);
    expect((await post(ONJOB_GROUPS, { chat_id_list: Array.from({ length: 101 }, (_, i) => `wr${i}`), new_owner: 'wangwu' })).errcode).toBe(40058);
    expect((await post(RESIGNED_GROUPS, { chat_id_list: [chat], new_owner: 'wangwu' })).failed_chat_list).toEqual([expect.objectContaining({ chat_id: chat, errcode: 90500 })]);
    h.sim.departMember(h.corp.corpId, 'lisi');
    expect((await post(GROUP_LIST, { status_filter: 1, limit: 10 })).group_chat_list).toEqual([{ chat_id: chat, status: 1 }]);
    expect((await post(ONJOB_GROUPS, { chat_id_list: [chat], new_owner: 'wangwu' })).failed_chat_list).toEqual([expect.objectContaining({ chat_id: chat, errcode: 90502 })]);
    expect((await post(RESIGNED_GROUPS, { chat_id_list: [chat], new_owner: 'lisi' })).errcode).toBe(40003);
    expect((await post(RESIGNED_GROUPS, { chat_id_list: [chat], new_owner: 'wangwu' })).failed_chat_list).toEqual([]);
    expect(h.sim.customerGroup(h.corp.corpId, chat)).toMatchObject({ owner: 'wangwu', status: 3 });
  });
});
