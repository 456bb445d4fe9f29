import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import { UPSTREAM_TOKEN_ENTITY, type UpstreamTokenRow } from '../db/entities';
import type { SimulatedAccount } from '../simulator/accounts';
import { describeEachDatabase } from '../../test/db';
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';
import { addAccount, startReplica, startSimulator, stopReplicas, testConfig, type Replica, type SimulatorHarness } from './__tests__/upstream-harness';
import { tokenLeaseName, oaTokenKey } from './token-key';
import { TypeOrmLeaseStore } from './typeorm-lease-store';
import { UpstreamTokenUnavailableError } from './upstream-errors';

const MIN = 60_000;
const HOUR = 60 * MIN;

describeEachDatabase('UpstreamTokens against the simulator (OA stable_token)', (db) => {
  let h: SimulatorHarness;
  let account: SimulatedAccount;
  let key: string;
  const keyStore = new MemoryKeyStore();
  const replicas: Replica[] = [];

  beforeEach(async () => {
    h = await startSimulator();
    account = addAccount(h);
    key = oaTokenKey(account.appId);
  });
  afterEach(async () => {
    await stopReplicas(replicas);
    await h.close();
  });

  async function replica(options: { timeoutMs?: number; tokens?: Record<string, number>; holderId?: string; appSecret?: string } = {}): Promise<Replica> {
    const r = await startReplica(db.config, {
      config: testConfig(h, { tokens: options.tokens ?? {}, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }),
      accounts: [{ appId: account.appId, appSecret: options.appSecret ?? account.appSecret }],
      keyStore,
      now: () => h.clock.now(),
      ...(options.holderId ? { holderId: options.holderId } : {}),
    });
    replicas.push(r);
    return r;
  }

  const fetches = () => h.stableCalls.filter((c) => c.appId === account.appId);

  it('fetches a stable token once, in normal mode, and serves later calls from memory', async () => {
    const r = await replica();
    const first = await r.tokens.get(key);
    const second = await r.tokens.get(key);
    expect(second).toBe(first);
    expect(fetches()).toEqual([{ appId: account.appId, force: false, callerIp: '127.0.0.1', granted: first }]);
    expect(h.sim.checkAccessToken(first)).toEqual({ errcode: 0, appId: account.appId, family: 'stable' });
    expect(r.recorded.refreshes).toEqual([{ tokenKey: key, product: 'oa', mode: 'normal', reason: 'missing', outcome: 'new' }]);
  });

  it('stores the token sealed, and a second replica uses the stored token without fetching', async () => {
    const a = await replica();
    const token = await a.tokens.get(key);
    const row = await db.dataSource.getRepository<UpstreamTokenRow>(UPSTREAM_TOKEN_ENTITY).findOneByOrFail({ tokenKey: key });
    for (const column of [row.ciphertext, row.wrappedKey, row.iv]) expect(Buffer.from(column).includes(Buffer.from(token))).toBe(false);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt).toBe(h.clock.now() + 7200 * 1000);
    const b = await replica();
    expect(await b.tokens.get(key)).toBe(token);
    expect(fetches()).toHaveLength(1);
    expect(b.recorded.refreshes).toEqual([]);
  });

  it('two replicas asking at once refresh once, not twice', async () => {
    const [a, b] = [await replica(), await replica()];
    const tokens = await Promise.all([...Array.from({ length: 4 }, () => a.tokens.get(key)), ...Array.from({ length: 4 }, () => b.tokens.get(key))]);
    expect(new Set(tokens).size).toBe(1);
    expect(fetches()).toHaveLength(1);
    expect(a.recorded.refreshes.length + b.recorded.refreshes.length).toBe(1);
  });

  it('a replica without a token waits for the lease holder\'s token instead of fetching its own', async () => {
    const a = await replica();
    const b = await replica();
    // Hold the lease as A would while its fetch is in flight; B must poll, not fetch.
    const leases = new TypeOrmLeaseStore(a.dataSource);
    const lease = (await leases.acquire(tokenLeaseName(key), a.holderId, 30_000, h.clock.now()))!;
    const waiting = b.tokens.get(key);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fetches()).toHaveLength(0);
    await leases.release(lease);
    const token = await a.tokens.get(key); // A refreshes; B either picks A's token up or, the lease being free, takes over
    expect(await waiting).toBe(token);
    expect(fetches()).toHaveLength(1);
  });

  it('gives up waiting after waitTimeoutMs with a retryable error when the holder never delivers', async () => {
    const r = await replica({ timeoutMs: 1000, tokens: { leaseTtlMs: 4_000, waitTimeoutMs: 4_300 } });
    // The manual clock does not move, so the stuck holder's lease never expires; the wait deadline is real time.
    await new TypeOrmLeaseStore(r.dataSource).acquire(tokenLeaseName(key), 'stuck-replica', 4_000, h.clock.now());
    const started = Date.now();
    const error = await r.tokens.get(key).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamTokenUnavailableError);
    expect(error).toMatchObject({ reason: 'wait-timeout', retry: 'backoff', delivered: 'no' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_300);
    expect(fetches()).toHaveLength(0);
  }, 20_000);

  it('takes over the refresh from a holder whose lease expired', async () => {
    const r = await replica();
    await new TypeOrmLeaseStore(r.dataSource).acquire(tokenLeaseName(key), 'crashed-replica', 30_000, h.clock.now());
    h.clock.advance(30_000);
    const token = await r.tokens.get(key);
    expect(h.sim.checkAccessToken(token).errcode).toBe(0);
    expect(fetches()).toHaveLength(1);
  });

  it('renews early: the current token until the renewal point, Tencent\'s renewed token after it', async () => {
    const r = await replica({ tokens: { renewFraction: 0.1, renewBeforeMs: 5 * MIN } });
    const first = await r.tokens.get(key);
    // 7200 s token: renewal is due with 10 % (720 s) left.
    h.clock.advance(2 * HOUR - 720_000 - 1000);
    expect(await r.tokens.get(key)).toBe(first);
    expect(fetches()).toHaveLength(1);

    h.clock.advance(2000);
    expect(await r.tokens.get(key)).toBe(first); // Tencent renews stable tokens only in their last 5 minutes
    expect(fetches()).toHaveLength(2);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ reason: 'due', outcome: 'same' });
    expect(await r.tokens.get(key)).toBe(first); // and no refresh storm meanwhile
    expect(fetches()).toHaveLength(2);

    h.clock.advance(720_000 - 1000 - 290_000); // inside Tencent's last 5 minutes
    const renewed = await r.tokens.get(key);
    expect(renewed).not.toBe(first);
    expect(fetches().map((c) => c.force)).toEqual([false, false, false]);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ reason: 'due', outcome: 'new' });
    expect(h.sim.checkAccessToken(first).errcode).toBe(0); // old and new overlap: in-flight calls still succeed
    expect(h.sim.checkAccessToken(renewed).errcode).toBe(0);
  });

  it('keeps serving the current token when an early renewal fails', async () => {
    const r = await replica({ tokens: { renewFraction: 0, renewBeforeMs: 5 * MIN } });
    const first = await r.tokens.get(key);
    h.clock.advance(2 * HOUR - 4 * MIN);
    h.failStableToken(-1);
    expect(await r.tokens.get(key)).toBe(first);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ reason: 'due', outcome: 'error', label: '-1' });
    // The failure is held off briefly instead of asking Tencent on every call.
    expect(await r.tokens.get(key)).toBe(first);
    expect(fetches()).toHaveLength(2);
  });

  it('fetches a new token once the stored one has expired', async () => {
    const r = await replica();
    const first = await r.tokens.get(key);
    h.clock.advance(2 * HOUR);
    const second = await r.tokens.get(key);
    expect(second).not.toBe(first);
    expect(r.recorded.refreshes.at(-1)).toMatchObject({ reason: 'expired', outcome: 'new' });
  });

  it('re-reads the shared row after memoryTtlMs, picking up another replica\'s refresh', async () => {
    const a = await replica({ tokens: { memoryTtlMs: MIN } });
    const b = await replica({ tokens: { memoryTtlMs: MIN } });
    const first = await b.tokens.get(key);
    h.forceBehindTheGatewaysBack(account);
    const replaced = await a.tokens.invalidate(key, first); // A learns of the forced refresh first
    expect(replaced).not.toBe(first);
    expect(await b.tokens.get(key)).toBe(first); // still within B's memory TTL
    h.clock.advance(MIN);
    expect(await b.tokens.get(key)).toBe(replaced);
  });

  it('reports wrong credentials as a typed error with what to fix, and holds off before asking again', async () => {
    const r = await replica({ appSecret: 'f'.repeat(32) });
    const error = await r.tokens.get(key).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TencentApiError);
    expect(error).toMatchObject({ errcode: 40001, operation: 'token', retry: 'never', scope: 'account', hint: expect.stringMatching(/wrong secret/) });
    await expect(r.tokens.get(key)).rejects.toBe(error);
    expect(fetches()).toHaveLength(1);
    h.clock.advance(MIN);
    await expect(r.tokens.get(key)).rejects.toBeInstanceOf(TencentApiError);
    expect(fetches()).toHaveLength(2);
  });

  it('names the IP to whitelist when Tencent refuses the caller (40164)', async () => {
    account = addAccount(h, { ipWhitelist: ['203.0.113.7'] });
    key = oaTokenKey(account.appId);
    const r = await replica();
    await expect(r.tokens.get(key)).rejects.toMatchObject({ errcode: 40164, retry: 'never', hint: expect.stringMatching(/^add 127\.0\.0\.1 to the account's API IP whitelist/) });
  });

  it('refuses a key it has no credentials for', async () => {
    const r = await replica();
    await expect(r.tokens.get(oaTokenKey('wx0000000000000000'))).rejects.toMatchObject({ reason: 'unknown-key', retry: 'never' });
  });

  it('fetches anew when the stored row no longer opens (its key-encryption key is gone)', async () => {
    const a = await replica();
    const first = await a.tokens.get(key);
    const other = await startReplica(db.config, { config: testConfig(h), accounts: [account], keyStore: new MemoryKeyStore(), now: () => h.clock.now() });
    replicas.push(other);
    const token = await other.tokens.get(key);
    expect(h.sim.checkAccessToken(token).errcode).toBe(0);
    expect(token).toBe(first); // normal mode hands out the same stable token: nothing is revoked
    expect(fetches()).toHaveLength(2);
  });
});
