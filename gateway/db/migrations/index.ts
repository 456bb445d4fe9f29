/** Every migration, oldest first. Append only: a shipped migration is never edited. */
import type { MigrationInterface } from 'typeorm';
import { InitialSchema1795433713913 } from './1795433713913-initial-schema';
import { Outbound1795500002000 } from './1795500002000-outbound';
import { AuditLog1795500000000 } from './1795500000000-audit-log';
import { UpstreamTokens1795500001000 } from './1795500001000-upstream-tokens';
import { Msgaudit1795500003000 } from './1795500003000-msgaudit';
import { Consent1795500004000 } from './1795500004000-consent';
import { WecomDirectory1795500006000 } from './1795500006000-wecom-directory';
import { Supervision1795500005500 } from './1795500005500-supervision';
import { ContentLibrary1795500008000 } from './1795500008000-content-library'; // content library
import { Handover1795500007000 } from './1795500007000-handover'; // RM departure (handover)

/** A migration class, as TypeORM's `migrations` option takes it. */
export type MigrationClass = new () => MigrationInterface;

/** All migrations in the order they run. */
export const migrations: readonly MigrationClass[] = [
  InitialSchema1795433713913,
  Outbound1795500002000,
  AuditLog1795500000000,
  UpstreamTokens1795500001000,
  Msgaudit1795500003000,
  Consent1795500004000,
  WecomDirectory1795500006000,
  Supervision1795500005500,
  ContentLibrary1795500008000, // content library
  Handover1795500007000, // RM departure (handover)
].sort((a, b) => migrationTimestamp(a) - migrationTimestamp(b));

// Sorted by the timestamp in the class name, so migrations added in parallel branches run in time order.
function migrationTimestamp(m: MigrationClass): number {
  return Number(/(\d{13})$/.exec(m.name)?.[1] ?? 0);
}
