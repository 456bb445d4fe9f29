/**
 * The schema as the statements linted so far have left it, so a rule about a
 * key can look up its columns' types and nullability, and the foreign-key
 * rule can see every table's referential actions. Names compare
 * case-insensitively, as under SQL Server's default collation.
 */
import type { ColumnFact, DdlFact, ForeignKeyFact, KeyFact } from './parse-ddl';

const keyOf = (...parts: string[]) => parts.map((part) => part.toLowerCase()).join('/');

/** Tables, keys and foreign keys declared so far. */
export class SchemaModel {
  private readonly tables = new Map<string, Map<string, ColumnFact>>();
  private readonly keys = new Map<string, KeyFact>();
  private readonly foreignKeyMap = new Map<string, ForeignKeyFact>();

  /** Records what one statement declared. */
  apply(fact: DdlFact): void {
    switch (fact.kind) {
      case 'create table':
        this.tables.set(keyOf(fact.table), new Map(fact.columns.map((column) => [keyOf(column.name), column])));
        break;
      case 'add column':
      case 'alter column':
        this.tables.get(keyOf(fact.table))?.set(keyOf(fact.column.name), fact.column);
        break;
      case 'drop table':
        this.dropTable(fact.table);
        break;
      case 'drop column':
        this.tables.get(keyOf(fact.table))?.delete(keyOf(fact.column));
        break;
      case 'drop constraint':
      case 'drop index':
        this.keys.delete(keyOf(fact.table, fact.name));
        if (fact.kind === 'drop constraint') this.foreignKeyMap.delete(keyOf(fact.table, fact.name));
        break;
      case 'key':
        this.keys.set(keyOf(fact.key.table, fact.key.name), fact.key);
        break;
      case 'foreign key':
        this.foreignKeyMap.set(keyOf(fact.foreignKey.table, fact.foreignKey.name), fact.foreignKey);
        break;
    }
  }

  /** A column of a table, if both are known. */
  column(table: string, column: string): ColumnFact | undefined {
    return this.tables.get(keyOf(table))?.get(keyOf(column));
  }

  /** Every foreign key currently declared. */
  foreignKeys(): ForeignKeyFact[] {
    return [...this.foreignKeyMap.values()];
  }

  private dropTable(table: string): void {
    this.tables.delete(keyOf(table));
    for (const [name, key] of this.keys) if (keyOf(key.table) === keyOf(table)) this.keys.delete(name);
    for (const [name, fk] of this.foreignKeyMap) if (keyOf(fk.table) === keyOf(table)) this.foreignKeyMap.delete(name);
  }
}
