/** A gateway-issued access token for an internal app: stored only as a hash, bound to one app and one account. */
import { EntitySchema } from 'typeorm';
import { bigintColumn, varcharColumn } from './columns';

/** A row of `app_token`. */
export interface AppTokenRow {
  /** sha256 of the token: a leaked table does not leak usable tokens. */
  tokenHash: string;
  appId: string;
  /** The gateway's account id (OA) or corp id (WeCom) the token is bound to. */
  accountId: string;
  product: 'oa' | 'wecom';
  issuedAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** Entity name for `dataSource.getRepository<AppTokenRow>(…)`. */
export const APP_TOKEN_ENTITY = 'AppToken';

/** The `app_token` entity schema (the same on every dialect). */
export function appTokenEntity(): EntitySchema<AppTokenRow> {
  return new EntitySchema<AppTokenRow>({
    name: APP_TOKEN_ENTITY,
    tableName: 'app_token',
    columns: {
      tokenHash: { ...varcharColumn('token_hash', 64, { primary: true }), primaryKeyConstraintName: 'pk_app_token' },
      appId: varcharColumn('app_id', 64),
      accountId: varcharColumn('account_id', 64),
      product: varcharColumn('product', 8),
      issuedAt: bigintColumn('issued_at'),
      expiresAt: bigintColumn('expires_at'),
      revokedAt: bigintColumn('revoked_at', { nullable: true }),
    },
    indices: [
      { name: 'ix_app_token_app', columns: ['appId', 'accountId'] },
      { name: 'ix_app_token_expires', columns: ['expiresAt'] },
    ],
  });
}
