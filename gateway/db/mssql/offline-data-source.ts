/** A SQL Server DataSource that is never connected: its driver only builds SQL and metadata. */
import { DataSource } from 'typeorm';
import type { SqlServerDriver } from 'typeorm/driver/sqlserver/SqlServerDriver';
import { dataSourceOptions } from '../data-source';
import { OFFLINE_SCHEMA } from './offline-query-runner';

/** Our real SQL Server options (entities, migrations) with a placeholder server that is never contacted. */
export function createOfflineMssqlDataSource(): DataSource {
  const dataSource = new DataSource(
    dataSourceOptions({ type: 'mssql', host: 'offline.invalid', port: 1433, database: 'cgw', user: 'offline', password: 'offline' }),
  );
  const driver = dataSource.driver as SqlServerDriver;
  // connect() would read these from the server; with them set, unqualified names print without a schema prefix.
  driver.searchSchema = OFFLINE_SCHEMA;
  driver.schema = OFFLINE_SCHEMA;
  return dataSource;
}
