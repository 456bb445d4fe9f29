/**
 * Migration: `lease` (one holder per name across replicas, fenced) and
 * `upstream_token` (Tencent access tokens, sealed, shared by replicas).
 * Schema API only, so SQLite, PostgreSQL and SQL Server get the same tables.
 */
import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { binaryColumnType, integerColumnType } from '../column-types';
import { dialectOf, type Dialect } from '../dialect';

// Local column builders: a migration must not change when shared helpers do.
const varchar = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const bigint = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable });
const int = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...integerColumnType(dialect), isNullable: false });
const binary = (dialect: Dialect, name: string): TableColumnOptions => ({ name, ...binaryColumnType(dialect), isNullable: false });

function leaseTable(): Table {
  return new Table({
    name: 'lease',
    columns: [
      { ...varchar('name', 200), isPrimary: true, primaryKeyConstraintName: 'pk_lease' },
      varchar('holder', 128),
      bigint('fence'),
      bigint('expires_at'),
      bigint('acquired_at'),
    ],
  });
}

function upstreamTokenTable(dialect: Dialect): Table {
  return new Table({
    name: 'upstream_token',
    columns: [
      { ...varchar('token_key', 200), isPrimary: true, primaryKeyConstraintName: 'pk_upstream_token' },
      varchar('key_id', 64),
      binary(dialect, 'wrapped_key'),
      binary(dialect, 'iv'),
      binary(dialect, 'ciphertext'),
      bigint('expires_at'),
      bigint('renew_at'),
      bigint('fetched_at'),
      bigint('version'),
      bigint('fence'),
      bigint('forced_at', true),
      int(dialect, 'forced_day'),
      int(dialect, 'forced_count'),
    ],
  });
}

/** Creates lease and upstream_token. */
export class UpstreamTokens1795500001000 implements MigrationInterface {
  // Explicit, so a bundler renaming the class cannot change the recorded migration name.
  name = 'UpstreamTokens1795500001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.dataSource.options.type);
    await queryRunner.createTable(leaseTable());
    await queryRunner.createTable(upstreamTokenTable(dialect));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upstream_token');
    await queryRunner.dropTable('lease');
  }
}
