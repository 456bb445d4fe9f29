/**
 * A bounded cache of per-person answers (consent state, binding) in front of
 * the database, so the policy hot path does not read the ledger per message.
 * Entries live `ttlMs`; a change recorded through this process invalidates
 * at once, and `pollChanges` invalidates what other replicas recorded (read
 * from the ledger's recorded_at index every `changePollMs`).
 */
export class PersonCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private readonly loading = new Map<string, Promise<T>>();
  private generation = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly opts: { ttlMs: number; maxEntries: number; now: () => number }) {}

  /** The cached value of `key`, or `load()`'s (one load at a time per key). */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.opts.now() - hit.at < this.opts.ttlMs) {
      this.hits++;
      // Refresh LRU position.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    this.misses++;
    const inflight = this.loading.get(key);
    if (inflight) return inflight;
    const generation = this.generation;
    const promise = load().then(
      (value) => {
        this.loading.delete(key);
        // An invalidation that arrived while loading means this answer may be older than the change.
        if (generation === this.generation && this.opts.ttlMs > 0) this.put(key, value);
        return value;
      },
      (err: unknown) => {
        this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, promise);
    return promise;
  }

  /** The cached value of `key` if fresh, without loading (the hot path's synchronous fast path). */
  peek(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (!hit || this.opts.now() - hit.at >= this.opts.ttlMs) return undefined;
    this.hits++;
    return hit.value;
  }

  invalidate(keys: Iterable<string>): void {
    this.generation++;
    for (const key of keys) {
      this.entries.delete(key);
      this.loading.delete(key);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private put(key: string, value: T): void {
    this.entries.set(key, { value, at: this.opts.now() });
    if (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
