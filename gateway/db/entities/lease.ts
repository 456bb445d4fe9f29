/**
 * A named lease: at most one holder at a time across replicas (one upstream
 * token refresher per account, one msgaudit puller per corp). `fence` grows on
 * every acquisition and is never reset (rows are never deleted), so a write
 * checked against it is refused once someone else has taken the lease over.
 */
import { EntitySchema } from 'typeorm';
import { bigintColumn, varcharColumn } from './columns';

/** A row of `lease`. */
export interface LeaseRow {
  name: string;
  /** Opaque id of the replica holding (or last holding) the lease. */
  holder: string;
  /** Fencing token: incremented by every acquisition. */
  fence: number;
  /** Epoch milliseconds; 0 after a release. */
  expiresAt: number;
  acquiredAt: number;
}

/** Entity name for `dataSource.getRepository<LeaseRow>(…)`. */
export const LEASE_ENTITY = 'Lease';

/** The `lease` entity schema (the same on every dialect). */
export function leaseEntity(): EntitySchema<LeaseRow> {
  return new EntitySchema<LeaseRow>({
    name: LEASE_ENTITY,
    tableName: 'lease',
    columns: {
      name: { ...varcharColumn('name', 200, { primary: true }), primaryKeyConstraintName: 'pk_lease' },
      holder: varcharColumn('holder', 128),
      fence: bigintColumn('fence'),
      expiresAt: bigintColumn('expires_at'),
      acquiredAt: bigintColumn('acquired_at'),
    },
  });
}
