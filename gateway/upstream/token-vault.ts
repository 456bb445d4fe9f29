/**
 * The shared token rows as the token manager sees them: opened (decrypted)
 * snapshots in, fenced sealed writes out. A row that no longer opens (its
 * KEK was lost, or it was altered) reads as "no token" with its version
 * kept, so the next refresh overwrites it.
 */
import type { Logger } from 'pino';
import type { KeyStore } from '../archive/crypto/key-store';
import type { UpstreamTokenRow } from '../db/entities';
import type { TokenPolicy } from './config';
import { LeaseLostError, type Lease, type LeaseStore } from './lease-store';
import { renewAtFor, type ForceState, type TokenTimes } from './renewal';
import type { FetchedToken } from './token-source';
import { openToken, sealToken } from './token-seal';
import { UpstreamTokenUnavailableError } from './upstream-errors';
import { TokenWriteConflictError, type UpstreamTokenStore } from './upstream-token-store';

/** An opened token. */
export interface CachedToken extends TokenTimes {
  value: string;
  version: number;
  /** Epoch ms this copy was read or written (for the in-memory cache's expiry). */
  readAt: number;
}

/** A stored row as read: its version and force bookkeeping, and the token when it opens. */
export interface TokenSnapshot {
  version: number;
  force: ForceState;
  token: CachedToken | null;
}

/** Force bookkeeping of a key that has never been forced. */
export const NEVER_FORCED: ForceState = { forcedAt: null, forcedDay: 0, forcedCount: 0 };

export class TokenVault {
  constructor(
    private readonly store: UpstreamTokenStore,
    private readonly leases: LeaseStore,
    private readonly keyStore: KeyStore,
    private readonly policy: TokenPolicy,
    private readonly logger?: Logger,
  ) {}

  /** The stored state of `tokenKey`, or null when there is no row. */
  async read(tokenKey: string, nowMs: number): Promise<TokenSnapshot | null> {
    const row = await this.store.load(tokenKey);
    if (!row) return null;
    const force: ForceState = { forcedAt: row.forcedAt, forcedDay: row.forcedDay, forcedCount: row.forcedCount };
    let token: CachedToken | null = null;
    try {
      const value = openToken(this.keyStore, { keyId: row.keyId, wrappedKey: row.wrappedKey, iv: row.iv, ciphertext: row.ciphertext }, { tokenKey, expiresAt: row.expiresAt, fetchedAt: row.fetchedAt });
      token = { value, expiresAt: row.expiresAt, renewAt: row.renewAt, version: row.version, readAt: nowMs };
    } catch (err) {
      this.logger?.warn({ tokenKey, err }, 'stored upstream token does not open; a new one will be fetched');
    }
    return { version: row.version, force, token };
  }

  /**
   * Store `fetched` under the lease, replacing `previous`. @throws UpstreamTokenUnavailableError('lease-lost')
   * when the lease was taken over (the token is then not stored: the new holder's is authoritative)
   */
  async write(tokenKey: string, lease: Lease, fetched: FetchedToken, previous: TokenSnapshot | null, force: ForceState, nowMs: number): Promise<CachedToken> {
    const expiresInMs = fetched.expiresInSeconds * 1000;
    const expiresAt = nowMs + expiresInMs;
    const renewAt = renewAtFor(nowMs, expiresInMs, previous?.token?.value === fetched.accessToken, this.policy);
    const sealed = sealToken(this.keyStore, fetched.accessToken, { tokenKey, expiresAt, fetchedAt: nowMs });
    const row: UpstreamTokenRow = {
      tokenKey,
      keyId: sealed.keyId,
      wrappedKey: sealed.wrappedKey,
      iv: sealed.iv,
      ciphertext: sealed.ciphertext,
      expiresAt,
      renewAt,
      fetchedAt: nowMs,
      version: (previous?.version ?? 0) + 1,
      fence: lease.fence,
      ...force,
    };
    await this.fenced(tokenKey, lease, nowMs, (manager) => this.store.save(manager, row, previous ? previous.version : null));
    return { value: fetched.accessToken, expiresAt, renewAt, version: row.version, readAt: nowMs };
  }

  /** Record a forced refresh before making it, so a lost answer still counts against Tencent's spacing and daily limit. */
  async recordForce(tokenKey: string, lease: Lease, previous: TokenSnapshot, force: ForceState, nowMs: number): Promise<void> {
    await this.fenced(tokenKey, lease, nowMs, (manager) => this.store.saveForce(manager, tokenKey, previous.version, force));
  }

  private async fenced(tokenKey: string, lease: Lease, nowMs: number, work: Parameters<LeaseStore['fenced']>[2]): Promise<void> {
    try {
      await this.leases.fenced(lease, nowMs, work);
    } catch (err) {
      if (err instanceof LeaseLostError || err instanceof TokenWriteConflictError) throw new UpstreamTokenUnavailableError(tokenKey, 'lease-lost');
      throw err;
    }
  }
}
