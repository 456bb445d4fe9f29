/**
 * Invariant 3 on the outbound side: the production logger at trace captures
 * every line while apps fetch tokens, send allowed, held and denied messages,
 * present bad and stale tokens, and Tencent fails (-1, 5xx, timeout, a final
 * refusal). No secret (AppSecrets, corp secrets, gateway and Tencent tokens),
 * no message text, no phone number and no openid may appear in the log.
 */
import { createLogger } from '../../gateway/observability/logger';
import { DATABASE_KINDS } from '../db';
import { captureStream, findLeaks, type Planted } from '../log-capture';
import { until } from '../until';
import { oaSdks, wecomSdk } from './sdks';
import { startOutboundHarness, type OutboundHarness } from './outbound-harness';

jest.setTimeout(90_000);

const SENTENCE = '您尾号六六八八的理财产品明日到期请留意赎回安排';
const PHONE = '13987654321';
const CUSTOM = '/cgi-bin/message/custom/send';

describe.each(DATABASE_KINDS)('outbound logs carry no secrets, bodies or identifiers (%s)', (kind) => {
  let h: OutboundHarness;
  const capture = captureStream();

  beforeAll(async () => {
    h = await startOutboundHarness({ kind, overlay: { logging: { level: 'trace' } }, gatewayOptions: { logger: createLogger('trace', capture) } });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  it('logs the flows without any planted value', async () => {
    const openid = await h.followerWhoWrote(SENTENCE);
    const [wechatApi, coApi] = oaSdks(h.oaBase, h.app.appId, h.app.appSecret);
    await coApi!.sendText(openid, `${SENTENCE} 致电 ${PHONE}`);
    await coApi!.sendText(openid, `${SENTENCE} guaranteed`);
    await coApi!.sendText(openid, `${SENTENCE} 稳赚`).catch(() => undefined);
    // One fault at a time: a retry takes the next scheduled fault, so each must settle first.
    const delivered = async (answer: Record<string, unknown>) =>
      until('retried delivery', async () => ((await h.gateway.outbound.messages.get(Number(answer.cgw_msgid)))?.status === 'delivered' ? true : undefined));
    for (const [i, fault] of ([{ kind: 'errcode', errcode: -1 }, { kind: 'status', status: 502 }, { kind: 'hang' }] as const).entries()) {
      h.sim.faults.next(CUSTOM, fault, 1);
      await delivered(await coApi!.sendText(openid, `${SENTENCE} ${i}`));
    }
    h.sim.faults.next(CUSTOM, { kind: 'errcode', errcode: 48002 }, 1);
    await wechatApi!.sendText(openid, `${SENTENCE} 三`).catch(() => undefined);
    const badToken = 'cgwThisIsNotAValidTokenButLooksLikeOne0123456789';
    await fetch(`${h.oaBase}${CUSTOM}?access_token=${badToken}`, { method: 'POST', body: '{}' });
    await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${'f'.repeat(32)}`);
    await wecomSdk(h.wecomBase, h.app.corpId, h.app.corpSecret).post('cgi-bin/message/send', { touser: 'rm-zhang', msgtype: 'text', agentid: h.corp.agents[0]!.agentId, text: { content: SENTENCE } });

    const gatewayTokens = (await h.gateway.dataSource.query('SELECT token_hash FROM app_token')) as { token_hash: string }[];
    expect(gatewayTokens.length).toBeGreaterThan(0);
    const tencentToken = await h.gateway.upstream.tokens.get(`oa:${h.account.appId}`);
    const planted: Planted[] = [
      { name: 'sentence', value: SENTENCE, window: 4 },
      { name: 'phone', value: PHONE },
      { name: 'openid', value: openid, window: 12 },
      { name: 'account AppSecret', value: h.account.appSecret, window: 12 },
      { name: 'app AppSecret', value: h.app.appSecret, window: 12 },
      { name: 'app corpSecret', value: h.app.corpSecret, window: 12 },
      { name: 'corp agent secret', value: h.corp.agents[0]!.secret, window: 12 },
      { name: 'corp contact secret', value: h.corp.contactSecret, window: 12 },
      { name: 'Tencent access token', value: tencentToken, window: 16 },
      { name: 'bad token', value: badToken, window: 16 },
      ...gatewayTokens.map((t, i) => ({ name: `gateway token hash ${i}`, value: t.token_hash, window: 16 })),
    ];
    expect(capture.lines.length).toBeGreaterThan(10);
    expect(capture.lines.some((l) => l.includes('retrying'))).toBe(true);
    expect(capture.lines.some((l) => l.includes('compatible API call refused'))).toBe(true);
    expect(findLeaks(capture.lines, planted)).toEqual([]);
    expect(capture.lines.join('\n')).not.toMatch(/access_token=/);
  });
});
