/** A fresh, migrated database for one benchmark target: a SQLite file in `dir`, or a new PostgreSQL database dropped afterwards. */
import { join } from 'node:path';
import { Client } from 'pg';
import { createDataSource, runMigrations, type DatabaseConfig } from '../gateway/db/data-source';

const PG_ADMIN = process.env.CGW_BENCH_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** Create and migrate; PostgreSQL through CGW_BENCH_PG_ADMIN (default postgres://postgres@127.0.0.1:5432/postgres). */
export async function freshDatabase(kind: 'sqlite' | 'postgres', dir: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const config: DatabaseConfig = { type: 'sqlite', path: join(dir, 'bench.db') };
    const ds = await createDataSource(config).initialize();
    await runMigrations(ds);
    await ds.destroy();
    return { config, drop: async () => undefined };
  }
  const name = `cgw_bench_${Date.now()}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { type: 'postgres', url: url.toString(), poolSize: 20 };
  const ds = await createDataSource(config).initialize();
  await runMigrations(ds);
  await ds.destroy();
  return {
    config,
    drop: async () => {
      const a = new Client({ connectionString: PG_ADMIN });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
