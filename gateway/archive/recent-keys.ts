/**
 * A bounded memory of recently seen keys: the archive writer's "did this
 * writer append that dedupe key or nonce lately?" (types.ts: `fresh`).
 */

/** The last `capacity` distinct keys added (oldest forgotten first), for "seen here lately?". */
export class RecentKeys {
  private readonly ring: (string | undefined)[];
  private readonly keys = new Set<string>();
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.keys.delete(oldest);
    this.ring[this.next] = key;
    this.keys.add(key);
    this.next = (this.next + 1) % this.capacity;
  }
}
