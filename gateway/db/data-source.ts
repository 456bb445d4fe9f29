/**
 * Builds the TypeORM DataSource for the configured back end and runs the
 * migrations. Schema changes happen only through migrations: synchronize is
 * always off.
 */
import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';
import { withoutPreparedStatements } from './statements';
import { entitiesFor } from './entities';
import { migrations } from './migrations';
import { applySqlitePragmas, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-pragmas';

/**
 * Where the database is: an SQLite file (embedded default), PostgreSQL, or SQL
 * Server (TLS on by default: encrypt defaults to true, trustServerCertificate to false).
 */
export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'postgres'; url: string; poolSize?: number; poolMin?: number; preparedStatements?: boolean }
  | {
      type: 'mssql';
      host: string;
      port: number;
      database: string;
      user: string;
      password: string;
      encrypt?: boolean;
      trustServerCertificate?: boolean;
    };

/** Which migrations a database has applied and which are still to run. */
export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Recorded in the database but unknown to this build: the database is newer than the code. */
  unknown: string[];
}

/** TypeORM options for a config (exported for tools that build a DataSource without connecting). */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: entitiesFor(config.type),
    migrations: [...migrations],
    // One transaction for the whole batch: a failed deploy leaves the schema as it was.
    migrationsTransactionMode: 'all' as const,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  switch (config.type) {
    case 'sqlite':
      return {
        ...common,
        type: 'better-sqlite3',
        database: config.path,
        timeout: SQLITE_BUSY_TIMEOUT_MS,
        prepareDatabase: applySqlitePragmas,
      };
    case 'postgres':
      return {
        ...common,
        type: 'postgres',
        url: config.url,
        ...(config.poolSize ? { poolSize: config.poolSize } : {}),
        // Bounded waits: a partitioned or hung server must surface as an error, not as requests piling up.
        connectTimeoutMS: 5000,
        extra: { keepAlive: true, statement_timeout: 30000, idle_in_transaction_session_timeout: 60000, min: Math.min(config.poolMin ?? 0, config.poolSize ?? 10) },
      };
    case 'mssql':
      return {
        ...common,
        type: 'mssql',
        host: config.host,
        port: config.port,
        database: config.database,
        username: config.user,
        password: config.password,
        options: {
          // TypeORM writes nullable columns without an explicit NULL; this session default makes them nullable.
          enableAnsiNullDefault: true,
          encrypt: config.encrypt ?? true,
          trustServerCertificate: config.trustServerCertificate ?? false,
        },
      };
  }
}

/** A DataSource for `config`, not yet initialized (call `initialize()`). */
export function createDataSource(config: DatabaseConfig): DataSource {
  const ds = new DataSource(dataSourceOptions(config));
  if (config.type === 'postgres' && config.preparedStatements === false) withoutPreparedStatements(ds);
  return ds;
}

/**
 * Applies every pending migration in one transaction; returns the names applied.
 * @throws QueryFailedError when a migration fails (nothing is applied then).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  return applied.map((migration) => migration.name);
}

/** Names of migrations not yet applied, oldest first (empty when the schema is current). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return (await migrationStatus(dataSource)).pending;
}

/** Applied, pending and unknown migration names, oldest first; read-only (creates no table). */
export async function migrationStatus(dataSource: DataSource): Promise<MigrationStatus> {
  const executed = (await new MigrationExecutor(dataSource).getExecutedMigrations()).map((migration) => migration.name);
  const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
  return {
    applied: known.filter((name) => executed.includes(name)),
    pending: known.filter((name) => !executed.includes(name)),
    // getExecutedMigrations lists newest first.
    unknown: executed.filter((name) => !known.includes(name)).reverse(),
  };
}
