/**
 * Issue 4, faults: Tencent answering -1, 45009, 5xx or not at all ⇒ the
 * gateway retries with backoff and delivers exactly once; what Tencent
 * refused for good is never retried; kill -9 between approval and delivery ⇒
 * delivered exactly once after restart.
 */
import { join } from 'node:path';
import { DATABASE_KINDS } from '../db';
import { until } from '../until';
import { GatewayProcess, writeGatewayConfig } from '../faults/gateway-child';
import { oaSdks } from './sdks';
import { startOutboundHarness, type OutboundHarness } from './outbound-harness';
import type { Fault } from '../../gateway/simulator/state/faults';

jest.setTimeout(90_000);

const CUSTOM = '/cgi-bin/message/custom/send';

describe.each(DATABASE_KINDS)('outbound delivery under Tencent faults (%s)', (kind) => {
  let h: OutboundHarness;
  beforeAll(async () => {
    h = await startOutboundHarness({ kind });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  const receivedWith = (marker: string) => h.sim.received({ path: CUSTOM }).filter((m) => JSON.stringify(m.body).includes(marker));
  const sdk = () => oaSdks(h.oaBase, h.app.appId, h.app.appSecret)[1]!;

  it.each<[string, Fault, number]>([
    ['system busy (-1)', { kind: 'errcode', errcode: -1 }, 2],
    ['quota reached (45009)', { kind: 'errcode', errcode: 45009 }, 2],
    ['HTTP 503', { kind: 'status', status: 503 }, 2],
    ['HTTP 500', { kind: 'status', status: 500 }, 1],
    ['no answer until the client times out', { kind: 'hang' }, 1],
  ])('retries after %s with backoff and delivers exactly once', async (name, fault, times) => {
    const openid = await h.followerWhoWrote();
    const marker = `fault-${name.replace(/\W/g, '')}-${kind}`;
    h.sim.faults.next(CUSTOM, fault, times);
    const answer = await sdk().sendText(openid, `您好 ${marker}`);
    expect(answer).toMatchObject({ errcode: 0 });
    expect(['queued', 'delivered']).toContain(answer.cgw_status);
    const msgid = Number(answer.cgw_msgid);
    await until('delivered', async () => ((await h.gateway.outbound.messages.get(msgid))?.status === 'delivered' ? true : undefined));
    await new Promise((r) => setTimeout(r, 400));
    expect(receivedWith(marker)).toHaveLength(1);
    expect(h.sim.calls({ path: CUSTOM }).filter((c) => c.at > 0).length).toBeGreaterThan(times);
  });

  it('never retries what Tencent refused for good, and reports its errcode to the app', async () => {
    const openid = await h.followerWhoWrote();
    const marker = `refused-${kind}`;
    h.sim.faults.next(CUSTOM, { kind: 'errcode', errcode: 48002 }, 1);
    const calls = h.sim.calls({ path: CUSTOM }).length;
    const err = await sdk().sendText(openid, `您好 ${marker}`).then(() => null, (e: { code?: number }) => e);
    expect(err).toMatchObject({ code: 48002 });
    await new Promise((r) => setTimeout(r, 600));
    expect(h.sim.calls({ path: CUSTOM }).length).toBe(calls + 1);
    expect(receivedWith(marker)).toHaveLength(0);
  });

  it('never redelivers a message Tencent accepted, however often the sweeper runs', async () => {
    const openid = await h.followerWhoWrote();
    const marker = `once-${kind}`;
    await sdk().sendText(openid, `您好 ${marker}`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receivedWith(marker)).toHaveLength(1);
  });
});

describe('kill -9 between approval and delivery', () => {
  it('delivers the approved message exactly once after restart (sqlite)', async () => {
    const h = await startOutboundHarness({ kind: 'sqlite', overlay: { outbound: { backoffBaseMs: 50, backoffMaxMs: 300, inlineTimeoutMs: 3000, claimMs: 3000, maxAttempts: 6 } } });
    const openid = await h.followerWhoWrote();
    const config = h.config;
    await h.close();
    const configPath = join(h.dataDir, 'gateway.yaml');
    writeGatewayConfig(configPath, config);
    const log = join(h.dataDir, 'gateway.log');
    let child = await GatewayProcess.start(configPath, log);
    try {
      const marker = 'kill9-approved';
      const answer = await oaSdks(h.oaBase, h.app.appId, h.app.appSecret)[1]!.sendText(openid, `This is guaranteed ${marker}`);
      expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
      // Delivery will hang at Tencent, so the process dies with the approved message in flight.
      h.sim.faults.next(CUSTOM, { kind: 'hang' }, 1);
      const callsBefore = h.sim.calls({ path: CUSTOM }).length;
      const approved = await fetch(`${h.url}/admin/v1/approvals/${String(answer.cgw_msgid)}/approve`, {
        method: 'POST', headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'ok' }),
      });
      expect(approved.status).toBe(200);
      await until('the delivery to reach Tencent', () => (h.sim.calls({ path: CUSTOM }).length > callsBefore ? true : undefined));
      await child.kill();
      expect(h.sim.received({ path: CUSTOM }).filter((m) => JSON.stringify(m.body).includes(marker))).toHaveLength(0);
      child = await GatewayProcess.start(configPath, log);
      await until('redelivery after restart', () => (h.sim.received({ path: CUSTOM }).some((m) => JSON.stringify(m.body).includes(marker)) ? true : undefined), 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(h.sim.received({ path: CUSTOM }).filter((m) => JSON.stringify(m.body).includes(marker))).toHaveLength(1);
    } finally {
      await child.stop();
      await h.close({ drop: true }).catch(() => undefined);
    }
  });
});
