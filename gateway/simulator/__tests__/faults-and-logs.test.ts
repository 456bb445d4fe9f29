import { FaultPlan } from '../state/faults';
import { OA_RID, closeHarnesses, startApiHarness, tencentJson, wecomSuffix, type ApiHarness } from './helpers/api-harness';

const CUSTOM = '/cgi-bin/message/custom/send';
const WECOM_SEND = '/cgi-bin/message/send';
const AGENT = 'A'.repeat(43);

let h: ApiHarness;
afterEach(closeHarnesses);

const text = (touser: string) => ({ touser, msgtype: 'text', text: { content: '到期提醒' } });

async function rawPost(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  const token = await h.oaToken();
  return fetch(`${h.oaUrl}${path}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body), ...init });
}

describe('fault injection', () => {
  it.each([
    [-1, /^system error rid: /],
    [45009, /^reach max api daily quota limit rid: /],
  ])('answers errcode %i instead of accepting, for the scheduled number of requests only', async (errcode, errmsg) => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.sim.faults.next(CUSTOM, { kind: 'errcode', errcode }, 2);
    for (let i = 0; i < 2; i++) {
      const answer = await h.oaPost(CUSTOM, text(openid));
      expect(answer.errcode).toBe(errcode);
      expect(answer.errmsg).toMatch(errmsg);
      expect(answer.errmsg).toMatch(OA_RID);
    }
    expect(h.sim.received()).toEqual([]);
    expect((await h.oaPost(CUSTOM, text(openid))).errcode).toBe(0);
    expect(h.sim.received()).toHaveLength(1);
    expect(h.sim.calls({ path: CUSTOM }).map((c) => [c.fault, c.errcode])).toEqual([['errcode', errcode], ['errcode', errcode], [undefined, 0]]);
  });

  it.each([500, 502, 503])('answers HTTP %i with an HTML page and accepts nothing', async (status) => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.sim.faults.next(CUSTOM, { kind: 'status', status });
    const res = await rawPost(CUSTOM, text(openid));
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(h.sim.received()).toEqual([]);
    const calls = h.sim.calls({ path: CUSTOM });
    expect(calls).toEqual([expect.objectContaining({ status, fault: 'status' })]);
    expect(calls[0]).not.toHaveProperty('appId'); // refused before the token was even read
  });

  it('hangs until the client gives up, accepting nothing, then serves the next request normally', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.sim.faults.next(CUSTOM, { kind: 'hang' });
    const started = Date.now();
    await expect(rawPost(CUSTOM, text(openid), { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(h.sim.received()).toEqual([]);
    expect((await h.oaPost(CUSTOM, text(openid))).errcode).toBe(0);
    const [hung] = h.sim.calls({ path: CUSTOM });
    expect(hung).toMatchObject({ fault: 'hang' });
    expect(hung).not.toHaveProperty('status');
  });

  it('lets the simulator close while a request hangs', async () => {
    h = await startApiHarness();
    h.sim.faults.next(CUSTOM, { kind: 'hang' });
    const outcome = expect(rawPost(CUSTOM, text('o'))).rejects.toThrow('fetch failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.close();
    await outcome;
  });

  it('answers slowly, then normally', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.sim.faults.next(CUSTOM, { kind: 'slow', delayMs: 250 });
    const started = Date.now();
    expect((await h.oaPost(CUSTOM, text(openid))).errcode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(h.sim.received()).toHaveLength(1);
  });

  it('accept-then-fail with a 5xx: the message is received, the client sees 502, and a retry makes a duplicate', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.sim.faults.next(CUSTOM, { kind: 'accept-then-fail', response: 502 });
    const res = await rawPost(CUSTOM, text(openid));
    expect(res.status).toBe(502);
    expect(h.sim.received({ path: CUSTOM })).toHaveLength(1);
    expect((await h.oaPost(CUSTOM, text(openid))).errcode).toBe(0); // a naive retry
    const received = h.sim.received({ path: CUSTOM });
    expect(received).toHaveLength(2);
    expect(received[0]?.body).toEqual(received[1]?.body);
  });

  it('accept-then-fail with a dropped connection: the client gets no answer, Tencent has the message', async () => {
    h = await startApiHarness();
    const openid = await h.follower();
    h.sim.faults.next(CUSTOM, { kind: 'accept-then-fail', response: 'drop' });
    await expect(rawPost(CUSTOM, text(openid))).rejects.toThrow();
    expect(h.sim.received({ path: CUSTOM })).toHaveLength(1);
    expect(h.sim.calls({ path: CUSTOM })[0]).toMatchObject({ fault: 'accept-then-fail', appId: h.account.appId });
  });

  it('applies to token endpoints too', async () => {
    h = await startApiHarness();
    h.sim.faults.next('/cgi-bin/token', { kind: 'errcode', errcode: -1 });
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: h.account.appId, secret: h.account.appSecret });
    expect((await tencentJson(await fetch(`${h.oaUrl}/cgi-bin/token?${query}`))).errcode).toBe(-1);
    expect((await tencentJson(await fetch(`${h.oaUrl}/cgi-bin/token?${query}`))).access_token).toEqual(expect.any(String));
  });

  it('answers WeCom faults in WeCom error format, and keeps a product-scoped fault off the other product', async () => {
    h = await startApiHarness();
    h.sim.faults.next(WECOM_SEND, { kind: 'errcode', errcode: -1 }, 1, 'wecom');
    h.sim.faults.next('/cgi-bin/media/upload', { kind: 'status', status: 503 }, 1, 'wecom');
    const answer = await h.wecomPost(WECOM_SEND, { touser: 'lisi', agentid: 1000002, msgtype: 'text', text: { content: 'x' } }, await h.wecomToken(AGENT));
    expect(answer.errcode).toBe(-1);
    expect(answer.errmsg).toMatch(/^system busy, hint: /);
    expect(answer.errmsg).toMatch(wecomSuffix(-1));
    const form = new FormData();
    form.append('media', new Blob([Buffer.from('png')]), 'a.png');
    const upload = await fetch(`${h.oaUrl}/cgi-bin/media/upload?access_token=${await h.oaToken()}&type=image`, { method: 'POST', body: form });
    expect((await tencentJson(upload)).type).toBe('image');
    expect(h.sim.faults.pending('/cgi-bin/media/upload')).toBe(1);
  });
});

describe('FaultPlan', () => {
  it('serves faults for a path first-scheduled first, counts what is pending and clears', () => {
    const plan = new FaultPlan();
    plan.next('/p', { kind: 'errcode', errcode: -1 });
    plan.next('/p', { kind: 'status', status: 503 }, 2);
    expect(plan.pending()).toBe(3);
    expect(plan.take('oa', '/p')?.kind).toBe('errcode');
    expect(plan.take('wecom', '/p')?.kind).toBe('status');
    expect(plan.take('oa', '/other')).toBeUndefined();
    plan.clear('/p');
    expect(plan.pending('/p')).toBe(0);
    plan.next('/p', { kind: 'hang' }, Infinity);
    for (let i = 0; i < 5; i++) expect(plan.take('oa', '/p')?.kind).toBe('hang');
  });

  it('refuses nonsense', () => {
    const plan = new FaultPlan();
    expect(() => plan.next('/p', { kind: 'hang' }, 0)).toThrow(RangeError);
    expect(() => plan.next('/p', { kind: 'status', status: 200 })).toThrow(RangeError);
    expect(() => plan.next('/p', { kind: 'slow', delayMs: -1 })).toThrow(RangeError);
  });
});

describe('received log', () => {
  it('orders messages across products and filters by account, corp, path and product', async () => {
    h = await startApiHarness();
    const mine = await h.follower();
    const theirs = await h.follower(h.other.appId);
    await h.oaPost(CUSTOM, text(mine));
    h.clock.advance(1000);
    await h.wecomPost(WECOM_SEND, { touser: 'lisi', agentid: 1000002, msgtype: 'text', text: { content: 'x' } }, await h.wecomToken(AGENT));
    await h.oaPost(CUSTOM, text(theirs), await h.oaToken(h.other.appId));
    const all = h.sim.received();
    expect(all.map((r) => [r.seq, r.product, r.appId ?? r.corpId])).toEqual([
      [1, 'oa', h.account.appId],
      [2, 'wecom', h.corp.corpId],
      [3, 'oa', h.other.appId],
    ]);
    expect(all[1]?.at).toBe((all[0]?.at as number) + 1000);
    expect(h.sim.received({ appId: h.other.appId }).map((r) => r.seq)).toEqual([3]);
    expect(h.sim.received({ corpId: h.corp.corpId }).map((r) => r.seq)).toEqual([2]);
    expect(h.sim.received({ product: 'oa', path: CUSTOM }).map((r) => r.seq)).toEqual([1, 3]);
  });

  it('hands out copies, so a test cannot edit what Tencent received', async () => {
    h = await startApiHarness();
    await h.oaPost(CUSTOM, text(await h.follower()));
    const [entry] = h.sim.received();
    (entry?.body as { msgtype: string }).msgtype = 'changed';
    entry?.recipients.push('x');
    expect(h.sim.received()[0]?.body.msgtype).toBe('text');
    expect(h.sim.received()[0]?.recipients).toHaveLength(1);
  });

  it('logs refused calls in calls() but never in received()', async () => {
    h = await startApiHarness();
    await h.oaPost(CUSTOM, text(h.sim.newFollowerOpenid(h.account.appId)));
    expect(h.sim.received()).toEqual([]);
    expect(h.sim.calls({ path: CUSTOM })).toEqual([{ seq: expect.any(Number), product: 'oa', method: 'POST', path: CUSTOM, at: h.clock.now(), status: 200, errcode: 40003, appId: h.account.appId }]);
  });
});
