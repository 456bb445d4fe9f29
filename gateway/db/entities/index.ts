/** Every entity schema, built for one dialect. */
import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { archiveRecordEntity } from './archive-record';
import { callbackNonceEntity } from './callback-nonce';
import { chainHeadEntity } from './chain-head';
import { checkpointEntity } from './checkpoint';
import { outboxEntity } from './outbox';

export * from './archive-record';
export * from './callback-nonce';
export * from './chain-head';
export * from './checkpoint';
export * from './outbox';

/** All entity schemas with the column types of `dialect` (binary and long text differ per back end). */
export function entitiesFor(dialect: Dialect): EntitySchema<any>[] {
  return [archiveRecordEntity(dialect), chainHeadEntity(), checkpointEntity(dialect), outboxEntity(), callbackNonceEntity()];
}
