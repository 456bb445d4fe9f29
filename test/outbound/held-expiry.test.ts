/** A held customer-service message expires when its follower's 48-hour window closes, if that comes before the approval TTL, and is then never sent. */
import { DATABASE_KINDS } from '../db';
import { oaSdks } from './sdks';
import { ACCOUNT_ID, startOutboundHarness, type OutboundHarness } from './outbound-harness';

jest.setTimeout(60_000);

const HOUR = 3_600_000;

describe.each(DATABASE_KINDS)('held message expiry (%s)', (kind) => {
  let h: OutboundHarness;
  beforeAll(async () => {
    h = await startOutboundHarness({ kind });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
  });

  it('sets the expiry of a held text to the end of the follower\'s window when that is sooner than the TTL, and expires it unsent', async () => {
    const openid = await h.followerWhoWrote();
    const wroteAt = Date.now() - 47 * HOUR;
    // The follower last wrote 47 hours ago: one hour of window left.
    await h.gateway.dataSource.query(`UPDATE oa_contact SET window_at = ${wroteAt} WHERE account_id = '${ACCOUNT_ID}'`);
    const answer = await oaSdks(h.oaBase, h.app.appId, h.app.appSecret)[1]!.sendText(openid, 'This plan is guaranteed to suit you');
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'held' });
    const held = (await h.gateway.outbound.messages.get(Number(answer.cgw_msgid)))!;
    expect(held.expiresAt).toBe(wroteAt + 48 * HOUR);
    await h.gateway.dataSource.query(`UPDATE outbound_message SET expires_at = ${Date.now() - 1} WHERE id = ${held.id}`);
    expect(await h.gateway.expireHeld()).toBeGreaterThanOrEqual(1);
    expect(await h.gateway.outbound.messages.get(held.id)).toMatchObject({ status: 'expired' });
    expect(h.sim.received({ path: '/cgi-bin/message/custom/send' }).filter((m) => m.body.touser === openid)).toHaveLength(0);
  });

  it('keeps the approval TTL when the window outlasts it', async () => {
    const openid = await h.followerWhoWrote();
    const before = Date.now();
    const answer = await oaSdks(h.oaBase, h.app.appId, h.app.appSecret)[1]!.sendText(openid, 'Returns are guaranteed');
    const held = (await h.gateway.outbound.messages.get(Number(answer.cgw_msgid)))!;
    // The default policy's compliance route holds for 24 h; the window has 48 h left.
    expect(held.expiresAt! - before).toBeGreaterThanOrEqual(24 * HOUR - 1000);
    expect(held.expiresAt! - before).toBeLessThanOrEqual(24 * HOUR + 5000);
  });
});
