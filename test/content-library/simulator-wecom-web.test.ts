/**
 * The simulator's WeCom for web pages (gateway/simulator/api/wecom-web.ts):
 * web authorization (authorize page, getuserinfo with single-use 5-minute
 * codes bound to the app), jsapi tickets (the same while valid, 400/h per
 * corp and 100/h per app, then 45009) and image upload, with WeCom's errcodes.
 */
import { createManualClock, type ManualClock } from '../../gateway/simulator/clock';
import { createTencentSimulator, type ListeningSimulator, type TencentSimulator } from '../../gateway/simulator/simulator';
import { createSimulatedCorp, type SimulatedCorp } from '../../gateway/simulator/state/wecom-corps';
import { md5, PNG_1X1 } from './content-fixtures';

let clock: ManualClock;
let sim: TencentSimulator;
let wecom: ListeningSimulator;
let corp: SimulatedCorp;
let other: SimulatedCorp;
const secondAgent = 'S'.repeat(43);

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2025, 5, 2, 1, 0, 0));
  corp = createSimulatedCorp({ members: ['rm.zhang', 'lisi'], agents: [{ agentId: 1000002, secret: 'A'.repeat(43) }, { agentId: 1000003, secret: secondAgent }] });
  other = createSimulatedCorp({ members: ['someone'] });
  sim = createTencentSimulator({ accounts: [], corps: [corp, other], clock });
  wecom = await sim.listenWecom();
});
afterAll(async () => wecom?.close());

async function token(secret: string, corpId = corp.corpId): Promise<string> {
  const answer = (await (await fetch(`${wecom.url}/cgi-bin/gettoken?corpid=${corpId}&corpsecret=${secret}`)).json()) as { access_token: string };
  return answer.access_token;
}
const json = async (path: string, init?: RequestInit) => (await fetch(`${wecom.url}${path}`, init)).json() as Promise<Record<string, unknown>>;
const authorize = (params: Record<string, string>, cookie?: string) => fetch(`${wecom.url}/connect/oauth2/authorize?${new URLSearchParams(params)}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const authorizeParams = (over: Record<string, string> = {}) => ({ appid: corp.corpId, redirect_uri: 'https://gw.bank.example/wecom/bank-corp/sidebar/oauth?x=1', response_type: 'code', scope: 'snsapi_base', state: 'st4te', agentid: '1000002', ...over });

async function codeFor(userid: string, agentid = '1000002'): Promise<string> {
  const answer = await authorize(authorizeParams({ agentid }), sim.wecomUserCookie(corp.corpId, userid));
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  expect(location.searchParams.get('x')).toBe('1');
  expect(location.searchParams.get('state')).toBe('st4te');
  return location.searchParams.get('code')!;
}

describe('WeCom web authorization', () => {
  it('refuses a malformed authorize request with a 400 page naming the reason', async () => {
    for (const [over, reason] of [[{ appid: 'ww0000000000000000' }, 'appid'], [{ redirect_uri: 'javascript:alert(1)' }, 'redirect_uri'], [{ response_type: 'token' }, 'response_type'], [{ scope: 'snsapi_userinfo' }, 'scope'], [{ state: 'bad state!' }, 'state'], [{ agentid: '1000999' }, 'agentid']] as const) {
      const answer = await authorize(authorizeParams(over), sim.wecomUserCookie(corp.corpId, 'rm.zhang'));
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain(`data-reason="${reason}"`);
    }
  });

  it('shows a picker of the members without a WeCom user, and redirects with a code with one', async () => {
    const picker = await authorize(authorizeParams());
    expect(picker.status).toBe(200);
    const page = await picker.text();
    expect(page).toContain('sim-picker');
    expect(page).toContain('rm.zhang');
    expect(await codeFor('rm.zhang')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('names a member once per code, for the app the code was issued to, within 5 minutes', async () => {
    const app = await token('A'.repeat(43));
    const code = await codeFor('rm.zhang');
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${app}&code=${code}`)).toEqual({ errcode: 0, errmsg: 'ok', userid: 'rm.zhang' });
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${app}&code=${code}`)).toMatchObject({ errcode: 40029 });
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${app}`)).toMatchObject({ errcode: 41008 });
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${await token(secondAgent)}&code=${await codeFor('rm.zhang')}`)).toMatchObject({ errcode: 40029 });
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${await token(corp.contactSecret)}&code=${await codeFor('rm.zhang')}`)).toMatchObject({ errcode: 48002 });
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${app}&code=${await codeFor('rm.zhang')}`, { method: 'POST' })).toMatchObject({ errcode: 40058 });
    const late = await codeFor('lisi');
    clock.advance(300_000);
    expect(await json(`/cgi-bin/auth/getuserinfo?access_token=${await token('A'.repeat(43))}&code=${late}`)).toMatchObject({ errcode: 40029 });
    const outsider = await json(`/cgi-bin/auth/getuserinfo?access_token=${await token('A'.repeat(43))}&code=${await codeFor('outsider')}`);
    expect(outsider).toEqual({ errcode: 0, errmsg: 'ok', openid: expect.stringMatching(/^o[A-Za-z0-9_-]{27}$/) });
    expect(String((await json(`/cgi-bin/auth/getuserinfo?access_token=${await token('A'.repeat(43))}&code=bogus`)).errmsg)).toMatch(/^invalid code, hint: \[\d+\], from ip: .*devtool\/query\?e=40029$/);
  });
});

describe('jsapi tickets', () => {
  it('answers the same corp ticket and app ticket while valid, new ones after, and 45009 past 100 calls per app per hour', async () => {
    clock.advance(3_600_000);
    const app = await token('A'.repeat(43));
    const corpTicket = await json(`/cgi-bin/get_jsapi_ticket?access_token=${app}`);
    expect(corpTicket).toEqual({ errcode: 0, errmsg: 'ok', ticket: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/), expires_in: 7200 });
    const agentTicket = await json(`/cgi-bin/ticket/get?access_token=${app}&type=agent_config`);
    expect(agentTicket.ticket).not.toBe(corpTicket.ticket);
    expect((await json(`/cgi-bin/get_jsapi_ticket?access_token=${app}`)).ticket).toBe(corpTicket.ticket);
    expect(await json(`/cgi-bin/ticket/get?access_token=${app}&type=jsapi`)).toMatchObject({ errcode: 40058 });
    expect(await json(`/cgi-bin/ticket/get?access_token=${await token(corp.msgauditSecret)}&type=agent_config`)).toMatchObject({ errcode: 48002 });
    expect(sim.jsapiTicketFetches(corp.corpId)).toBe(3);
    for (let i = 3; i < 100; i++) expect((await json(`/cgi-bin/get_jsapi_ticket?access_token=${app}`)).errcode).toBe(0);
    expect(await json(`/cgi-bin/get_jsapi_ticket?access_token=${app}`)).toMatchObject({ errcode: 45009 });
    // Another app of the corp still has its own 100.
    expect((await json(`/cgi-bin/ticket/get?access_token=${await token(secondAgent)}&type=agent_config`)).errcode).toBe(0);
    clock.advance(7200_000);
    const fresh = await json(`/cgi-bin/get_jsapi_ticket?access_token=${await token('A'.repeat(43))}`);
    expect(fresh.ticket).not.toBe(corpTicket.ticket);
    expect(sim.jsapiTickets(corp.corpId).filter((t) => t.scope.kind === 'corp').map((t) => t.ticket)).toEqual([corpTicket.ticket, fresh.ticket]);
  });
});

describe('image upload', () => {
  const upload = async (type: string | undefined, file?: { name: string; bytes: Buffer }) => {
    const form = new FormData();
    if (file) form.append('media', new Blob([file.bytes], { type: 'image/png' }), file.name);
    return json(`/cgi-bin/media/upload?access_token=${await token('A'.repeat(43))}${type ? `&type=${type}` : ''}`, { method: 'POST', body: form });
  };

  it('stores an image with its md5 and answers a media_id (created_at as a string); refuses a missing type, file, empty file or another format', async () => {
    const answer = await upload('image', { name: 'poster.png', bytes: PNG_1X1 });
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', type: 'image', media_id: expect.stringMatching(/^3[A-Za-z0-9_-]{63}$/), created_at: expect.stringMatching(/^\d{10}$/) });
    expect(sim.wecomUploads(corp.corpId).find((m) => m.mediaId === answer.media_id)).toMatchObject({ agentId: 1000002, md5: md5(PNG_1X1), size: PNG_1X1.length, filename: 'poster.png' });
    expect(await upload(undefined, { name: 'poster.png', bytes: PNG_1X1 })).toMatchObject({ errcode: 40004 });
    expect(await upload('voice', { name: 'a.amr', bytes: PNG_1X1 })).toMatchObject({ errcode: 40004 });
    expect(await upload('image')).toMatchObject({ errcode: 41005 });
    expect(await upload('image', { name: 'empty.png', bytes: Buffer.alloc(0) })).toMatchObject({ errcode: 44001 });
    expect(await upload('image', { name: 'notes.txt', bytes: PNG_1X1 })).toMatchObject({ errcode: 40005 });
  });
});
