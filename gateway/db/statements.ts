/**
 * Hot-path row operations without the query builder. The outbound path ran
 * about a dozen statements per message through TypeORM's builders, whose
 * per-call bookkeeping cost the gateway more CPU than the database spent
 * executing them. Here the SQL text of each statement shape is built once
 * from the entity's metadata, with the driver's own identifier quoting and
 * placeholders ($n, ?, @n), and only plain portable SQL: SELECT / UPDATE with
 * `=` and `IN`, multi-row INSERT. Values pass through the columns'
 * transformers as TypeORM would.
 *
 * On PostgreSQL the statements run as named prepared statements, parsed and
 * planned once per connection instead of once per call; elsewhere through
 * TypeORM's query runner. Errors are TypeORM's QueryFailedError either way,
 * so isUniqueViolation and the callers' handling see no difference.
 */
import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager, type EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { ApplyValueTransformers } from 'typeorm/util/ApplyValueTransformers';
import { bulkInsert } from './bulk-insert';

export type Row = Record<string, unknown>;

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[]; rowCount: number | null }>;
}

interface Runner {
  query(sql: string, params: unknown[], structured: true): Promise<{ records?: Row[]; affected?: number }>;
  connect(): Promise<unknown>;
  release(): Promise<void>;
}

const names = new Map<string, string>();
const MAX_PREPARED_PARAMETERS = 64;
const unprepared = new WeakSet<DataSource>();

/** Run this data source's statements unnamed (`database.preparedStatements: false`, for a transaction-pooling PgBouncer older than 1.21). */
export function withoutPreparedStatements(ds: DataSource): void {
  unprepared.add(ds);
}

// One name per SQL text: pg prepares each name once per connection and refuses a name reused for other text.
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) names.set(sql, (name = `cgw_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`));
  return name;
}

/** Run one statement in `manager`'s transaction (or on the pool): rows for a SELECT, the affected count for an UPDATE. */
export async function runStatement(manager: EntityManager, sql: string, params: unknown[]): Promise<{ rows: Row[]; affected: number }> {
  const ds = manager.connection;
  if (ds.options.type === 'postgres') {
    const inTransaction = manager.queryRunner as unknown as Runner | undefined;
    const client = inTransaction ? ((await inTransaction.connect()) as PgClient) : ((ds.driver as unknown as { master: PgClient }).master);
    try {
      // Small statements only: each name stays prepared on its connection, and a 500-row insert's text is rarely reused.
      const result = params.length <= MAX_PREPARED_PARAMETERS && !unprepared.has(ds)
        ? await client.query({ name: statementName(sql), text: sql, values: params })
        : await (client as unknown as { query(text: string, values: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }> }).query(sql, params);
      return { rows: result.rows, affected: result.rowCount ?? 0 };
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
  }
  const own = manager.queryRunner ? undefined : (ds.createQueryRunner() as unknown as Runner);
  const runner = (manager.queryRunner as unknown as Runner | undefined) ?? own!;
  try {
    const result = await runner.query(sql, params, true);
    return { rows: result.records ?? [], affected: result.affected ?? 0 };
  } finally {
    await own?.release();
  }
}

interface Shape {
  sql: string;
  /** Per placeholder, in order: the column whose transformer its value goes through. */
  columns: ColumnMetadata[];
}

const shapes = new WeakMap<object, Map<string, Shape>>();

function cached(ds: DataSource, key: string, build: () => Shape): Shape {
  let byKey = shapes.get(ds.driver);
  if (!byKey) shapes.set(ds.driver, (byKey = new Map()));
  let shape = byKey.get(key);
  if (!shape) byKey.set(key, (shape = build()));
  return shape;
}

function column(metadata: EntityMetadata, property: string): ColumnMetadata {
  const c = metadata.findColumnWithPropertyName(property);
  if (!c) throw new Error(`${metadata.name} has no column ${property}`);
  return c;
}

const toDatabase = (c: ColumnMetadata, value: unknown) => (c.transformer ? ApplyValueTransformers.transformTo(c.transformer, value) : value);

/** An SQL expression computed from the row itself, e.g. `() => 'sent_since + 1'` (the form TypeORM's update takes). */
export type SqlExpression = () => string;

/**
 * UPDATE `entity` SET `set` WHERE every `where` property equals its value.
 * Values in `set` may be SqlExpressions. @returns rows changed
 * @throws Error for a where value that is null, an array or an operator (use the repository for those)
 */
export async function updateWhere(manager: EntityManager, entity: string, where: Row, set: Row): Promise<number> {
  const ds = manager.connection;
  const whereKeys = Object.keys(where);
  const setKeys = Object.keys(set).filter((k) => set[k] !== undefined);
  for (const k of whereKeys) if (where[k] === null || typeof where[k] === 'object') throw new Error(`updateWhere: ${entity}.${k} must be a plain value`);
  const expressions = setKeys.map((k) => (typeof set[k] === 'function' ? (set[k] as SqlExpression)() : null));
  const key = `U|${entity}|${setKeys.map((k, i) => `${k}${expressions[i] === null ? '' : `=${expressions[i]}`}`).join(',')}|${whereKeys.join(',')}`;
  const shape = cached(ds, key, () => {
    const metadata = ds.getMetadata(entity);
    const { driver } = ds;
    const columns: ColumnMetadata[] = [];
    const placeholder = (c: ColumnMetadata) => {
      columns.push(c);
      return driver.createParameter(`p${columns.length - 1}`, columns.length - 1);
    };
    const assignments = setKeys.map((k, i) => `${driver.escape(column(metadata, k).databaseName)} = ${expressions[i] ?? placeholder(column(metadata, k))}`);
    const conditions = whereKeys.map((k) => `${driver.escape(column(metadata, k).databaseName)} = ${placeholder(column(metadata, k))}`);
    return { sql: `UPDATE ${driver.escape(metadata.tableName)} SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}`, columns };
  });
  const values = [...setKeys.filter((_, i) => expressions[i] === null).map((k) => set[k]), ...whereKeys.map((k) => where[k])];
  return (await runStatement(manager, shape.sql, values.map((v, i) => toDatabase(shape.columns[i]!, v)))).affected;
}

/**
 * SELECT `select` FROM `entity` WHERE `inProperty` IN (`values`) [AND each `where` property equals its value],
 * in statements of at most 1,000 values. Rows come back keyed by property name, through the columns' transformers.
 */
export async function selectWhereIn(manager: EntityManager, entity: string, select: readonly string[], inProperty: string, values: readonly unknown[], where: Row = {}): Promise<Row[]> {
  const ds = manager.connection;
  const out: Row[] = [];
  const whereKeys = Object.keys(where);
  for (let start = 0; start < values.length; start += 1000) {
    const part = values.slice(start, start + 1000);
    const key = `S|${entity}|${select.join(',')}|${inProperty}|${part.length}|${whereKeys.join(',')}`;
    const shape = cached(ds, key, () => {
      const metadata = ds.getMetadata(entity);
      const { driver } = ds;
      const columns: ColumnMetadata[] = [];
      const placeholder = (c: ColumnMetadata) => {
        columns.push(c);
        return driver.createParameter(`p${columns.length - 1}`, columns.length - 1);
      };
      const inColumn = column(metadata, inProperty);
      const list = part.map(() => placeholder(inColumn)).join(', ');
      const conditions = [`${driver.escape(inColumn.databaseName)} IN (${list})`, ...whereKeys.map((k) => `${driver.escape(column(metadata, k).databaseName)} = ${placeholder(column(metadata, k))}`)];
      const selected = select.map((p) => `${driver.escape(column(metadata, p).databaseName)} AS ${driver.escape(p)}`).join(', ');
      return { sql: `SELECT ${selected} FROM ${driver.escape(metadata.tableName)} WHERE ${conditions.join(' AND ')}`, columns };
    });
    const params = [...part, ...whereKeys.map((k) => where[k])].map((v, i) => toDatabase(shape.columns[i]!, v));
    const metadata = ds.getMetadata(entity);
    for (const raw of (await runStatement(manager, shape.sql, params)).rows) {
      const row: Row = {};
      for (const p of select) {
        const c = column(metadata, p);
        row[p] = c.transformer ? ApplyValueTransformers.transformFrom(c.transformer, raw[p]) : raw[p];
      }
      out.push(row);
    }
  }
  return out;
}

/**
 * INSERT `rows` (objects keyed by property name) into `entity` in multi-row
 * statements. Rows must carry the same properties, none undefined (a
 * column left to its default needs the repository's insert).
 * @returns false, having written nothing, when the rows do not have that shape
 */
export async function insertRows(manager: EntityManager, entity: string, objects: readonly object[]): Promise<boolean> {
  const rows = objects as readonly Row[];
  if (rows.length === 0) return true;
  const properties = Object.keys(rows[0]!);
  const same = rows.every((r) => {
    const keys = Object.keys(r);
    return keys.length === properties.length && properties.every((p) => r[p] !== undefined && p in r);
  });
  if (!same) return false;
  const metadata = manager.connection.getMetadata(entity);
  const columns = properties.map((p) => column(metadata, p));
  await bulkInsert(manager, metadata.tableName, columns.map((c) => c.databaseName), rows.map((r) => columns.map((c, i) => toDatabase(c, r[properties[i]!]))));
  return true;
}

/**
 * UPDATE `entity` SET `set` WHERE `inProperty` IN (`values`) AND every `where` property equals its value
 * (the form of many same-shaped compare-and-set updates gathered into one), in statements of at most 1,000 values.
 * @returns rows changed
 */
export async function updateWhereIn(manager: EntityManager, entity: string, inProperty: string, values: readonly unknown[], where: Row, set: Row): Promise<number> {
  const ds = manager.connection;
  const whereKeys = Object.keys(where);
  const setKeys = Object.keys(set).filter((k) => set[k] !== undefined);
  for (const k of whereKeys) if (where[k] === null || typeof where[k] === 'object') throw new Error(`updateWhereIn: ${entity}.${k} must be a plain value`);
  const expressions = setKeys.map((k) => (typeof set[k] === 'function' ? (set[k] as SqlExpression)() : null));
  let affected = 0;
  for (let start = 0; start < values.length; start += 1000) {
    const part = values.slice(start, start + 1000);
    const key = `UI|${entity}|${setKeys.map((k, i) => `${k}${expressions[i] === null ? '' : `=${expressions[i]}`}`).join(',')}|${inProperty}|${part.length}|${whereKeys.join(',')}`;
    const shape = cached(ds, key, () => {
      const metadata = ds.getMetadata(entity);
      const { driver } = ds;
      const columns: ColumnMetadata[] = [];
      const placeholder = (c: ColumnMetadata) => {
        columns.push(c);
        return driver.createParameter(`p${columns.length - 1}`, columns.length - 1);
      };
      const assignments = setKeys.map((k, i) => `${driver.escape(column(metadata, k).databaseName)} = ${expressions[i] ?? placeholder(column(metadata, k))}`);
      const inColumn = column(metadata, inProperty);
      const conditions = [`${driver.escape(inColumn.databaseName)} IN (${part.map(() => placeholder(inColumn)).join(', ')})`, ...whereKeys.map((k) => `${driver.escape(column(metadata, k).databaseName)} = ${placeholder(column(metadata, k))}`)];
      return { sql: `UPDATE ${driver.escape(metadata.tableName)} SET ${assignments.join(', ')} WHERE ${conditions.join(' AND ')}`, columns };
    });
    const params = [...setKeys.filter((_, i) => expressions[i] === null).map((k) => set[k]), ...part, ...whereKeys.map((k) => where[k])];
    affected += (await runStatement(manager, shape.sql, params.map((v, i) => toDatabase(shape.columns[i]!, v)))).affected;
  }
  return affected;
}
