/**
 * Two sends drawing the same gateway msgid (another replica in the same
 * millisecond): the second must not be taken for a retry of the first. It
 * draws a new id and is delivered too; both reach Tencent exactly once.
 * (Before, the second was answered "queued" under the first's id and never
 * sent: an acknowledged message lost.)
 */
import { DATABASE_KINDS } from '../db';
import { until } from '../until';
import { oaSdks } from './sdks';
import { startOutboundHarness, type OutboundHarness } from './outbound-harness';

jest.setTimeout(60_000);

const CUSTOM = '/cgi-bin/message/custom/send';

describe.each(DATABASE_KINDS)('gateway msgid collision (%s)', (kind) => {
  let h: OutboundHarness;
  const drawn: number[] = [];
  // Every id drawn twice in a row, as two replicas would in one millisecond.
  let n = 0;
  const ids = () => {
    const id = 1_000_000_000 + Math.floor(n++ / 2);
    drawn.push(id);
    return id;
  };
  beforeAll(async () => {
    h = await startOutboundHarness({ kind, gatewayOptions: { msgIds: ids } });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  it('gives the second message a new id and delivers both exactly once', async () => {
    const sdk = oaSdks(h.oaBase, h.app.appId, h.app.appSecret)[1]!;
    const openid = await h.followerWhoWrote();
    const first = await sdk.sendText(openid, `您好 collision-first-${kind}`);
    const second = await sdk.sendText(openid, `您好 collision-second-${kind}`);
    expect(first).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
    expect(second).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
    expect(second.cgw_msgid).not.toBe(first.cgw_msgid);
    // The second send drew the first's id once before drawing its own.
    expect(drawn.filter((id) => String(id) === first.cgw_msgid).length).toBeGreaterThanOrEqual(2);
    const received = h.sim.received({ path: CUSTOM }).map((m) => JSON.stringify(m.body));
    expect(received.filter((b) => b.includes(`collision-first-${kind}`))).toHaveLength(1);
    expect(received.filter((b) => b.includes(`collision-second-${kind}`))).toHaveLength(1);
    // Tencent's answer is recorded right after the app is answered.
    await until('the second message recorded as delivered', async () => ((await h.gateway.outbound.messages.get(Number(second.cgw_msgid)))?.status === 'delivered' ? true : undefined));
  });
});
