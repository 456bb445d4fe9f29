/**
 * A steady, realistic trickle of pushes for demo mode: new followers
 * subscribe first, then mostly text, with images, menu clicks, location
 * reports and the occasional unfollow.
 */
import { DEMO_MENU_KEYS, DEMO_PLACES, demoText } from './demo-content';
import type { DeliveryReport } from './deliver';
import * as pushes from './pushes';
import { cryptoRng, seededRng, type Rng } from './random';
import type { TencentSimulator } from './simulator';

export interface DemoTrafficOptions {
  ratePerSecond: number;
  /** AppIDs to drive; all of the simulator's accounts when absent. */
  accounts?: readonly string[];
  seed?: string;
  /** Ticks are skipped while this many deliveries are still running (a slow gateway is not buried). */
  maxInFlight?: number;
  /** Called after each delivery, e.g. to log it. */
  onDelivery?: (appId: string, report: DeliveryReport) => void;
}

export interface DemoTrafficStats {
  sent: number;
  skipped: number;
  outcomes: Record<DeliveryReport['outcome'], number>;
}

export interface DemoTraffic {
  /** Stop producing pushes and wait for those in flight. */
  stop(): Promise<void>;
  readonly stats: DemoTrafficStats;
}

/** What the chooser needs to know about one account at one moment. */
export interface DemoPushContext {
  originalId: string;
  followers: readonly string[];
  newFollowerOpenid: () => string;
  createTime: number;
  rng: Rng;
}

/** Pick the next push for an account: a subscribe when it has no followers (or ~10% of the time), else follower activity. */
export function chooseDemoPush(ctx: DemoPushContext): string {
  const { rng } = ctx;
  if (ctx.followers.length === 0 || rng.chance(0.1)) {
    const base = { toUserName: ctx.originalId, fromUserName: ctx.newFollowerOpenid(), createTime: ctx.createTime, rng };
    return rng.chance(0.3) ? pushes.subscribeEvent({ ...base, qrScene: String(1000 + rng.int(9000)) }) : pushes.subscribeEvent(base);
  }
  const base = { toUserName: ctx.originalId, fromUserName: rng.pick(ctx.followers), createTime: ctx.createTime, rng };
  const roll = rng.int(100);
  if (roll < 62) return pushes.textMessage({ ...base, content: demoText(rng) });
  if (roll < 72) return pushes.imageMessage(base);
  if (roll < 80) return pushes.clickEvent({ ...base, eventKey: rng.pick(DEMO_MENU_KEYS) });
  if (roll < 87) {
    const place = rng.pick(DEMO_PLACES);
    return pushes.locationEvent({ ...base, latitude: place.latitude, longitude: place.longitude, precision: `${30 + rng.int(90)}.000000` });
  }
  if (roll < 91) return pushes.locationMessage({ ...base, ...rng.pick(DEMO_PLACES), scale: 16 });
  if (roll < 95) return pushes.voiceMessage({ ...base, recognition: '我想查一下账户余额' });
  if (roll < 98) return pushes.viewEvent({ ...base, url: 'https://www.example-bank.cn/wealth' });
  return pushes.unsubscribeEvent(base);
}

/** Start pushing to the simulator's accounts at `ratePerSecond`. @throws RangeError on a non-positive rate. */
export function startDemoTraffic(sim: TencentSimulator, options: DemoTrafficOptions): DemoTraffic {
  if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  const appIds = options.accounts ?? sim.appIds;
  if (appIds.length === 0) throw new RangeError('demo traffic needs at least one account');
  for (const appId of appIds) sim.account(appId); // fail now, not on the first tick
  const rng = options.seed === undefined ? cryptoRng : seededRng(`demo:${options.seed}`);
  const maxInFlight = options.maxInFlight ?? 8;
  const stats: DemoTrafficStats = { sent: 0, skipped: 0, outcomes: { acked: 0, replied: 0, 'bad-reply': 0, failed: 0 } };
  const inFlight = new Set<Promise<void>>();

  const tick = (): void => {
    if (inFlight.size >= maxInFlight) {
      stats.skipped++;
      return;
    }
    const appId = rng.pick(appIds);
    const account = sim.account(appId);
    const xml = chooseDemoPush({
      originalId: account.originalId,
      followers: sim.followers(appId).map((f) => f.openid),
      newFollowerOpenid: () => sim.newFollowerOpenid(appId),
      createTime: Math.floor(sim.clock.now() / 1000),
      rng,
    });
    stats.sent++;
    const delivery = sim
      .send(appId, xml)
      .then((report) => {
        stats.outcomes[report.outcome]++;
        options.onDelivery?.(appId, report);
      })
      .catch(() => {
        stats.outcomes.failed++;
      })
      .finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  };

  const timer = setInterval(tick, 1000 / options.ratePerSecond);
  timer.unref();
  return {
    stats,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}
