/**
 * Tencent access tokens the gateway holds, shared by every replica so that
 * none fetches while another holds the refresh lease. The token is sealed
 * with the archive's envelope scheme (per-row data key wrapped by the
 * KeyStore's KEK, AES-256-GCM bound to the key and expiry): no plaintext
 * token at rest.
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, binaryColumn, intColumn, varcharColumn } from './columns';

/** A row of `upstream_token`. */
export interface UpstreamTokenRow {
  /** `oa:<appId>` or `wecom:<corpId>:<secret name>`. */
  tokenKey: string;
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  /** Epoch ms at which Tencent says the token dies. */
  expiresAt: number;
  /** Epoch ms from which a replica should try to renew it. */
  renewAt: number;
  /** Epoch ms of the fetch that produced this row. */
  fetchedAt: number;
  /** Grows with every write: replicas waiting for a refresh watch it. */
  version: number;
  /** Fence of the lease the writer held. */
  fence: number;
  /** Epoch ms of the last forced refresh (stable_token force mode), if any. */
  forcedAt: number | null;
  /** Beijing day (Tencent's quota day) that forcedCount counts. */
  forcedDay: number;
  forcedCount: number;
}

/** Entity name for `dataSource.getRepository<UpstreamTokenRow>(…)`. */
export const UPSTREAM_TOKEN_ENTITY = 'UpstreamToken';

/** The `upstream_token` entity schema with the binary type of `dialect`. */
export function upstreamTokenEntity(dialect: Dialect): EntitySchema<UpstreamTokenRow> {
  return new EntitySchema<UpstreamTokenRow>({
    name: UPSTREAM_TOKEN_ENTITY,
    tableName: 'upstream_token',
    columns: {
      tokenKey: { ...varcharColumn('token_key', 200, { primary: true }), primaryKeyConstraintName: 'pk_upstream_token' },
      keyId: varcharColumn('key_id', 64),
      wrappedKey: binaryColumn(dialect, 'wrapped_key'),
      iv: binaryColumn(dialect, 'iv'),
      ciphertext: binaryColumn(dialect, 'ciphertext'),
      expiresAt: bigintColumn('expires_at'),
      renewAt: bigintColumn('renew_at'),
      fetchedAt: bigintColumn('fetched_at'),
      version: bigintColumn('version'),
      fence: bigintColumn('fence'),
      forcedAt: bigintColumn('forced_at', { nullable: true }),
      forcedDay: intColumn('forced_day'),
      forcedCount: intColumn('forced_count'),
    },
  });
}
