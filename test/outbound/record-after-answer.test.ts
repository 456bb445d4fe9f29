/**
 * The inline delivery answers the app with Tencent's answer while that
 * answer's record commits (decision 0005). Should that commit fail, nothing
 * acknowledged is lost: the message itself was archived before Tencent was
 * called, its delivery row's claim lapses, the sweeper delivers it again
 * (at-least-once, as after a crash at that point) and Tencent's answer ends
 * up recorded with the message's final state.
 */
import { until } from '../until';
import { oaSdks } from './sdks';
import { startOutboundHarness, type OutboundHarness } from './outbound-harness';

jest.setTimeout(90_000);

const CUSTOM = '/cgi-bin/message/custom/send';

describe('recording Tencent\'s answer fails after the app was answered (postgres)', () => {
  let h: OutboundHarness;
  beforeAll(async () => {
    h = await startOutboundHarness({ kind: 'postgres', overlay: { outbound: { backoffBaseMs: 50, backoffMaxMs: 300, inlineTimeoutMs: 3000, claimMs: 1500, maxAttempts: 6 } } });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  it('answers the app with Tencent\'s answer, then delivers again once the claim lapses and records the outcome', async () => {
    const openid = await h.followerWhoWrote();
    // A real database fault for exactly the first delivery record: a sequence is not rolled back with the transaction it fails.
    await h.gateway.dataSource.query('CREATE SEQUENCE fault_once');
    await h.gateway.dataSource.query(`CREATE FUNCTION fail_first_delivery() RETURNS trigger AS $$
      BEGIN
        IF NEW.record_type = 'outbound.delivery' AND nextval('fault_once') = 1 THEN RAISE EXCEPTION 'injected fault'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await h.gateway.dataSource.query('CREATE TRIGGER fail_first_delivery BEFORE INSERT ON archive_record FOR EACH ROW EXECUTE FUNCTION fail_first_delivery()');
    try {
      const marker = `record-after-answer-${Date.now()}`;
      const answer = await oaSdks(h.oaBase, h.app.appId, h.app.appSecret)[1]!.sendText(openid, `您好 ${marker}`);
      expect(answer).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
      const msgid = Number(answer.cgw_msgid);
      const received = () => h.sim.received({ path: CUSTOM }).filter((m) => JSON.stringify(m.body).includes(marker)).length;
      expect(received()).toBe(1);
      const final = await until('the message recorded as delivered', async () => {
        const row = await h.gateway.outbound.messages.get(msgid);
        return row?.status === 'delivered' ? row : undefined;
      }, 30_000);
      expect(final).toMatchObject({ tencentErrcode: 0, finishedAt: expect.any(Number) });
      // The first answer's record was lost with the fault, so the gateway could not know it was delivered: sent again.
      expect(received()).toBe(2);
      const [next] = (await h.gateway.dataSource.query("SELECT nextval('fault_once') AS n")) as { n: string }[];
      expect(Number(next?.n)).toBe(3); // the trigger fired for two delivery records: the failed one and the one that committed
    } finally {
      await h.gateway.dataSource.query('DROP TRIGGER fail_first_delivery ON archive_record');
    }
  });
});
