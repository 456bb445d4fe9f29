/** The tip of one shard's hash chain, updated in the same transaction as the record it points at. */
import { EntitySchema } from 'typeorm';
import { bigintColumn, intColumn, varcharColumn } from './columns';

/** A row of `chain_head`. */
export interface ChainHeadRow {
  shard: number;
  /** shard_seq of the newest record in the shard. */
  seq: number;
  headHash: string;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Entity name for `dataSource.getRepository<ChainHeadRow>(…)`. */
export const CHAIN_HEAD_ENTITY = 'ChainHead';

/** The `chain_head` entity schema (the same on every dialect). */
export function chainHeadEntity(): EntitySchema<ChainHeadRow> {
  return new EntitySchema<ChainHeadRow>({
    name: CHAIN_HEAD_ENTITY,
    tableName: 'chain_head',
    columns: {
      shard: { ...intColumn('shard', { primary: true }), primaryKeyConstraintName: 'pk_chain_head' },
      seq: bigintColumn('seq'),
      headHash: varcharColumn('head_hash', 64),
      updatedAt: bigintColumn('updated_at'),
    },
  });
}
