/**
 * What inbound traffic says about each OA follower: following or not, and
 * the latest customer-service window. Fed after each inbound record commits,
 * in small batched transactions off the callback's hot path; read when an
 * app sends. The archive stays the truth: this is a derived view.
 */
import type { DataSource } from 'typeorm';
import { OA_CONTACT_ENTITY, type OaContactRow } from '../db/entities';
import type { ConnectionGate } from '../db/connection-gate';
import { isUniqueViolation } from '../db/errors';
import { chunk } from '../db/chunk';
import { insertRows, selectWhereIn, updateRows, type Row } from '../db/statements';

const CONTACT_PROPERTIES: (keyof OaContactRow)[] = ['accountId', 'openidBidx', 'subscribed', 'windowTrigger', 'windowAt', 'sentSince', 'updatedAt'];
/** What a flush writes of a known follower (all but the key). */
const WRITTEN_PROPERTIES: (keyof OaContactRow)[] = ['subscribed', 'windowTrigger', 'windowAt', 'sentSince', 'updatedAt'];

/** What one inbound event says about its sender. */
export interface ContactObservation {
  accountId: string;
  openidBidx: string;
  /** Opens a customer-service window. */
  trigger?: 'message' | 'menu_click' | 'subscribe' | 'qr_scan' | 'payment';
  subscribed?: boolean;
  atMs: number;
}

/** One account's view of some followers, read once and shared by the checks of one message. */
export interface FollowerRows {
  accountId: string;
  /** openid blind index → the follower's row on this account. */
  here: ReadonlyMap<string, OaContactRow>;
  /** Some openid is known on another account and not on this one. */
  elsewhere: boolean;
}

const MAX_QUEUED = 100_000;

export class ContactStore {
  private queue: ContactObservation[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate, private readonly opts: { flushMs?: number; now: () => number; onError?: (err: unknown) => void }) {}

  private get repo() {
    return this.dataSource.getRepository<OaContactRow>(OA_CONTACT_ENTITY);
  }

  /** Queue an observation; written within flushMs. */
  observe(o: ContactObservation): void {
    this.queue.push(o);
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.flushMs ?? 50);
  }

  /** Write every queued observation now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    this.flushing = this.write(batch)
      .then(() => {
        this.failures = 0;
      })
      .catch((err: unknown) => {
        this.opts.onError?.(err);
        this.requeue(batch);
      })
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  /**
   * A batch that did not commit (the database away, or replicas racing on the
   * same new followers past the write's own retries) goes back to the front
   * of the queue and is retried with backoff: applying an observation twice
   * changes nothing, dropping one would leave a follower's window closed
   * (sends wrongly refused with 45015). Beyond MAX_QUEUED the oldest go.
   */
  private requeue(batch: ContactObservation[]): void {
    this.failures += 1;
    this.queue = [...batch, ...this.queue];
    if (this.queue.length > MAX_QUEUED) {
      const dropped = this.queue.splice(0, this.queue.length - MAX_QUEUED).length;
      this.opts.onError?.(new Error(`${dropped} follower observations dropped after repeated write failures`));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.closed ? null : setTimeout(() => void this.flush(), Math.min(5_000, (this.opts.flushMs ?? 50) * 2 ** this.failures));
  }

  private async write(batch: ContactObservation[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.gate.run(() => this.dataSource.transaction(async (m) => {
          const keys = [...new Set(batch.map((o) => o.openidBidx))].sort();
          // Locked (where the database has row locks), in key order: a replica writing the same followers waits and
          // then reads what this one wrote, so a later window is never overwritten by an earlier one.
          const read = (await selectWhereIn(m, OA_CONTACT_ENTITY, CONTACT_PROPERTIES, 'openidBidx', keys, {}, { lock: true, orderBy: ['openidBidx', 'accountId'] })) as unknown as OaContactRow[];
          const existing = new Map(read.map((r) => [`${r.accountId}|${r.openidBidx}`, r]));
          const touched = new Map<string, OaContactRow>();
          for (const o of batch) {
            const key = `${o.accountId}|${o.openidBidx}`;
            const row = touched.get(key) ?? existing.get(key) ?? { accountId: o.accountId, openidBidx: o.openidBidx, subscribed: 1, windowTrigger: null, windowAt: null, sentSince: 0, updatedAt: 0 };
            if (o.subscribed !== undefined) row.subscribed = o.subscribed ? 1 : 0;
            if (o.trigger && (row.windowAt === null || o.atMs >= row.windowAt) && !shortensLongWindow(row, o)) {
              row.windowTrigger = o.trigger;
              row.windowAt = o.atMs;
              row.sentSince = 0;
            }
            row.updatedAt = this.opts.now();
            touched.set(key, row);
          }
          // One UPDATE for the known followers and one INSERT for the new, each in key order (replicas writing
          // overlapping new followers then insert them in the same order and never deadlock).
          const sorted = [...touched].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          const known = sorted.filter(([key]) => existing.has(key)).map(([, row]) => row as unknown as Row);
          const fresh = sorted.filter(([key]) => !existing.has(key)).map(([, row]) => row);
          for (const accountId of new Set(known.map((r) => r.accountId))) {
            await updateRows(m, OA_CONTACT_ENTITY, 'openidBidx', WRITTEN_PROPERTIES, known.filter((r) => r.accountId === accountId), { accountId });
          }
          if (fresh.length > 0 && !(await insertRows(m, OA_CONTACT_ENTITY, fresh))) throw new Error('follower rows of different shapes');
        }));
        return;
      } catch (err) {
        if (isUniqueViolation(err) && attempt < 5) continue; // another replica inserted the same follower first
        throw err;
      }
    }
  }

  /** The follower's row on this account, or null when inbound traffic never showed it. */
  get(accountId: string, openidBidx: string): Promise<OaContactRow | null> {
    return this.gate.run(() => this.repo.findOneBy({ accountId, openidBidx }));
  }

  /**
   * What inbound traffic showed of these followers, in one query per 1,000
   * (a mass send lists up to 10,000): their rows on this account (the
   * window view reads them) and whether any is known on another account and
   * never on this one (then it cannot belong here).
   */
  async followers(accountId: string, openidBidxs: readonly string[]): Promise<FollowerRows> {
    const here = new Map<string, OaContactRow>();
    let elsewhere = false;
    for (const part of chunk([...new Set(openidBidxs)], 1000)) {
      const rows = (await this.gate.run(() => selectWhereIn(this.dataSource.manager, OA_CONTACT_ENTITY, CONTACT_PROPERTIES, 'openidBidx', part))) as unknown as OaContactRow[];
      for (const r of rows) if (r.accountId === accountId) here.set(r.openidBidx, r);
      if (rows.some((r) => !here.has(r.openidBidx))) elsewhere = true;
    }
    return { accountId, here, elsewhere };
  }

  /** Whether any of the openids is known on another account and never on this one. */
  async anyBelongsElsewhere(accountId: string, openidBidxs: readonly string[]): Promise<boolean> {
    return (await this.followers(accountId, openidBidxs)).elsewhere;
  }

  /** Stop the timer and write what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

const LONG_TRIGGERS = new Set(['message', 'payment']);
const LONG_WINDOW_MS = 48 * 3_600_000;

// Only the latest window is kept: a 1-minute window (menu click, follow, QR scan)
// must not replace a 48-hour one that is still open.
function shortensLongWindow(row: OaContactRow, o: ContactObservation): boolean {
  return row.windowTrigger !== null && LONG_TRIGGERS.has(row.windowTrigger) && !LONG_TRIGGERS.has(o.trigger ?? '') && row.windowAt !== null && o.atMs - row.windowAt < LONG_WINDOW_MS;
}
