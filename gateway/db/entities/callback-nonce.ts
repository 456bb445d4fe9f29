/** A seen callback (account, timestamp, nonce), kept until it expires so a replay is rejected. */
import { EntitySchema } from 'typeorm';
import { bigintColumn, varcharColumn } from './columns';

/** A row of `callback_nonce`. */
export interface CallbackNonceRow {
  /** Hash of account|timestamp|nonce: fixed length whatever Tencent sends. */
  nonceKey: string;
  /** Lets a retry of the same body be told apart from a replay with a different one. */
  bodyHash: string;
  /** Epoch milliseconds; rows past this are purged. */
  expiresAt: number;
}

/** Entity name for `dataSource.getRepository<CallbackNonceRow>(…)`. */
export const CALLBACK_NONCE_ENTITY = 'CallbackNonce';

/** The `callback_nonce` entity schema (the same on every dialect). */
export function callbackNonceEntity(): EntitySchema<CallbackNonceRow> {
  return new EntitySchema<CallbackNonceRow>({
    name: CALLBACK_NONCE_ENTITY,
    tableName: 'callback_nonce',
    columns: {
      nonceKey: { ...varcharColumn('nonce_key', 64, { primary: true }), primaryKeyConstraintName: 'pk_callback_nonce' },
      bodyHash: varcharColumn('body_hash', 64),
      expiresAt: bigintColumn('expires_at'),
    },
    indices: [{ name: 'ix_callback_nonce_expires', columns: ['expiresAt'] }],
  });
}
