/**
 * Gateway-issued access tokens for internal apps. Opaque random strings; only
 * their sha256 is stored, bound to one app and one account (or corp), with an
 * expiry and a revocation time. Verified on every call with a short
 * in-process cache, so a revocation takes effect within `cacheMs` on every
 * replica and the hot path does not read the database per message.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LessThan, type DataSource } from 'typeorm';
import { APP_TOKEN_ENTITY, type AppTokenRow } from '../db/entities';
import type { ConnectionGate } from '../db/connection-gate';
import { CompatError } from './compat-error';

/** Whose token it is. */
export interface TokenOwner {
  appId: string;
  accountId: string;
  product: 'oa' | 'wecom';
}

interface Cached {
  row: AppTokenRow;
  until: number;
}

/** sha256 hex of a token: the only form stored or used as a cache key. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class AppTokens {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly gate: ConnectionGate,
    private readonly opts: { ttlSeconds: number; now: () => number; cacheMs?: number },
  ) {}

  private get repo() {
    return this.dataSource.getRepository<AppTokenRow>(APP_TOKEN_ENTITY);
  }

  /** Issue a new token for `owner`; Tencent-shaped lengths (well over 100 characters) so SDK token stores accept it. */
  async issue(owner: TokenOwner): Promise<{ accessToken: string; expiresIn: number }> {
    const accessToken = `cgw${randomBytes(96).toString('base64url')}`;
    const now = this.opts.now();
    await this.gate.run(() =>
      this.repo.insert({ tokenHash: tokenHash(accessToken), ...owner, issuedAt: now, expiresAt: now + this.opts.ttlSeconds * 1000, revokedAt: null }),
    );
    return { accessToken, expiresIn: this.opts.ttlSeconds };
  }

  /**
   * The owner of a token presented on `accountId`'s path.
   * @throws CompatError 41001 missing, 40014 unknown, 42001 expired, 40001 revoked or bound to another account or product.
   */
  async verify(token: string | undefined, accountId: string, product: 'oa' | 'wecom'): Promise<TokenOwner> {
    if (token === undefined || token === '') throw new CompatError(41001);
    if (token.length > 512 || !/^[A-Za-z0-9_-]+$/.test(token)) throw new CompatError(40014);
    const row = await this.lookup(tokenHash(token));
    if (!row) throw new CompatError(40014);
    const now = this.opts.now();
    if (row.revokedAt !== null && row.revokedAt <= now) throw new CompatError(40001, 'token revoked');
    if (row.expiresAt <= now) throw new CompatError(42001);
    // Another account's token is "not latest" for this one: SDKs fetch a new token for the path they call.
    if (row.accountId !== accountId || row.product !== product) throw new CompatError(40001, 'token was issued for another account');
    return { appId: row.appId, accountId: row.accountId, product: row.product };
  }

  /** Revoke every live token of an app (optionally for one account); resolves with how many. */
  async revokeApp(appId: string, accountId?: string): Promise<number> {
    const now = this.opts.now();
    const where = { appId, ...(accountId ? { accountId } : {}) };
    const live = await this.gate.run(() => this.repo.findBy(where));
    const result = await this.gate.run(() => this.repo.update(where, { revokedAt: now }));
    for (const row of live) this.cache.delete(row.tokenHash);
    return result.affected ?? 0;
  }

  /** Delete tokens that expired more than a day ago (housekeeping). */
  async purgeExpired(): Promise<number> {
    const result = await this.gate.run(() => this.repo.delete({ expiresAt: LessThan(this.opts.now() - 86_400_000) }));
    return result.affected ?? 0;
  }

  private async lookup(hash: string): Promise<AppTokenRow | null> {
    const now = this.opts.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.row;
    const row = await this.gate.run(() => this.repo.findOneBy({ tokenHash: hash }));
    if (!row) return null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { row, until: now + (this.opts.cacheMs ?? 5000) });
    return row;
  }
}
