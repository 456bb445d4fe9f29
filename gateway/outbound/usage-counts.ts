/**
 * An app's sends per quota window, as the quota rule needs them, without a
 * COUNT over the day's messages on every message: each count is read from
 * the database at most every `refreshMs` and this replica's own sends are
 * added in between. Across replicas a quota can be overrun by at most what
 * the others sent within one refresh interval; quotas are protective limits,
 * not billing, and Tencent's own quota is the hard stop behind them.
 */
import type { OutboundMessageStore } from './message-store';

interface Entry {
  count: number;
  fetchedAt: number;
  windowStart: number;
  kinds: ReadonlySet<string>;
}

export class UsageCounts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly messages: Pick<OutboundMessageStore, 'countForApp'>, private readonly opts: { refreshMs: number }) {}

  /** The app's messages of `kinds` since `windowStart` (epoch ms) as of `now`, before the one being decided. */
  async count(appId: string, kinds: ReadonlySet<string>, window: 'day' | 'minute', windowStart: number, now: number): Promise<number> {
    const key = `${appId}|${window}|${[...kinds].sort().join(',')}`;
    const hit = this.entries.get(key);
    // A day window is cached until it rolls over; the sliding minute only for the refresh interval.
    if (hit && now - hit.fetchedAt < this.opts.refreshMs && (window === 'minute' || hit.windowStart === windowStart)) return hit.count;
    const count = await this.messages.countForApp(appId, windowStart, [...kinds]);
    this.entries.set(key, { count, fetchedAt: now, windowStart, kinds });
    return count;
  }

  /** Count a message this replica is about to archive as sent (allowed or held). */
  note(appId: string, kind: string): void {
    for (const [key, entry] of this.entries) if (key.startsWith(`${appId}|`) && entry.kinds.has(kind)) entry.count += 1;
  }
}
