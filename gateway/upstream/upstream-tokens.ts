/**
 * The gateway's Tencent access tokens, shared by every replica.
 *
 * - Hot path: an in-memory copy, re-read from the shared row after
 *   memoryTtlMs; no database access per message.
 * - Renewal: when a token is due (renewFraction / renewBeforeMs of its life
 *   left) the first caller that notices renews it while everyone else keeps
 *   using the still-valid token; a failed early renewal is logged, not thrown.
 * - One refresher per key across replicas: the refresh runs under a database
 *   lease and its write is fenced; a replica without a usable token and
 *   without the lease polls the shared row until the holder's token appears
 *   (or the lease frees up, or waitTimeoutMs passes).
 * - `invalidate(key, bad)` after 40001/40014/42001: replaces the token only
 *   if the shared one is still `bad`. OA first asks stable_token in normal
 *   mode (Tencent's current token may already differ: it expired, or someone
 *   forced a refresh); only if Tencent hands back the rejected token does it
 *   force a refresh, at most one per 30 s and 20 per day across replicas —
 *   otherwise it reuses the current token.
 * - A failed fetch is remembered briefly (5 s; 60 s for errors retrying cannot
 *   fix, such as a wrong secret) so a burst of deliveries does not hammer
 *   Tencent: WeCom blocks an IP for an hour after repeated wrong secrets.
 *
 * Times come from the injected clock; only the wait deadline and poll sleeps
 * use the real one.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KeyStore } from '../archive/crypto/key-store';
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';
import type { TokenPolicy } from './config';
import { emit, type RefreshReason, type UpstreamHooks } from './hooks';
import { KeyMutex } from './key-mutex';
import type { Lease, LeaseStore } from './lease-store';
import { afterForce, forceAllowed, isDue, isUsable } from './renewal';
import { tokenLeaseName } from './token-key';
import type { FetchedToken, TokenSource } from './token-source';
import { NEVER_FORCED, TokenVault, type CachedToken } from './token-vault';
import { UpstreamTokenUnavailableError } from './upstream-errors';
import type { UpstreamTokenStore } from './upstream-token-store';

export interface UpstreamTokensOptions {
  store: UpstreamTokenStore;
  leases: LeaseStore;
  keyStore: KeyStore;
  /** Token key → where its token comes from. */
  sources: ReadonlyMap<string, TokenSource>;
  policy: TokenPolicy;
  /** This replica's lease holder id (default: host/pid/random). */
  holderId?: string;
  now?: () => number;
  logger?: Logger;
  hooks?: UpstreamHooks;
  /** Poll interval while waiting for another replica's refresh: starts at min, doubles up to max (ms). */
  pollMinMs?: number;
  pollMaxMs?: number;
}

// How long a failed fetch is answered from memory instead of asking Tencent again.
const HOLD_TRANSIENT_MS = 5_000;
const HOLD_PERMANENT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A default lease holder id: unique per process, readable in the lease table. */
export function defaultHolderId(): string {
  return `${hostname().slice(0, 80)}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

export class UpstreamTokens {
  private readonly memory = new Map<string, CachedToken>();
  private readonly held = new Map<string, { error: unknown; until: number }>();
  private readonly mutex = new KeyMutex();
  private readonly vault: TokenVault;
  private readonly now: () => number;
  readonly holderId: string;

  constructor(private readonly options: UpstreamTokensOptions) {
    this.now = options.now ?? Date.now;
    this.holderId = options.holderId ?? defaultHolderId();
    this.vault = new TokenVault(options.store, options.leases, options.keyStore, options.policy, options.logger);
  }

  /** The keys this instance has credentials for. */
  keys(): string[] {
    return [...this.options.sources.keys()];
  }

  /** Where `tokenKey`'s token comes from. @throws UpstreamTokenUnavailableError('unknown-key') */
  sourceOf(tokenKey: string): TokenSource {
    const source = this.options.sources.get(tokenKey);
    if (!source) throw new UpstreamTokenUnavailableError(tokenKey, 'unknown-key');
    return source;
  }

  /**
   * A token Tencent should accept now.
   * @throws TencentApiError when Tencent refuses the credentials (or is unreachable) and no valid token is held;
   *   UpstreamTokenUnavailableError; database errors as they come
   */
  async get(tokenKey: string): Promise<string> {
    this.sourceOf(tokenKey);
    const cached = this.memory.get(tokenKey);
    // Someone in this process is already refreshing: the current token still works meanwhile.
    if (cached && isUsable(cached, this.now()) && (this.fresh(cached) || this.mutex.busy(tokenKey))) return cached.value;
    return this.mutex.run(tokenKey, () => this.sync(tokenKey));
  }

  /**
   * Tencent rejected `badToken` as stale: a different valid token, or `badToken` itself when none can be had now
   * (a forced refresh less than 30 s after the last, or the daily limit reached) — then retrying is pointless.
   * @throws as get()
   */
  async invalidate(tokenKey: string, badToken: string): Promise<string> {
    const source = this.sourceOf(tokenKey);
    return this.mutex.run(tokenKey, async () => {
      const cached = this.memory.get(tokenKey);
      if (cached && cached.value !== badToken && isUsable(cached, this.now())) return cached.value; // replaced while we queued
      const replaced = (t: CachedToken) => t.value !== badToken && isUsable(t, this.now());
      const snapshot = await this.vault.read(tokenKey, this.now());
      if (snapshot?.token) this.remember(tokenKey, snapshot.token);
      if (snapshot?.token && replaced(snapshot.token)) return snapshot.token.value; // another replica already did
      this.throwIfHeld(tokenKey);
      return (await this.underLeaseOrWait(tokenKey, source, 'invalidated', replaced, badToken)).value;
    });
  }

  private fresh(token: CachedToken): boolean {
    const now = this.now();
    return !isDue(token, now) && now - token.readAt < this.options.policy.memoryTtlMs;
  }

  /** Under the key's mutex: memory, then the shared row, then a refresh (ours or another replica's). */
  private async sync(tokenKey: string): Promise<string> {
    const cached = this.memory.get(tokenKey);
    if (cached && isUsable(cached, this.now()) && this.fresh(cached)) return cached.value; // refreshed while we queued
    const snapshot = await this.vault.read(tokenKey, this.now());
    const stored = snapshot?.token ?? null;
    if (stored) this.remember(tokenKey, stored);
    const now = this.now();
    if (stored && isUsable(stored, now) && !isDue(stored, now)) return stored.value;
    const reason: RefreshReason = !stored ? 'missing' : isUsable(stored, now) ? 'due' : 'expired';
    if (stored && isUsable(stored, now)) {
      // Due but valid: renew if the lease is free and no failure is being held off; otherwise this one still works.
      if (this.isHeld(tokenKey)) return stored.value;
      const lease = await this.acquire(tokenKey);
      if (!lease) return stored.value;
      try {
        return (await this.refreshUnderLease(tokenKey, this.sourceOf(tokenKey), lease, reason, (t) => isUsable(t, this.now()) && !isDue(t, this.now()))).value;
      } catch (err) {
        this.options.logger?.warn({ tokenKey, err }, 'early renewal of an upstream token failed; using the current token');
        return stored.value;
      }
    }
    this.throwIfHeld(tokenKey);
    const usable = (t: CachedToken) => isUsable(t, this.now());
    return (await this.underLeaseOrWait(tokenKey, this.sourceOf(tokenKey), reason, usable)).value;
  }

  /** Refresh under the lease if we get it; otherwise wait for the holder's token, taking over if the lease frees up. */
  private async underLeaseOrWait(tokenKey: string, source: TokenSource, reason: RefreshReason, satisfied: (t: CachedToken) => boolean, badToken?: string): Promise<CachedToken> {
    const deadline = performance.now() + this.options.policy.waitTimeoutMs;
    let delay = this.options.pollMinMs ?? 50;
    for (;;) {
      const lease = await this.acquire(tokenKey);
      if (lease) return this.refreshUnderLease(tokenKey, source, lease, reason, satisfied, badToken);
      if (performance.now() >= deadline) break;
      await sleep(delay);
      delay = Math.min(delay * 2, this.options.pollMaxMs ?? 1000);
      const snapshot = await this.vault.read(tokenKey, this.now());
      if (snapshot?.token) this.remember(tokenKey, snapshot.token);
      if (snapshot?.token && satisfied(snapshot.token)) return snapshot.token;
    }
    // Out of patience: a still-valid token (e.g. the one an invalidation could not replace) beats none.
    const last = this.memory.get(tokenKey);
    if (last && isUsable(last, this.now())) return last;
    throw new UpstreamTokenUnavailableError(tokenKey, 'wait-timeout');
  }

  /**
   * Holding the lease: re-read (another replica may have finished just before we got it), fetch, store.
   * With `badToken`, force a refresh when a normal fetch hands back the rejected token and Tencent's limits allow.
   */
  private async refreshUnderLease(tokenKey: string, source: TokenSource, lease: Lease, reason: RefreshReason, satisfied: (t: CachedToken) => boolean, badToken?: string): Promise<CachedToken> {
    try {
      const snapshot = await this.vault.read(tokenKey, this.now());
      if (snapshot?.token && satisfied(snapshot.token)) return this.remember(tokenKey, snapshot.token);
      const previous = snapshot?.token?.value;
      let fetched = await this.fetch(tokenKey, source, 'normal', reason, previous);
      let force = snapshot?.force ?? NEVER_FORCED;
      if (badToken !== undefined && fetched.accessToken === badToken && source.canForce && snapshot) {
        const now = this.now();
        if (forceAllowed(force, now, this.options.policy)) {
          force = afterForce(force, now);
          await this.vault.recordForce(tokenKey, lease, snapshot, force, now);
          fetched = await this.fetch(tokenKey, source, 'force', reason, previous);
        } else {
          this.options.logger?.warn({ tokenKey }, 'Tencent rejected the token but a forced refresh is not allowed yet (30 s spacing or daily limit); reusing the current token');
        }
      }
      const written = await this.vault.write(tokenKey, lease, fetched, snapshot, force, this.now());
      return this.remember(tokenKey, written);
    } finally {
      await this.options.leases.release(lease).catch((err: unknown) => this.options.logger?.warn({ tokenKey, err }, 'could not release the token lease; it expires by itself'));
    }
  }

  private async fetch(tokenKey: string, source: TokenSource, mode: 'normal' | 'force', reason: RefreshReason, previous: string | undefined): Promise<FetchedToken> {
    const base = { tokenKey, product: source.product, mode, reason };
    try {
      const fetched = await source.fetch(mode === 'force');
      this.held.delete(tokenKey);
      const outcome = fetched.accessToken === previous ? 'same' : 'new';
      emit(this.options.hooks?.onTokenRefresh, { ...base, outcome });
      this.options.logger?.info({ ...base, outcome, expiresInSeconds: fetched.expiresInSeconds }, 'upstream access token fetched');
      return fetched;
    } catch (err) {
      const label = err instanceof TencentApiError ? err.label : 'error';
      emit(this.options.hooks?.onTokenRefresh, { ...base, outcome: 'error', label });
      this.options.logger?.warn({ ...base, err }, 'upstream access token fetch failed');
      const permanent = err instanceof TencentApiError && err.retry === 'never';
      this.held.set(tokenKey, { error: err, until: this.now() + (permanent ? HOLD_PERMANENT_MS : HOLD_TRANSIENT_MS) });
      throw err;
    }
  }

  private isHeld(tokenKey: string): boolean {
    const held = this.held.get(tokenKey);
    return held !== undefined && this.now() < held.until;
  }

  private throwIfHeld(tokenKey: string): void {
    if (this.isHeld(tokenKey)) throw this.held.get(tokenKey)!.error;
  }

  private acquire(tokenKey: string): Promise<Lease | null> {
    return this.options.leases.acquire(tokenLeaseName(tokenKey), this.holderId, this.options.policy.leaseTtlMs, this.now());
  }

  private remember(tokenKey: string, token: CachedToken): CachedToken {
    this.memory.set(tokenKey, token);
    return token;
  }
}
