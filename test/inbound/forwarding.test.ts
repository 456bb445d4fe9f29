/**
 * End to end on real parts: the simulator pushes as Tencent does, the gateway
 * archives and forwards, and internal apps built on the unmodified `wechat`
 * (connect) and `co-wechat` (Koa) middleware receive the pushes with their own
 * gateway-issued credentials. Runs on SQLite and PostgreSQL, in every mode.
 */
import * as pushes from '../../gateway/simulator/pushes';
import { catalogue } from '../../gateway/simulator/__tests__/helpers/push-catalogue';
import { ARCHIVE_RECORD_ENTITY, OUTBOX_ENTITY, type OutboxRow } from '../../gateway/db/entities';
import { DATABASE_KINDS } from '../db';
import { startHarness, testAppCredentials, type Harness } from '../gateway-harness';
import { startCoWechatApp, startWechatConnectApp, type TestInternalApp } from '../internal-apps';
import type { MessageMode } from '../../gateway/config/schema';

const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 8000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

const MODES: MessageMode[] = ['plain', 'compatible', 'safe'];

describe.each(DATABASE_KINDS.flatMap((kind) => MODES.map((mode) => [kind, mode] as const)))('forwarding [%s, account in %s mode]', (kind, mode) => {
  let h: Harness;
  let connectApp: TestInternalApp;
  let koaApp: TestInternalApp;
  const connectCreds = testAppCredentials();
  const koaCreds = testAppCredentials();

  beforeAll(async () => {
    connectApp = await startWechatConnectApp(connectCreds);
    koaApp = await startCoWechatApp(koaCreds, (m) => (m.MsgType === 'text' && m.Content === '余额' ? '您的余额请登录手机银行查看' : ''));
    h = await startHarness({
      kind,
      accountMode: mode,
      apps: [
        { id: 'crm', credentials: connectCreds, url: connectApp.url, mode: 'safe' },
        { id: 'bot', credentials: koaCreds, url: koaApp.url, mode: mode === 'safe' ? 'plain' : 'safe', replies: true },
      ],
    });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
    await connectApp?.close();
    await koaApp?.close();
  });

  const push = (xml: string) => xml.replaceAll('gh_7f083739789a', h.account.originalId);

  it('answers the URL verification handshake', async () => {
    expect((await h.sim.verifyUrl(h.account.appId)).ok).toBe(true);
  });

  it('delivers a text message to both apps intact, with the same stable event id, and returns the replying app’s passive reply', async () => {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const report = await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content: '余额', msgId: '6054768590064713728' }));
    expect(report.outcome).toBe('replied');
    expect(report.reply).toContain('您的余额请登录手机银行查看');
    await waitFor(() => connectApp.received.some((r) => r.message.MsgId === '6054768590064713728'));
    const atConnect = connectApp.received.find((r) => r.message.MsgId === '6054768590064713728')!;
    const atKoa = koaApp.received.find((r) => r.message.MsgId === '6054768590064713728')!;
    expect(atConnect.message).toMatchObject({ Content: '余额', FromUserName: openid, ToUserName: h.account.originalId, MsgType: 'text' });
    expect(atConnect.encrypted).toBe(true);
    expect(atKoa.encrypted).toBe(mode !== 'safe');
    expect(atConnect.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(atKoa.eventId).toBe(atConnect.eventId);
    const types = await h.gateway.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).find({ select: { recordType: true } });
    expect(types.map((t) => t.recordType).sort()).toEqual(['oa.inbound', 'oa.reply']);
  });

  it('archives and forwards every message and event type in the reference', async () => {
    const before = connectApp.received.length;
    for (const [name, xml, msgType, event] of catalogue) {
      const report = await h.sim.send(h.account.appId, push(xml()));
      expect([name, report.outcome]).toEqual([name, 'acked']);
      await waitFor(() => connectApp.received.length > before && connectApp.received.some((r) => r.message.MsgType === msgType && (event === undefined || r.message.Event === event)));
    }
    await waitFor(async () => (await h.gateway.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY).countBy({ status: 'pending' })) === 0);
  });

  it('answers Tencent’s repeat of a push with success and archives and forwards it once', async () => {
    const openid = h.sim.newFollowerOpenid(h.account.appId);
    const xml = pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content: '重复', msgId: '7000000000000000001' });
    const first = await h.sim.send(h.account.appId, xml);
    const second = await h.sim.send(h.account.appId, xml);
    expect([first.outcome, second.outcome]).toEqual(['acked', 'acked']);
    await waitFor(() => connectApp.received.some((r) => r.message.MsgId === '7000000000000000001'));
    await new Promise((r) => setTimeout(r, 300));
    expect(connectApp.received.filter((r) => r.message.MsgId === '7000000000000000001')).toHaveLength(1);
  });
});

describe.each(DATABASE_KINDS)('delivery failures [%s]', (kind) => {
  it('retries an app that fails with backoff until it answers, then marks the row done', async () => {
    const creds = testAppCredentials();
    let failures = 2;
    const app = await startCoWechatApp(creds, () => (failures-- > 0 ? { fail: 500 } : ''));
    const h = await startHarness({ kind, apps: [{ id: 'crm', credentials: creds, url: app.url }] });
    try {
      const report = await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: h.sim.newFollowerOpenid(h.account.appId), content: 'x' }));
      expect(report.outcome).toBe('acked');
      const repo = h.gateway.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY);
      await waitFor(async () => (await repo.findOneBy({ target: 'crm' }))?.status === 'done');
      const row = (await repo.findOneBy({ target: 'crm' }))!;
      expect(row.attempts).toBe(2);
      expect(row.lastError).toMatch(/HTTP 500/);
      expect(app.received).toHaveLength(3);
    } finally {
      await h.close({ drop: true });
      await app.close();
    }
  });

  it('marks a row failed after its last attempt, keeps it visible, and never drops it', async () => {
    const creds = testAppCredentials();
    const app = await startCoWechatApp(creds, () => ({ fail: 503 }));
    const h = await startHarness({ kind, apps: [{ id: 'crm', credentials: creds, url: app.url }], overlay: { forwarding: { timeoutMs: 1000, backoffBaseMs: 20, backoffMaxMs: 100, sweepIntervalMs: 100, maxAttempts: 3 } } });
    try {
      await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: h.sim.newFollowerOpenid(h.account.appId), content: 'x' }));
      const repo = h.gateway.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY);
      await waitFor(async () => (await repo.findOneBy({ target: 'crm' }))?.status === 'failed');
      expect((await repo.findOneBy({ target: 'crm' }))!.attempts).toBe(3);
      await h.gateway.sweeper.sweepOnce();
      expect(await h.gateway.metrics.registry.getSingleMetricAsString('cgw_outbox_failed')).toMatch(/cgw_outbox_failed 1/);
    } finally {
      await h.close({ drop: true });
      await app.close();
    }
  });

  it('answers Tencent in time when the replying app is slow, then archives the late reply without sending it', async () => {
    const creds = testAppCredentials();
    const app = await startCoWechatApp(creds, () => ({ delayMs: 1200, then: '迟到的回复' }));
    const h = await startHarness({ kind, apps: [{ id: 'bot', credentials: creds, url: app.url, replies: true }], overlay: { callbacks: { replyBudgetMs: 300 }, forwarding: { timeoutMs: 3000, backoffBaseMs: 20, backoffMaxMs: 100, sweepIntervalMs: 100, maxAttempts: 5 } } });
    try {
      const report = await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: h.sim.newFollowerOpenid(h.account.appId), content: '慢' }));
      expect(report.outcome).toBe('acked');
      expect(report.attempts).toHaveLength(1);
      const records = h.gateway.dataSource.getRepository(ARCHIVE_RECORD_ENTITY);
      await waitFor(async () => (await records.countBy({ recordType: 'oa.reply.late' })) === 1);
      expect(await records.countBy({ recordType: 'oa.reply' })).toBe(0);
    } finally {
      await h.close({ drop: true });
      await app.close();
    }
  });
});
