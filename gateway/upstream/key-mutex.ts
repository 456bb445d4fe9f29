/**
 * One operation per key at a time within a process. Replicas are kept apart
 * by the database lease; inside one process this keeps two refreshes of the
 * same key from both acquiring the lease (a re-acquire by the same holder
 * would supersede the first one's lease mid-refresh).
 */
export class KeyMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Whether an operation on `key` is running or queued. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Run `work` once every earlier operation on `key` has finished. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
