import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import { ConnectionGate } from '../db/connection-gate';
import { describeEachDatabase } from '../../test/db';
import { tencentConfigSchema } from './config';
import { tokenLeaseName } from './token-key';
import { NEVER_FORCED, TokenVault } from './token-vault';
import { TypeOrmLeaseStore } from './typeorm-lease-store';
import { UpstreamTokenUnavailableError } from './upstream-errors';
import { UpstreamTokenStore } from './upstream-token-store';

const T0 = 1_800_000_000_000;
const TTL = 30_000;
let seq = 0;

describeEachDatabase('TokenVault', (db) => {
  const keyStore = new MemoryKeyStore();
  const policy = tencentConfigSchema.parse({}).tokens;
  let leases: TypeOrmLeaseStore;
  let vault: TokenVault;
  beforeAll(() => {
    const gate = ConnectionGate.for(db.dataSource);
    leases = new TypeOrmLeaseStore(db.dataSource, gate);
    vault = new TokenVault(new UpstreamTokenStore(db.dataSource, gate), leases, keyStore, policy);
  });
  const newKey = () => `oa:wx${String(++seq).padStart(16, '0')}`;

  it('writes under the lease and reads the token back with its times and version', async () => {
    const key = newKey();
    const lease = (await leases.acquire(tokenLeaseName(key), 'a', TTL, T0))!;
    const written = await vault.write(key, lease, { accessToken: 'TOKEN-ONE', expiresInSeconds: 7200 }, null, NEVER_FORCED, T0);
    expect(written).toEqual({ value: 'TOKEN-ONE', expiresAt: T0 + 7_200_000, renewAt: T0 + 6_480_000, version: 1, readAt: T0 });
    expect(await vault.read(key, T0 + 5)).toEqual({ version: 1, force: NEVER_FORCED, token: { ...written, readAt: T0 + 5 } });
  });

  it("refuses the write of a refresher whose lease was taken over, keeping the new holder's token", async () => {
    const key = newKey();
    const stale = (await leases.acquire(tokenLeaseName(key), 'a', TTL, T0))!;
    const current = (await leases.acquire(tokenLeaseName(key), 'b', TTL, T0 + TTL))!;
    await vault.write(key, current, { accessToken: 'FROM-B', expiresInSeconds: 7200 }, null, NEVER_FORCED, T0 + TTL);
    const late = vault.write(key, stale, { accessToken: 'FROM-A', expiresInSeconds: 7200 }, null, NEVER_FORCED, T0 + TTL + 1);
    await expect(late).rejects.toBeInstanceOf(UpstreamTokenUnavailableError);
    await expect(late).rejects.toMatchObject({ reason: 'lease-lost', retry: 'backoff' });
    expect((await vault.read(key, T0 + TTL + 2))?.token?.value).toBe('FROM-B');
  });

  it('refuses a write based on a version that has moved on', async () => {
    const key = newKey();
    const lease = (await leases.acquire(tokenLeaseName(key), 'a', TTL, T0))!;
    await vault.write(key, lease, { accessToken: 'V1', expiresInSeconds: 7200 }, null, NEVER_FORCED, T0);
    const v1 = (await vault.read(key, T0))!;
    await vault.write(key, lease, { accessToken: 'V2', expiresInSeconds: 7200 }, v1, NEVER_FORCED, T0 + 1);
    await expect(vault.write(key, lease, { accessToken: 'V2-AGAIN', expiresInSeconds: 7200 }, v1, NEVER_FORCED, T0 + 2)).rejects.toMatchObject({ reason: 'lease-lost' });
    expect((await vault.read(key, T0 + 3))?.token).toMatchObject({ value: 'V2', version: 2 });
  });

  it('schedules the next attempt a minute out when Tencent hands back the token it already gave', async () => {
    const key = newKey();
    const lease = (await leases.acquire(tokenLeaseName(key), 'a', TTL, T0))!;
    await vault.write(key, lease, { accessToken: 'SAME', expiresInSeconds: 7200 }, null, NEVER_FORCED, T0);
    await leases.release(lease);
    const before = (await vault.read(key, T0))!;
    const later = (await leases.acquire(tokenLeaseName(key), 'a', TTL, T0 + 6_500_000))!;
    const again = await vault.write(key, later, { accessToken: 'SAME', expiresInSeconds: 700 }, before, NEVER_FORCED, T0 + 6_500_000);
    expect(again.renewAt).toBe(T0 + 6_560_000);
  });

  it('records a forced refresh without changing the token or its version', async () => {
    const key = newKey();
    const lease = (await leases.acquire(tokenLeaseName(key), 'a', TTL, T0))!;
    await vault.write(key, lease, { accessToken: 'T', expiresInSeconds: 7200 }, null, NEVER_FORCED, T0);
    const snapshot = (await vault.read(key, T0))!;
    const force = { forcedAt: T0 + 10, forcedDay: 20_000, forcedCount: 3 };
    await vault.recordForce(key, lease, snapshot, force, T0 + 10);
    expect(await vault.read(key, T0 + 11)).toMatchObject({ version: 1, force, token: { value: 'T', version: 1 } });
  });
});
