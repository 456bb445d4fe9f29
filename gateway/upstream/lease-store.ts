/**
 * Named, expiring, fenced leases shared by replicas through the database.
 * `fence` grows with every acquisition, so a holder that stalled past its
 * expiry (GC pause, partition) and was taken over cannot write: `fenced`
 * re-checks the fence in the same transaction as the write.
 */
import type { EntityManager } from 'typeorm';

/** A lease this replica holds (until `expiresAt`, if nobody took it over). */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly fence: number;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface LeaseStore {
  /** Take `name` for `ttlMs` if it is free, expired, or already ours (a re-acquire supersedes our older Lease); null when another holder has it. */
  acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<Lease | null>;
  /** Extend a lease we still hold; null when it was taken over. */
  renew(lease: Lease, ttlMs: number, nowMs: number): Promise<Lease | null>;
  /** Give the lease up at once (no-op when it was taken over). */
  release(lease: Lease): Promise<void>;
  /** Run `work` in one transaction that first proves the lease is still ours and unexpired. @throws LeaseLostError when it is not */
  fenced<T>(lease: Lease, nowMs: number, work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/** A fenced write was refused: the lease expired or another holder took it. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'lease.lost';

  constructor(readonly leaseName: string, readonly fence: number) {
    super(`lease ${leaseName} (fence ${fence}) is no longer held: the write was refused`);
  }
}
