/**
 * The matcher's negative filter: the fingerprints of every item that is or
 * was submitted, approved or retired, held in memory so that the archive
 * transaction of a message that cannot match any item does no query at all
 * (nearly every captured message). A fingerprint in the filter is only a
 * candidate: the transaction confirms it against the item table.
 *
 * Items are submitted before they are approved, so an approval is usually in
 * the filter long before it matters. Changes on this replica are added at
 * once; other replicas' are read every `refreshMs`. A fingerprint missed in
 * that window means a message is not linked (supervised as any other
 * message): never a false link.
 */
import type { Logger } from 'pino';

export class FingerprintFilter {
  private fingerprints = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly deps: { load(): Promise<string[]>; refreshMs: number; logger: Logger }) {}

  /** Whether `fingerprint` may belong to an item. */
  has(fingerprint: string): boolean {
    return this.fingerprints.has(fingerprint);
  }

  /** Reload now (after a change on this replica); concurrent calls share one load. */
  reload(): Promise<void> {
    this.loading ??= this.deps
      .load()
      .then((list) => {
        this.fingerprints = new Set(list);
      })
      .catch((err: unknown) => this.deps.logger.warn({ err: (err as Error).message }, 'content library fingerprints could not be reloaded; the previous set stays'))
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Load at once and then every refreshMs. */
  async start(): Promise<void> {
    await this.reload();
    this.timer ??= setInterval(() => void this.reload(), this.deps.refreshMs);
    this.timer.unref();
  }

  /** Stop refreshing and wait for a load in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.loading;
  }
}
