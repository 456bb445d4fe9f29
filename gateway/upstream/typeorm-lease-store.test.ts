import { createDataSource } from '../db/data-source';
import { ConnectionGate } from '../db/connection-gate';
import { LEASE_ENTITY, type LeaseRow } from '../db/entities';
import { describeEachDatabase } from '../../test/db';
import { LeaseLostError, type Lease } from './lease-store';
import { TypeOrmLeaseStore } from './typeorm-lease-store';
import type { DataSource } from 'typeorm';

const T0 = 1_800_000_000_000;
const TTL = 30_000;
let seq = 0;
const uniqueName = () => `test-lease-${++seq}`;

/** A fenced write with a visible effect: a marker row in the lease table. */
function writeMarker(store: TypeOrmLeaseStore, lease: Lease, marker: string, nowMs: number): Promise<void> {
  return store.fenced(lease, nowMs, async (manager) => {
    await manager.getRepository<LeaseRow>(LEASE_ENTITY).insert({ name: marker, holder: lease.holder, fence: 1, expiresAt: 0, acquiredAt: nowMs });
  });
}

describeEachDatabase('TypeOrmLeaseStore', (db) => {
  // Two replicas: two connections (pools) to the same database.
  let second: DataSource;
  let a: TypeOrmLeaseStore;
  let b: TypeOrmLeaseStore;
  beforeAll(async () => {
    second = await createDataSource(db.config).initialize();
    a = new TypeOrmLeaseStore(db.dataSource, ConnectionGate.for(db.dataSource));
    b = new TypeOrmLeaseStore(second, ConnectionGate.for(second));
  });
  afterAll(async () => {
    await second.destroy();
  });

  it('grants a free lease with fence 1 and refuses it to a second holder while it lasts', async () => {
    const name = uniqueName();
    const first = await a.acquire(name, 'replica-a', TTL, T0);
    expect(first).toEqual({ name, holder: 'replica-a', fence: 1, expiresAt: T0 + TTL });
    expect(await b.acquire(name, 'replica-b', TTL, T0 + TTL - 1)).toBeNull();
  });

  it('lets exactly one of many concurrent contenders win a free lease', async () => {
    const name = uniqueName();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).acquire(name, `replica-${i}`, TTL, T0)),
    );
    const winners = results.filter((lease) => lease !== null);
    expect(winners).toHaveLength(1);
    expect((await a.inspect(name))?.holder).toBe(winners[0]!.holder);
  });

  it('lets exactly one contender take over an expired lease, with a higher fence', async () => {
    const name = uniqueName();
    await a.acquire(name, 'replica-a', TTL, T0);
    const later = T0 + TTL;
    const results = await Promise.all([b.acquire(name, 'replica-b', TTL, later), a.acquire(name, 'replica-c', TTL, later), b.acquire(name, 'replica-d', TTL, later)]);
    const winners = results.filter((lease) => lease !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.fence).toBe(2);
  });

  it("refuses a fenced write from a holder that was taken over, and accepts the new holder's", async () => {
    const name = uniqueName();
    const stale = (await a.acquire(name, 'replica-a', TTL, T0))!;
    const current = (await b.acquire(name, 'replica-b', TTL, T0 + TTL + 1))!;
    expect(current.fence).toBe(stale.fence + 1);
    await expect(writeMarker(a, stale, `${name}/stale`, T0 + TTL + 2)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(writeMarker(b, current, `${name}/current`, T0 + TTL + 2)).resolves.toBeUndefined();
    expect(await a.inspect(`${name}/stale`)).toBeNull();
    expect(await a.inspect(`${name}/current`)).not.toBeNull();
  });

  it('refuses a fenced write once the lease has expired, even if nobody took it over', async () => {
    const name = uniqueName();
    const lease = (await a.acquire(name, 'replica-a', TTL, T0))!;
    await expect(writeMarker(a, lease, `${name}/late`, T0 + TTL)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(writeMarker(a, lease, `${name}/in-time`, T0 + TTL - 1)).resolves.toBeUndefined();
    expect(await a.inspect(`${name}/late`)).toBeNull();
  });

  it('rolls back the work of a fenced write that throws', async () => {
    const name = uniqueName();
    const lease = (await a.acquire(name, 'replica-a', TTL, T0))!;
    await expect(
      a.fenced(lease, T0, async (manager) => {
        await manager.getRepository<LeaseRow>(LEASE_ENTITY).insert({ name: `${name}/marker`, holder: 'x', fence: 1, expiresAt: 0, acquiredAt: 0 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await a.inspect(`${name}/marker`)).toBeNull();
  });

  it('renews a held lease, and refuses to renew one that was taken over', async () => {
    const name = uniqueName();
    const lease = (await a.acquire(name, 'replica-a', TTL, T0))!;
    const renewed = await a.renew(lease, TTL, T0 + 10_000);
    expect(renewed?.expiresAt).toBe(T0 + 10_000 + TTL);
    expect(await b.acquire(name, 'replica-b', TTL, T0 + TTL + 1)).toBeNull(); // the renewal moved the expiry
    await b.acquire(name, 'replica-b', TTL, T0 + 10_000 + TTL);
    expect(await a.renew(lease, TTL, T0 + 50_000)).toBeNull();
  });

  it('frees a released lease for another holder at once, and keeps the fence growing', async () => {
    const name = uniqueName();
    const lease = (await a.acquire(name, 'replica-a', TTL, T0))!;
    await a.release(lease);
    const next = await b.acquire(name, 'replica-b', TTL, T0 + 1);
    expect(next?.fence).toBe(2);
    await a.release(lease); // a stale release must not free the new holder's lease
    expect(await a.acquire(name, 'replica-a', TTL, T0 + 2)).toBeNull();
  });

  it("lets the holder re-acquire its own unexpired lease, superseding its older handle", async () => {
    const name = uniqueName();
    const old = (await a.acquire(name, 'replica-a', TTL, T0))!;
    const again = (await a.acquire(name, 'replica-a', TTL, T0 + 1))!;
    expect(again.fence).toBe(old.fence + 1);
    await expect(writeMarker(a, old, `${name}/old`, T0 + 2)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(writeMarker(a, again, `${name}/again`, T0 + 2)).resolves.toBeUndefined();
  });
});
