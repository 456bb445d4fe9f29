/**
 * Jest global setup: once per run, make sure a migrated PostgreSQL template
 * database and a migrated SQLite template file exist for the current
 * migrations, and tell the workers their names through the environment
 * (workers are forked after this runs and inherit it). Test files then clone
 * them (test/db.ts), which is far faster than migrating per file.
 */
import { ensurePostgresTemplate } from './postgres-template';
import { ensureSqliteTemplate } from './sqlite-template';
import { schemaHash, TEMPLATE_ENV } from './db-templates';

/** Builds (or reuses) both templates and exports their locations. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const hash = schemaHash();
  const [sqlite, postgres] = await Promise.all([ensureSqliteTemplate(hash), ensurePostgresTemplate(hash)]);
  process.env[TEMPLATE_ENV.sqliteTemplate] = sqlite.path;
  process.env[TEMPLATE_ENV.postgresTemplate] = postgres.name;
  const built = [sqlite.built && 'sqlite', postgres.built && 'postgres'].filter(Boolean);
  const what = built.length ? `built ${built.join(' + ')}` : 'reused';
  process.stderr.write(`\ndatabase templates ${hash} ${what} in ${Date.now() - started} ms\n`);
}
