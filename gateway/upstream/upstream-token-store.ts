/**
 * The shared `upstream_token` rows: read by any replica, written only inside
 * a fenced lease transaction, with a compare-and-set on `version` so even a
 * bug in the lease logic cannot silently lose a write.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { ConnectionGate } from '../db/connection-gate';
import { UPSTREAM_TOKEN_ENTITY, type UpstreamTokenRow } from '../db/entities';
import { isUniqueViolation } from '../db/errors';

/** A row write lost its compare-and-set: someone else wrote the same key concurrently. */
export class TokenWriteConflictError extends Error {
  override readonly name = 'TokenWriteConflictError';
  readonly code = 'upstream-token.conflict';

  constructor(tokenKey: string) {
    super(`upstream token ${tokenKey} was written concurrently; the write was refused`);
  }
}

export class UpstreamTokenStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate = ConnectionGate.for(dataSource)) {}

  /** The row of `tokenKey`, or null. */
  async load(tokenKey: string): Promise<UpstreamTokenRow | null> {
    return this.gate.run(() => this.dataSource.getRepository<UpstreamTokenRow>(UPSTREAM_TOKEN_ENTITY).findOneBy({ tokenKey }));
  }

  /**
   * Write `row` (its `version` is the new one) inside a caller's transaction, replacing `previousVersion`
   * (null: the row must not exist yet). @throws TokenWriteConflictError when the row moved meanwhile
   */
  async save(manager: EntityManager, row: UpstreamTokenRow, previousVersion: number | null): Promise<void> {
    const repo = manager.getRepository<UpstreamTokenRow>(UPSTREAM_TOKEN_ENTITY);
    if (previousVersion === null) {
      try {
        await repo.insert(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new TokenWriteConflictError(row.tokenKey);
        throw err;
      }
      return;
    }
    const { tokenKey, ...fields } = row;
    const result = await repo.update({ tokenKey, version: previousVersion }, fields);
    if (result.affected !== 1) throw new TokenWriteConflictError(tokenKey);
  }

  /** Update only the forced-refresh bookkeeping of version `version` (the token is unchanged, so the version is too). @throws TokenWriteConflictError */
  async saveForce(manager: EntityManager, tokenKey: string, version: number, force: Pick<UpstreamTokenRow, 'forcedAt' | 'forcedDay' | 'forcedCount'>): Promise<void> {
    const result = await manager.getRepository<UpstreamTokenRow>(UPSTREAM_TOKEN_ENTITY).update({ tokenKey, version }, force);
    if (result.affected !== 1) throw new TokenWriteConflictError(tokenKey);
  }
}
