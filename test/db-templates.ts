/**
 * Shared by the jest global setup (which builds migrated template databases
 * once per run) and test/db.ts (which clones one per test file): names,
 * locations, and the environment variables that carry them to the workers.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Environment variables global setup sets for the workers. */
export const TEMPLATE_ENV = {
  postgresTemplate: 'CGWTEST_PG_TEMPLATE',
  sqliteTemplate: 'CGWTEST_SQLITE_TEMPLATE',
} as const;

/** Overrides the PostgreSQL server tests use (a URL to a database the user may CREATE DATABASE from). */
export const POSTGRES_URL_ENV = 'CGWTEST_PG_URL';
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Per-test databases and files older than this are leftovers of a crashed run. */
export const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/** Templates of other schema hashes unused for this long are dropped (other checkouts may still use newer ones). */
export const TEMPLATE_UNUSED_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
/** Prefix of per-test PostgreSQL databases; the creation time in seconds follows it. */
export const TEST_DATABASE_PREFIX = 'cgw_t_';

const DB_DIR = path.resolve(__dirname, '../gateway/db');

/** Where SQLite templates and per-test copies live. */
export function sqliteDirectory(): string {
  return path.join(os.tmpdir(), 'cgw-test-db');
}

/** The maintenance connection URL for the test PostgreSQL server. */
export function postgresAdminUrl(): string {
  return process.env[POSTGRES_URL_ENV] ?? DEFAULT_POSTGRES_URL;
}

/** The same server, another database. */
export function postgresUrlFor(database: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * A hash of everything that decides the migrated schema: the migrations, the
 * per-dialect column types they use, and the TypeORM version that turns them
 * into DDL. A change makes a new template name, so a stale one is never used.
 */
export function schemaHash(): string {
  const hash = createHash('sha256');
  const inputs = [...filesUnder(path.join(DB_DIR, 'migrations')), path.join(DB_DIR, 'column-types.ts'), path.join(DB_DIR, 'dialect.ts')];
  for (const file of inputs) hash.update(path.relative(DB_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  // typeorm's exports map hides package.json from require(); read it beside the entry point.
  const typeormPackage = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('typeorm')), 'package.json'), 'utf8'));
  hash.update(String(typeormPackage.version));
  return hash.digest('hex').slice(0, 16);
}

/** Name of the migrated PostgreSQL template for a schema hash. */
export function postgresTemplateName(hash: string): string {
  return `${POSTGRES_TEMPLATE_PREFIX}${hash}`;
}

/** Prefix of migrated PostgreSQL templates. */
export const POSTGRES_TEMPLATE_PREFIX = 'cgw_tpl_';

/** Path of the migrated SQLite template for a schema hash. */
export function sqliteTemplatePath(hash: string): string {
  return path.join(sqliteDirectory(), `template-${hash}.sqlite`);
}
