/**
 * The JS-SDK signature, checked against two independent implementations
 * (Tencent's @wecom/crypto getJsApiSignature, node-easywechat's WeCom
 * JsApiTicket signer) and WeChat's published example; and the ticket cache
 * (per process, one fetch at a time, renewed before expiry, held after a
 * failure, capped per hour) over a fake of the upstream call.
 */
import { getJsApiSignature } from '@wecom/crypto';
import { jsapiSignature, signPage, signedUrl } from '../../gateway/sidebar/jsapi-signature';
import { JsapiTickets, TicketUnavailableError } from '../../gateway/sidebar/jsapi-tickets';
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';

// node-easywechat's WeCom signer (dist/Work/JsApiTicket.js): getTicketSignature(ticket, nonce, timestamp, url).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const EasyWechatTicket = require('node-easywechat/dist/Work/JsApiTicket') as { prototype: { getTicketSignature(ticket: string, nonce: string, timestamp: number, url: string): string } };
const easywechat = (ticket: string, nonce: string, timestamp: number, url: string) => EasyWechatTicket.prototype.getTicketSignature.call({}, ticket, nonce, timestamp, url);

describe('jsapiSignature', () => {
  it("matches WeChat's published JS-SDK example", () => {
    expect(jsapiSignature({ ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg', nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457, url: 'http://mp.weixin.qq.com?params=value' })).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it.each([
    ['a plain page', 'https://wecom.bank.example/wecom/bank-corp/sidebar'],
    ['a query with encoded and Chinese characters', 'https://wecom.bank.example/cgw/wecom/bank-corp/sidebar?lang=en&q=%E7%90%86%E8%B4%A2&x=a+b'],
    ['a port', 'http://127.0.0.1:40123/wecom/bank-corp/sidebar?lang=zh-CN'],
  ])('agrees with @wecom/crypto and node-easywechat for %s', (_name, url) => {
    const ticket = 'kgt8ON7yVITDhtdwci0qeVaYZ3yL2XH9X0dHMLYRbiH9UvPxm7pPk4UiHJhHZYQtgJvLyLUW7QnuuWJhA-6HzA';
    const nonceStr = 'Hn5Wbv7ezqU1d3rJ';
    const timestamp = 1750000123;
    const ours = jsapiSignature({ ticket, nonceStr, timestamp, url });
    expect(ours).toBe(getJsApiSignature({ url, ticket, nonceStr, timestamp }).signature);
    expect(ours).toBe(easywechat(ticket, nonceStr, timestamp, url));
  });

  it('signs the URL without its fragment, with a fresh 16-character nonce and the time in seconds', () => {
    expect(signedUrl('https://b.example/p?x=1#/route?y=2')).toBe('https://b.example/p?x=1');
    const signed = signPage('T', 'https://b.example/p?x=1#frag', 1_750_000_123_999);
    expect(signed.timestamp).toBe(1_750_000_123);
    expect(signed.nonceStr).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(signed.signature).toBe(getJsApiSignature({ url: 'https://b.example/p?x=1', ticket: 'T', nonceStr: signed.nonceStr, timestamp: signed.timestamp }).signature);
    expect(signPage('T', 'https://b.example/p', 0).nonceStr).not.toBe(signPage('T', 'https://b.example/p', 0).nonceStr);
  });
});

describe('JsapiTickets', () => {
  function fake(answers: (() => Record<string, unknown>)[]) {
    let now = 1_750_000_000_000;
    const calls: { path: string; query: Record<string, string> }[] = [];
    const tickets = new JsapiTickets({
      now: () => now,
      maxFetchesPerHour: 3,
      get: async (_corpId, _agentId, path, query) => {
        calls.push({ path, query });
        await new Promise((r) => setImmediate(r));
        const next = answers.shift();
        if (!next) throw new Error('no more answers');
        return next();
      },
    });
    return { tickets, calls, advance: (ms: number) => (now += ms) };
  }

  it('fetches the corp ticket and the app ticket from their own endpoints, once each while valid, one fetch for concurrent callers', async () => {
    const { tickets, calls, advance } = fake([() => ({ ticket: 'corp-1', expires_in: 7200 }), () => ({ ticket: 'agent-1', expires_in: 7200 })]);
    const [a, b] = await Promise.all([tickets.get('ww1', 1000002, 'corp'), tickets.get('ww1', 1000002, 'corp')]);
    expect([a, b]).toEqual(['corp-1', 'corp-1']);
    expect(await tickets.get('ww1', 1000002, 'agent')).toBe('agent-1');
    expect(tickets.fetchesInLastHour()).toBe(2);
    advance(7200_000 - 5 * 60_000 - 1);
    expect(await tickets.get('ww1', 1000002, 'corp')).toBe('corp-1');
    expect(calls).toEqual([{ path: '/cgi-bin/get_jsapi_ticket', query: {} }, { path: '/cgi-bin/ticket/get', query: { type: 'agent_config' } }]);
    expect(tickets.fetchesInLastHour()).toBe(0);
  });

  it('renews five minutes before expiry', async () => {
    const { tickets, calls, advance } = fake([() => ({ ticket: 'corp-1', expires_in: 7200 }), () => ({ ticket: 'corp-2', expires_in: 7200 })]);
    await tickets.get('ww1', 1000002, 'corp');
    advance(7200_000 - 5 * 60_000);
    expect(await tickets.get('ww1', 1000002, 'corp')).toBe('corp-2');
    expect(calls).toHaveLength(2);
  });

  it('turns 45009 into a quota refusal, holds a failed ticket for 5 s, and caps its own calls per hour', async () => {
    const quota = () => {
      throw new TencentApiError({ kind: 'errcode', errcode: 45009, errmsg: 'api freq out of limit', endpoint: 'GET /cgi-bin/get_jsapi_ticket', product: 'wecom', operation: 'api', retry: 'backoff', delivered: 'no', scope: 'account', detail: 'WeCom answered 45009' });
    };
    const { tickets, calls, advance } = fake([quota, () => ({ errcode: 0 }), () => ({ ticket: 'corp-1', expires_in: 1 })]);
    await expect(tickets.get('ww1', 1000002, 'corp')).rejects.toMatchObject({ name: 'TicketUnavailableError', reason: 'quota' });
    await expect(tickets.get('ww1', 1000002, 'corp')).rejects.toMatchObject({ reason: 'held' });
    expect(calls).toHaveLength(1);
    advance(5000);
    await expect(tickets.get('ww1', 1000002, 'corp')).rejects.toMatchObject({ reason: 'upstream', message: 'WeCom answered without a ticket' });
    advance(5000);
    expect(await tickets.get('ww1', 1000002, 'corp')).toBe('corp-1');
    advance(5000);
    const fourth = tickets.get('ww1', 1000002, 'corp');
    await expect(fourth).rejects.toBeInstanceOf(TicketUnavailableError);
    await expect(fourth).rejects.toMatchObject({ reason: 'quota', message: expect.stringContaining('this process') });
    expect(calls).toHaveLength(3);
  });
});
