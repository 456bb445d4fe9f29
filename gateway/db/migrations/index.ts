/** Every migration, oldest first. Append only: a shipped migration is never edited. */
import type { MigrationInterface } from 'typeorm';
import { InitialSchema1795433713913 } from './1795433713913-initial-schema';

/** A migration class, as TypeORM's `migrations` option takes it. */
export type MigrationClass = new () => MigrationInterface;

/** All migrations in the order they run. */
export const migrations: readonly MigrationClass[] = [InitialSchema1795433713913];
