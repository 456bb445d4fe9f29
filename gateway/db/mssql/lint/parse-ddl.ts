/**
 * Reads the DDL statements TypeORM (or a person) writes for SQL Server into
 * facts the lint rules check: columns, keys and indexes, foreign keys, and
 * which tokens stand where a name belongs. Statements it does not recognise
 * yield no facts; the token rules still see them.
 */
import { Cursor, splitOnCommas } from './cursor';
import type { Token } from './tokenize';

/** A column as declared. Length is in characters (bytes for binary); 'MAX' for (max). */
export interface ColumnFact {
  name: string;
  type: string;
  length?: number | 'MAX';
  precision?: number;
  nullable: boolean;
}

/** A primary key, unique constraint or index over columns of one table. */
export interface KeyFact {
  kind: 'primary key' | 'unique constraint' | 'index';
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  clustered: boolean;
  filtered: boolean;
  line: number;
}

/** A foreign key with its referential actions (undefined means NO ACTION). */
export interface ForeignKeyFact {
  name: string;
  table: string;
  referencedTable: string;
  onDelete?: string;
  onUpdate?: string;
  line: number;
}

/** What one statement declares. */
export type DdlFact =
  | { kind: 'create table'; table: string; columns: ColumnFact[] }
  | { kind: 'add column'; table: string; column: ColumnFact }
  | { kind: 'alter column'; table: string; column: ColumnFact }
  | { kind: 'drop table'; table: string }
  | { kind: 'drop column'; table: string; column: string }
  | { kind: 'drop constraint'; table: string; name: string }
  | { kind: 'drop index'; table: string; name: string }
  | { kind: 'key'; key: KeyFact }
  | { kind: 'foreign key'; foreignKey: ForeignKeyFact };

/** Facts of a statement plus the tokens that sit where a name belongs. */
export interface ParsedDdl {
  facts: DdlFact[];
  names: Token[];
}

const last = (parts: Token[]): string => parts[parts.length - 1]?.value ?? '';
const words = (tokens: Token[]): string[] => tokens.filter((t) => t.kind === 'word').map((t) => t.value);

function columnList(tokens: Token[] | undefined, names: Token[]): string[] {
  return splitOnCommas(tokens ?? []).map((part) => {
    names.push(part[0]!);
    return part[0]!.value;
  });
}

function referentialAction(cursor: Cursor): string {
  if (cursor.accept('NO', 'ACTION')) return 'NO ACTION';
  if (cursor.accept('SET', 'NULL')) return 'SET NULL';
  if (cursor.accept('SET', 'DEFAULT')) return 'SET DEFAULT';
  return cursor.next()?.value ?? '';
}

/** Parses a table constraint (after an optional CONSTRAINT name). */
function tableConstraint(cursor: Cursor, table: string, name: string, line: number, parsed: ParsedDdl): boolean {
  const primary = cursor.accept('PRIMARY', 'KEY');
  if (primary || cursor.accept('UNIQUE')) {
    const clustered = cursor.accept('CLUSTERED') ? true : cursor.accept('NONCLUSTERED') ? false : primary;
    const columns = columnList(cursor.group(), parsed.names);
    const kind = primary ? 'primary key' : 'unique constraint';
    parsed.facts.push({ kind: 'key', key: { kind, name, table, columns, unique: true, clustered, filtered: false, line } });
    return true;
  }
  if (cursor.accept('FOREIGN', 'KEY')) {
    columnList(cursor.group(), parsed.names);
    if (!cursor.accept('REFERENCES')) return true;
    const referenced = cursor.name();
    parsed.names.push(...referenced);
    columnList(cursor.group(), parsed.names);
    const foreignKey: ForeignKeyFact = { name, table, referencedTable: last(referenced), line };
    while (cursor.accept('ON')) {
      if (cursor.accept('DELETE')) foreignKey.onDelete = referentialAction(cursor);
      else if (cursor.accept('UPDATE')) foreignKey.onUpdate = referentialAction(cursor);
    }
    parsed.facts.push({ kind: 'foreign key', foreignKey });
    return true;
  }
  return cursor.accept('CHECK');
}

/** Parses one column definition; inline PRIMARY KEY / UNIQUE become key facts. */
function columnDefinition(tokens: Token[], table: string, parsed: ParsedDdl): ColumnFact {
  const cursor = new Cursor(tokens);
  const nameToken = cursor.next()!;
  parsed.names.push(nameToken);
  const type = cursor.name();
  const args = splitOnCommas(cursor.group() ?? []);
  const rest = words(cursor.rest());
  const lengthWord = args[0]?.[0];
  const length = lengthWord?.value === 'MAX' ? ('MAX' as const) : lengthWord ? Number(lengthWord.value) : undefined;
  const inlinePrimary = rest.join(' ').includes('PRIMARY KEY');
  const explicitNotNull = rest.join(' ').includes('NOT NULL');
  const column: ColumnFact = { name: nameToken.value, type: last(type).toUpperCase(), nullable: !explicitNotNull && !inlinePrimary };
  if (length !== undefined) column.length = length;
  if (lengthWord && args.length === 2) column.precision = Number(lengthWord.value);
  const line = nameToken.line;
  if (inlinePrimary || rest.includes('UNIQUE')) {
    const kind = inlinePrimary ? 'primary key' : 'unique constraint';
    const clustered = rest.includes('CLUSTERED') || (inlinePrimary && !rest.includes('NONCLUSTERED'));
    const key: KeyFact = { kind, name: `${table}.${column.name}`, table, columns: [column.name], unique: true, clustered, filtered: false, line };
    parsed.facts.push({ kind: 'key', key });
  }
  return column;
}

/** Parses a table element: a named/unnamed constraint or a column definition. */
function tableElement(tokens: Token[], table: string, parsed: ParsedDdl): ColumnFact | undefined {
  const cursor = new Cursor(tokens);
  const line = tokens[0]!.line;
  let name = `${table}.constraint@${line}`;
  if (cursor.accept('CONSTRAINT')) {
    const nameParts = cursor.name();
    parsed.names.push(...nameParts);
    name = last(nameParts);
  }
  if (tableConstraint(cursor, table, name, line, parsed)) return undefined;
  return columnDefinition(tokens, table, parsed);
}

function createTable(cursor: Cursor, parsed: ParsedDdl): void {
  if (cursor.at('IF')) return; // CREATE TABLE IF NOT EXISTS: a token rule reports it.
  const nameParts = cursor.name();
  parsed.names.push(...nameParts);
  const table = last(nameParts);
  const columns = splitOnCommas(cursor.group() ?? []).flatMap((element) => tableElement(element, table, parsed) ?? []);
  parsed.facts.unshift({ kind: 'create table', table, columns });
}

function createIndex(cursor: Cursor, parsed: ParsedDdl, line: number): void {
  const unique = cursor.accept('UNIQUE');
  const clustered = cursor.accept('CLUSTERED');
  cursor.accept('NONCLUSTERED');
  if (!cursor.accept('INDEX') || cursor.at('IF')) return;
  const nameParts = cursor.name();
  cursor.accept('ON');
  const tableParts = cursor.name();
  parsed.names.push(...nameParts, ...tableParts);
  const columns = splitOnCommas(cursor.group() ?? []).map((part) => {
    parsed.names.push(part[0]!);
    return part[0]!.value;
  });
  const filtered = words(cursor.rest()).includes('WHERE');
  const key: KeyFact = { kind: 'index', name: last(nameParts), table: last(tableParts), columns, unique, clustered, filtered, line };
  parsed.facts.push({ kind: 'key', key });
}

function alterTable(cursor: Cursor, parsed: ParsedDdl): void {
  const nameParts = cursor.name();
  parsed.names.push(...nameParts);
  const table = last(nameParts);
  if (cursor.accept('ADD')) {
    for (const element of splitOnCommas(cursor.rest())) {
      const column = tableElement(element, table, parsed);
      if (column) parsed.facts.push({ kind: 'add column', table, column });
    }
  } else if (cursor.accept('ALTER', 'COLUMN')) {
    parsed.facts.push({ kind: 'alter column', table, column: columnDefinition(cursor.rest(), table, parsed) });
  } else if (cursor.accept('DROP', 'CONSTRAINT')) {
    cursor.accept('IF', 'EXISTS');
    parsed.facts.push({ kind: 'drop constraint', table, name: last(cursor.name()) });
  } else if (cursor.accept('DROP', 'COLUMN')) {
    cursor.accept('IF', 'EXISTS');
    parsed.facts.push({ kind: 'drop column', table, column: last(cursor.name()) });
  }
}

/** Extracts the schema facts of one statement. */
export function parseDdl(tokens: Token[]): ParsedDdl {
  const parsed: ParsedDdl = { facts: [], names: [] };
  const cursor = new Cursor(tokens);
  const line = tokens[0]?.line ?? 0;
  if (cursor.accept('CREATE', 'TABLE')) createTable(cursor, parsed);
  else if (cursor.accept('ALTER', 'TABLE')) alterTable(cursor, parsed);
  else if (cursor.accept('CREATE')) createIndex(cursor, parsed, line);
  else if (cursor.accept('DROP', 'TABLE')) {
    cursor.accept('IF', 'EXISTS');
    const nameParts = cursor.name();
    parsed.facts.push({ kind: 'drop table', table: last(nameParts) });
  } else if (cursor.accept('DROP', 'INDEX')) {
    const nameParts = cursor.name();
    cursor.accept('ON');
    parsed.facts.push({ kind: 'drop index', name: last(nameParts), table: last(cursor.name()) });
  }
  return parsed;
}
