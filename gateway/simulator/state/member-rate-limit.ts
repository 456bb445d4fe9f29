/**
 * WeCom's per-app, per-member delivery cap (wecom.md §3): at most 30 app
 * messages a minute and 1000 an hour reach one member; the excess is dropped
 * without an error. Reading [S]: the windows slide (the last 60 s / 3600 s),
 * and only delivered messages count, so a member who was flooded receives
 * again once the window has room.
 */

export interface MemberRateRule {
  perMinute: number;
  perHour: number;
}

export const DEFAULT_MEMBER_RATE: MemberRateRule = { perMinute: 30, perHour: 1000 };

export type DeliveryVerdict = 'delivered' | 'member-minute-limit' | 'member-hour-limit';

/** Delivery times per (corp, app, member). */
export class MemberRateLimit {
  private readonly deliveries = new Map<string, number[]>();

  constructor(private readonly rule: MemberRateRule = DEFAULT_MEMBER_RATE) {}

  /** Try to deliver one message at `now` (epoch ms); records it when delivered. */
  deliver(corpId: string, agentId: number, userid: string, now: number): DeliveryVerdict {
    const key = `${corpId}\u0000${agentId}\u0000${userid}`;
    const recent = (this.deliveries.get(key) ?? []).filter((t) => now - t < 3600_000);
    this.deliveries.set(key, recent);
    if (recent.filter((t) => now - t < 60_000).length >= this.rule.perMinute) return 'member-minute-limit';
    if (recent.length >= this.rule.perHour) return 'member-hour-limit';
    recent.push(now);
    return 'delivered';
  }
}
