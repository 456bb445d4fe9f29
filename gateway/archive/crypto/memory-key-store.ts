/** A KeyStore that lives only in memory: for tests and for tools that must not touch disk. */
import { KeyRingStore, newKeyMaterial } from './key-ring';

export class MemoryKeyStore extends KeyRingStore {
  /** A store with one fresh KEK and a fresh index key. `now` is injectable for deterministic `createdAt`. */
  constructor(options: { now?: () => number } = {}) {
    const now = options.now ?? Date.now;
    super(newKeyMaterial(now()), now);
  }

  protected persist(): void {
    // nothing to persist
  }
}
