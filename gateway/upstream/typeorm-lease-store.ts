/**
 * LeaseStore over TypeORM with compare-and-set UPDATEs (… WHERE fence = :seen),
 * which SQLite, PostgreSQL and SQL Server all run atomically per row; no
 * dialect SQL, no row locks needed for acquire. Clocks are the replicas'
 * (injected `nowMs`): lease TTLs are tens of seconds, far above NTP skew.
 */
import { MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { ConnectionGate } from '../db/connection-gate';
import { LEASE_ENTITY, type LeaseRow } from '../db/entities';
import { isUniqueViolation } from '../db/errors';
import { LeaseLostError, type Lease, type LeaseStore } from './lease-store';

export class TypeOrmLeaseStore implements LeaseStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate = ConnectionGate.for(dataSource)) {}

  private get repo() {
    return this.dataSource.getRepository<LeaseRow>(LEASE_ENTITY);
  }

  async acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<Lease | null> {
    return this.gate.run(async () => {
      const expiresAt = nowMs + ttlMs;
      const row = await this.repo.findOneBy({ name });
      if (!row) {
        try {
          await this.repo.insert({ name, holder, fence: 1, expiresAt, acquiredAt: nowMs });
          return { name, holder, fence: 1, expiresAt };
        } catch (err) {
          if (isUniqueViolation(err)) return null; // another replica created it first
          throw err;
        }
      }
      if (row.expiresAt > nowMs && row.holder !== holder) return null;
      // Compare-and-set on the fence we saw: of two contenders only one moves it.
      const fence = row.fence + 1;
      const result = await this.repo.update({ name, fence: row.fence }, { holder, fence, expiresAt, acquiredAt: nowMs });
      return result.affected === 1 ? { name, holder, fence, expiresAt } : null;
    });
  }

  async renew(lease: Lease, ttlMs: number, nowMs: number): Promise<Lease | null> {
    const expiresAt = nowMs + ttlMs;
    const result = await this.gate.run(() => this.repo.update({ name: lease.name, holder: lease.holder, fence: lease.fence }, { expiresAt }));
    return result.affected === 1 ? { ...lease, expiresAt } : null;
  }

  async release(lease: Lease): Promise<void> {
    // The row stays (fences must never restart at 1); 0 makes it free whatever the clocks say.
    await this.gate.run(() => this.repo.update({ name: lease.name, holder: lease.holder, fence: lease.fence }, { expiresAt: 0 }));
  }

  async fenced<T>(lease: Lease, nowMs: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.gate.run(() =>
      this.dataSource.transaction(async (manager) => {
        // A no-op UPDATE that matches only while the lease is ours and unexpired; on PostgreSQL
        // and SQL Server it also locks the row, so nobody can take the lease over until commit.
        const touched = await manager
          .getRepository<LeaseRow>(LEASE_ENTITY)
          .update({ name: lease.name, holder: lease.holder, fence: lease.fence, expiresAt: MoreThan(nowMs) }, { holder: lease.holder });
        if (touched.affected !== 1) throw new LeaseLostError(lease.name, lease.fence);
        return work(manager);
      }),
    );
  }

  /** The row of `name`, for tests and inspection. */
  async inspect(name: string): Promise<LeaseRow | null> {
    return this.gate.run(() => this.repo.findOneBy({ name }));
  }
}
