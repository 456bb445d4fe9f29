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
  /** False until the first read lands. */
  fetched: boolean;
  fetchedAt: number;
  windowStart: number;
  kinds: ReadonlySet<string>;
  /** A re-read in progress: every caller meanwhile shares it (or the current count), never a COUNT of its own. */
  refreshing?: Promise<number>;
}

export class UsageCounts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly messages: Pick<OutboundMessageStore, 'countForApp'>, private readonly opts: { refreshMs: number }) {}

  /**
   * The app's messages of `kinds` since `windowStart` (epoch ms) as of `now`, before the one being decided.
   * A count past its refresh interval is answered as it stands while one re-read runs; a count of another
   * day (the window rolled over), or none yet, waits for the read, which concurrent callers share.
   */
  async count(appId: string, kinds: ReadonlySet<string>, window: 'day' | 'minute', windowStart: number, now: number): Promise<number> {
    const key = `${appId}|${window}|${[...kinds].sort().join(',')}`;
    const hit = this.entries.get(key);
    // A day window is cached until it rolls over; the sliding minute only for the refresh interval.
    const sameWindow = hit !== undefined && (window === 'minute' || hit.windowStart === windowStart);
    if (sameWindow && hit.fetched) {
      if (now - hit.fetchedAt >= this.opts.refreshMs && !hit.refreshing) void this.read(key, appId, kinds, windowStart, now, hit).catch(() => undefined); // the next caller retries
      return hit.count;
    }
    if (sameWindow && hit.refreshing) return hit.refreshing;
    return this.read(key, appId, kinds, windowStart, now, undefined);
  }

  private read(key: string, appId: string, kinds: ReadonlySet<string>, windowStart: number, now: number, prior: Entry | undefined): Promise<number> {
    const refreshing = this.messages.countForApp(appId, windowStart, [...kinds]).then(
      (count) => {
        this.entries.set(key, { count, fetched: true, fetchedAt: now, windowStart, kinds });
        return count;
      },
      (err: unknown) => {
        if (this.entries.get(key)?.refreshing === refreshing) this.entries.set(key, { ...this.entries.get(key)!, refreshing: undefined });
        throw err;
      },
    );
    this.entries.set(key, prior ? { ...prior, refreshing } : { count: 0, fetched: false, fetchedAt: now, windowStart, kinds, refreshing });
    return refreshing;
  }

  /** Count a message this replica is about to archive as sent (allowed or held). */
  note(appId: string, kind: string): void {
    for (const [key, entry] of this.entries) if (key.startsWith(`${appId}|`) && entry.kinds.has(kind)) entry.count += 1;
  }
}
