/**
 * The migrated PostgreSQL template database: built once per schema hash under
 * an advisory lock (other checkouts may run tests against the same server at
 * the same time), then cloned per test file with CREATE DATABASE … TEMPLATE.
 * Leftovers are cleaned here too: per-test databases of crashed runs, and
 * templates of other schema hashes unused for a week.
 */
import { Client } from 'pg';
import { createDataSource, runMigrations } from '../gateway/db/data-source';
import {
  POSTGRES_TEMPLATE_PREFIX,
  postgresAdminUrl,
  postgresTemplateName,
  postgresUrlFor,
  STALE_AFTER_MS,
  TEMPLATE_UNUSED_AFTER_MS,
  TEST_DATABASE_PREFIX,
} from './db-templates';

// Arbitrary constant: serialises template builds across concurrent jest runs.
const TEMPLATE_LOCK_KEY = 0x6367_7774;

/** Connects to the maintenance database, or fails with how to start PostgreSQL. */
export async function connectPostgresAdmin(): Promise<Client> {
  const client = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return client;
  } catch (err) {
    const url = new URL(postgresAdminUrl());
    url.password = url.password ? '***' : '';
    throw new Error(
      `cannot connect to PostgreSQL at ${url.toString()} (${(err as Error).message}). ` +
        'The tests need it and never skip it. Start it with: ' +
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
        '(or point CGWTEST_PG_URL at a server where you may CREATE DATABASE).',
    );
  }
}

/** Quotes a PostgreSQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function databaseExists(client: Client, name: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (result.rowCount ?? 0) > 0;
}

async function dropStaleTestDatabases(client: Client): Promise<void> {
  const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${TEST_DATABASE_PREFIX}%`]);
  for (const { datname } of result.rows) {
    const createdSeconds = Number(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
    if (Number.isFinite(createdSeconds) && Date.now() - createdSeconds * 1000 > STALE_AFTER_MS) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`).catch(() => undefined);
    }
  }
}

const LAST_USED = /^cgw test template; last used (\d+)$/;

/** Stamps the template as used now; a database comment is the only per-database note PostgreSQL keeps. */
async function markUsed(client: Client, name: string): Promise<void> {
  await client.query(`COMMENT ON DATABASE ${quoteIdentifier(name)} IS 'cgw test template; last used ${Date.now()}'`);
}

/** Drops templates of other schema hashes nobody has used for a week (newer ones may belong to another checkout). */
async function dropUnusedTemplates(client: Client, keep: string): Promise<void> {
  const result = await client.query<{ datname: string; note: string | null }>(
    "SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname LIKE $1 AND datname <> $2",
    [`${POSTGRES_TEMPLATE_PREFIX}%`, keep],
  );
  for (const { datname, note } of result.rows) {
    const lastUsed = Number(LAST_USED.exec(note ?? '')?.[1] ?? 0);
    if (Date.now() - lastUsed <= TEMPLATE_UNUSED_AFTER_MS) continue;
    await client.query(`ALTER DATABASE ${quoteIdentifier(datname)} WITH IS_TEMPLATE false`).catch(() => undefined);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)}`).catch(() => undefined);
  }
}

async function buildTemplate(client: Client, name: string): Promise<void> {
  const building = `${name}_build`;
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(building)} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${quoteIdentifier(building)} TEMPLATE template0 ENCODING 'UTF8'`);
  const dataSource = createDataSource({ type: 'postgres', url: postgresUrlFor(building), poolSize: 1 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  // Renamed only when complete, so an existing template name always means a migrated database.
  await client.query(`ALTER DATABASE ${quoteIdentifier(building)} RENAME TO ${quoteIdentifier(name)}`);
  // No connections: a session on a template makes CREATE DATABASE … TEMPLATE fail.
  await client.query(`ALTER DATABASE ${quoteIdentifier(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
}

/** Ensures the migrated template for `hash` exists; says whether it had to be built. */
export async function ensurePostgresTemplate(hash: string): Promise<{ name: string; built: boolean }> {
  const name = postgresTemplateName(hash);
  const client = await connectPostgresAdmin();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    await dropStaleTestDatabases(client);
    await dropUnusedTemplates(client, name);
    const built = !(await databaseExists(client, name));
    if (built) await buildTemplate(client, name);
    await markUsed(client, name);
    return { name, built };
  } finally {
    await client.end();
  }
}
