/** `cgw migrate`: apply pending migrations (all in one transaction), or show their status. */
import { createDataSource, migrationStatus, runMigrations } from '../../gateway/db/data-source';
import { loadCliConfig } from './load';

/** Exit code: 0 applied / up to date, 1 the database is newer than this build, 2 bad configuration. */
export async function migrateCommand(opts: { config?: string; status?: boolean }): Promise<number> {
  const config = loadCliConfig(opts.config);
  if (!config) return 2;
  const dataSource = await createDataSource(config.database).initialize();
  try {
    const before = await migrationStatus(dataSource);
    if (before.unknown.length > 0) {
      process.stderr.write(`the database has migrations this build does not know: ${before.unknown.join(', ')}; upgrade the gateway instead\n`);
      return 1;
    }
    if (opts.status) {
      for (const name of before.applied) process.stdout.write(`applied  ${name}\n`);
      for (const name of before.pending) process.stdout.write(`pending  ${name}\n`);
      return 0;
    }
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied ${applied.length} migration(s): ${applied.join(', ')}\n`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}
