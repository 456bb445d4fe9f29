/**
 * Passive replies pass automatic policy inside Tencent's 5 s budget: allowed
 * ones are returned (transformed where the policy says), denied ones are not
 * returned, and one that would need approval is not returned but becomes a
 * held customer-service message, sent through message/custom/send once
 * approved.
 */
import * as pushes from '../../gateway/simulator/pushes';
import { actOnMessage } from '../../gateway/outbound/approve-message';
import { OUTBOUND_MESSAGE_ENTITY, type OutboundMessageRow } from '../../gateway/db/entities';
import { DATABASE_KINDS } from '../db';
import { testAppCredentials } from '../gateway-harness';
import { startWechatConnectApp, type TestInternalApp } from '../internal-apps';
import { until } from '../until';
import { startOutboundHarness, type OutboundHarness } from './outbound-harness';

jest.setTimeout(60_000);

// A valid PRC resident ID (GB 11643 checksum) the default policy masks.
const RESIDENT_ID = '11010519491231002X';

const REPLIES: Record<string, string> = {
  '问候': '您好，很高兴为您服务',
  '保证': 'Our fund is guaranteed to beat the market',
  '稳赚': '这款产品稳赚不赔',
  '证件': `已为您登记证件号 ${RESIDENT_ID}`,
};

describe.each(DATABASE_KINDS)('passive replies under policy (%s)', (kind) => {
  let h: OutboundHarness;
  let bot: TestInternalApp;
  const creds = testAppCredentials();

  beforeAll(async () => {
    bot = await startWechatConnectApp(creds, (m) => (typeof m.Content === 'string' ? (REPLIES[m.Content] ?? '') : ''));
    h = await startOutboundHarness({ kind, replier: { credentials: creds, url: bot.url } });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
    await bot?.close();
  });

  async function ask(content: string): Promise<{ openid: string; reply: string | undefined }> {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    await h.sim.send(h.account.appId, pushes.subscribeEvent({ toUserName: h.account.originalId, fromUserName: openid }));
    const report = await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content }));
    await h.gateway.outbound.contacts.flush();
    return { openid, reply: report.reply };
  }

  const messagesFor = async (): Promise<OutboundMessageRow[]> => h.gateway.dataSource.getRepository<OutboundMessageRow>(OUTBOUND_MESSAGE_ENTITY).find({ where: { appId: 'bot' }, order: { id: 'ASC' } });

  it('returns an allowed reply to Tencent unchanged', async () => {
    const { reply } = await ask('问候');
    expect(reply).toContain('很高兴为您服务');
  });

  it('masks a resident ID in a reply before Tencent sees it', async () => {
    const { reply } = await ask('证件');
    expect(reply).toBeDefined();
    expect(reply).not.toContain(RESIDENT_ID);
    expect(reply).toContain('已为您登记证件号');
  });

  it('does not return a denied reply, and records it as denied', async () => {
    const before = (await messagesFor()).length;
    const { reply } = await ask('稳赚');
    expect(reply ?? '').not.toContain('稳赚');
    const rows = await messagesFor();
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ status: 'denied', kind: 'oa.reply' });
    expect(rows.at(-1)!.reasonCodes).toContain('lexicon.blocked');
  });

  it('turns a reply that needs approval into a held customer-service message, sent once when approved', async () => {
    const { openid, reply } = await ask('保证');
    expect(reply ?? '').not.toContain('guaranteed');
    const held = (await messagesFor()).at(-1)!;
    expect(held).toMatchObject({ status: 'held', kind: 'oa.custom' });
    expect(h.sim.received({ path: '/cgi-bin/message/custom/send' }).filter((m) => m.body.touser === openid)).toHaveLength(0);
    await actOnMessage(h.gateway.outbound, held.id, { subject: 'officer-li', groups: ['compliance'], roles: ['compliance-officer'], via: 'oidc' }, 'approve');
    await until('held reply delivered', () => (h.sim.received({ path: '/cgi-bin/message/custom/send' }).some((m) => m.body.touser === openid) ? true : undefined));
    const sent = h.sim.received({ path: '/cgi-bin/message/custom/send' }).filter((m) => m.body.touser === openid);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ msgtype: 'text', text: { content: REPLIES['保证'] } });
  });
});
