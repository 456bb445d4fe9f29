/**
 * A signed checkpoint sealing every shard's chain head; checkpoints chain to
 * each other too. The body is canonical JSON, stored as signed.
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, longTextColumn, varcharColumn } from './columns';

/** A row of `checkpoint`. */
export interface CheckpointRow {
  checkpointSeq: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Canonical JSON: the exact bytes that were hashed and signed. */
  body: string;
  bodyHash: string;
  signature: string;
  signerFingerprint: string;
  /** PEM of the signing certificate, so verification needs only the CA. */
  signerCert: string;
  prevCheckpointHash: string;
}

/** Entity name for `dataSource.getRepository<CheckpointRow>(…)`. */
export const CHECKPOINT_ENTITY = 'Checkpoint';

/** The `checkpoint` entity schema for one dialect. */
export function checkpointEntity(dialect: Dialect): EntitySchema<CheckpointRow> {
  return new EntitySchema<CheckpointRow>({
    name: CHECKPOINT_ENTITY,
    // CHECKPOINT is a T-SQL reserved word: TypeORM always quotes it, raw SQL must too.
    tableName: 'checkpoint',
    columns: {
      checkpointSeq: { ...bigintColumn('checkpoint_seq', { primary: true }), primaryKeyConstraintName: 'pk_checkpoint' },
      createdAt: bigintColumn('created_at'),
      body: longTextColumn(dialect, 'body'),
      bodyHash: varcharColumn('body_hash', 64),
      signature: longTextColumn(dialect, 'signature'),
      signerFingerprint: varcharColumn('signer_fingerprint', 64),
      signerCert: longTextColumn(dialect, 'signer_cert'),
      prevCheckpointHash: varcharColumn('prev_checkpoint_hash', 64),
    },
  });
}
