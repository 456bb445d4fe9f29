/**
 * A SQL Server query runner that never touches a server: every schema change
 * is recorded (TypeORM's SQL memory mode, as `schema:log` uses) and every
 * read of the live schema is answered from an in-memory model of the tables
 * created so far. Anything else that would query the server throws, so a
 * migration doing data work is caught rather than silently dropped.
 */
import type { Table } from 'typeorm';
import type { SqlServerDriver } from 'typeorm/driver/sqlserver/SqlServerDriver';
import { SqlServerQueryRunner } from 'typeorm/driver/sqlserver/SqlServerQueryRunner';

/** The schema SQL Server would report for an unqualified name once connected as a default user. */
export const OFFLINE_SCHEMA = 'dbo';

/** Records DDL for SQL Server and keeps the created tables in memory instead of reading them back. */
export class OfflineSqlServerQueryRunner extends SqlServerQueryRunner {
  /** Tables created by the migrations run so far, keyed by unqualified name. */
  readonly model = new Map<string, Table>();

  constructor(driver: SqlServerDriver) {
    super(driver, 'master');
    this.enableSqlMemory();
  }

  /** @throws Error always: offline generation cannot run a query. */
  override async query(query: string): Promise<any> {
    throw new Error(`offline SQL Server DDL generation cannot run a query (migrations must use the schema API only): ${query}`);
  }

  override async getCurrentDatabase(): Promise<string> {
    return this.driver.database ?? 'offline';
  }

  override async getCurrentSchema(): Promise<string> {
    return OFFLINE_SCHEMA;
  }

  override async hasTable(tableOrName: Table | string): Promise<boolean> {
    return this.model.has(this.nameOf(tableOrName));
  }

  override async hasColumn(tableOrName: Table | string, columnName: string): Promise<boolean> {
    return this.model.get(this.nameOf(tableOrName))?.columns.some((column) => column.name === columnName) ?? false;
  }

  override async createTable(table: Table, ifNotExists = false, createForeignKeys = true, createIndices = true): Promise<void> {
    await super.createTable(table, ifNotExists, createForeignKeys, createIndices);
    // The same object, so later in-place changes (addIndex, replaceCachedTable) land in the model.
    this.model.set(this.nameOf(table), table);
  }

  override async dropTable(tableOrName: Table | string, ifExists?: boolean, dropForeignKeys = true, dropIndices = true): Promise<void> {
    await super.dropTable(tableOrName, ifExists, dropForeignKeys, dropIndices);
    const name = this.nameOf(tableOrName);
    this.model.delete(name);
    this.loadedTables = this.loadedTables.filter((loaded) => this.nameOf(loaded) !== name);
  }

  override async renameTable(oldTableOrName: Table | string, newTableName: string): Promise<void> {
    const oldName = this.nameOf(oldTableOrName);
    await super.renameTable(oldTableOrName, newTableName);
    const table = this.model.get(oldName);
    if (table) {
      this.model.delete(oldName);
      this.model.set(this.nameOf(newTableName), table);
    }
  }

  /** Answers TypeORM's schema reads from the model instead of INFORMATION_SCHEMA. */
  protected override async loadTables(tableNames?: string[]): Promise<Table[]> {
    if (!tableNames) return [...this.model.values()];
    return tableNames.flatMap((name) => {
      const table = this.model.get(this.nameOf(name));
      return table ? [table] : [];
    });
  }

  protected override async loadViews(): Promise<never[]> {
    return [];
  }

  private nameOf(tableOrName: Table | string): string {
    return this.driver.parseTableName(tableOrName).tableName;
  }
}
