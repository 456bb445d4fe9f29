/**
 * Per-test-file databases, cloned from the migrated templates global setup
 * built: a PostgreSQL database created from the template, or a copy of the
 * SQLite template file. Each test file (each describeEachDatabase block) gets
 * its own, so files run in parallel without sharing rows.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseConfig } from '../gateway/db/data-source';
import { postgresUrlFor, sqliteDirectory, TEMPLATE_ENV, TEST_DATABASE_PREFIX } from './db-templates';
import { connectPostgresAdmin, quoteIdentifier } from './postgres-template';

/** The back ends every database test runs on. */
export type DatabaseKind = 'sqlite' | 'postgres';
/** Both, in the order describeEachDatabase runs them. */
export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

/** An initialized DataSource on a database of its own, and how to throw it away. */
export interface TestDatabase {
  kind: DatabaseKind;
  dataSource: DataSource;
  config: DatabaseConfig;
  /** Closes the DataSource and deletes the database (file). */
  drop(): Promise<void>;
}

/** Options for openTestDatabase. */
export interface OpenTestDatabaseOptions {
  /** Start from an empty database instead of the migrated template (for migration tests). */
  empty?: boolean;
}

function templateFromEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest, whose global setup (test/global-setup.ts) builds the database templates`);
  return value;
}

const uniqueSuffix = () => `${Math.floor(Date.now() / 1000)}_${process.pid}_${randomBytes(3).toString('hex')}`;

async function openSqlite(options: OpenTestDatabaseOptions): Promise<TestDatabase> {
  const dir = sqliteDirectory();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `t-${uniqueSuffix()}.sqlite`);
  if (!options.empty) await copyFile(templateFromEnv(TEMPLATE_ENV.sqliteTemplate), file);
  const config: DatabaseConfig = { type: 'sqlite', path: file };
  const dataSource = await createDataSource(config).initialize();
  const drop = async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
  };
  return { kind: 'sqlite', dataSource, config, drop };
}

async function createPostgresDatabase(name: string, template: string): Promise<void> {
  const admin = await connectPostgresAdmin();
  try {
    // Cloning fails while another session is in the template; ours allow no connections, but retry briefly anyway.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
        return;
      } catch (err) {
        if (attempt >= 5 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
}

async function openPostgres(options: OpenTestDatabaseOptions): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${uniqueSuffix()}`;
  await createPostgresDatabase(name, options.empty ? 'template0' : templateFromEnv(TEMPLATE_ENV.postgresTemplate));
  const config: DatabaseConfig = { type: 'postgres', url: postgresUrlFor(name), poolSize: 4 };
  const dataSource = await createDataSource(config).initialize();
  const drop = async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    const admin = await connectPostgresAdmin();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  return { kind: 'postgres', dataSource, config, drop };
}

/** A fresh database of `kind` for one test file: migrated unless `empty`; call drop() in afterAll. */
export function openTestDatabase(kind: DatabaseKind, options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  return kind === 'sqlite' ? openSqlite(options) : openPostgres(options);
}

/** The database of the running describeEachDatabase block; usable inside tests and hooks. */
export interface TestDatabaseHandle {
  readonly kind: DatabaseKind;
  readonly dataSource: DataSource;
  readonly config: DatabaseConfig;
}

/**
 * Runs the same describe block once per back end (`name [sqlite]`, `name [postgres]`),
 * each with its own migrated database opened in beforeAll and dropped in afterAll.
 */
export function describeEachDatabase(name: string, fn: (db: TestDatabaseHandle) => void, options: OpenTestDatabaseOptions = {}): void {
  for (const kind of DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let opened: TestDatabase | undefined;
      const current = (): TestDatabase => {
        if (!opened) throw new Error('the test database is opened in beforeAll: use it inside tests or hooks, not at describe time');
        return opened;
      };
      beforeAll(async () => {
        opened = await openTestDatabase(kind, options);
      });
      afterAll(async () => {
        await opened?.drop();
      });
      fn({
        kind,
        get dataSource() {
          return current().dataSource;
        },
        get config() {
          return current().config;
        },
      });
    });
  }
}
