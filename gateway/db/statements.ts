/**
 * Hot-path row operations without the query builder. The outbound path ran
 * about a dozen statements per message through TypeORM's builders, whose
 * per-call bookkeeping cost the gateway more CPU than the database spent
 * executing them. Here the SQL text of each statement shape is built once
 * from the entity's metadata, with the driver's own identifier quoting and
 * placeholders ($n, ?, @n), and only plain portable SQL: SELECT / UPDATE with
 * `=`, `IN` and CASE, multi-row INSERT, and the row lock TypeORM itself
 * would write (FOR UPDATE, or SQL Server's UPDLOCK hint). Values pass
 * through the columns' transformers as TypeORM would.
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
import { chunk, rowsPerStatement } from './chunk';

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

/** Builds one statement's text: quoted names, placeholders numbered in order, each placeholder's column recorded. */
class ShapeBuilder {
  readonly columns: ColumnMetadata[] = [];
  readonly metadata: EntityMetadata;

  constructor(private readonly ds: DataSource, entity: string) {
    this.metadata = ds.getMetadata(entity);
  }

  get table(): string {
    return this.ds.driver.escape(this.metadata.tableName);
  }

  name(property: string): string {
    return this.ds.driver.escape(column(this.metadata, property).databaseName);
  }

  param(property: string): string {
    this.columns.push(column(this.metadata, property));
    return this.ds.driver.createParameter(`p${this.columns.length - 1}`, this.columns.length - 1);
  }

  /** `inProperty IN (…count placeholders)` (when given) and `property = placeholder` for each of `equal`. */
  conditions(inList: { property: string; count: number } | null, equal: readonly string[]): string {
    const list = inList ? [`${this.name(inList.property)} IN (${Array.from({ length: inList.count }, () => this.param(inList.property)).join(', ')})`] : [];
    return [...list, ...equal.map((k) => `${this.name(k)} = ${this.param(k)}`)].join(' AND ');
  }

  done(sql: string): Shape {
    return { sql, columns: this.columns };
  }
}

// Values as the driver takes them, each through its placeholder's column transformer.
const paramsFor = (shape: Shape, values: readonly unknown[]) => values.map((v, i) => toDatabase(shape.columns[i]!, v));

const toDatabase = (c: ColumnMetadata, value: unknown) => (c.transformer ? ApplyValueTransformers.transformTo(c.transformer, value) : value);

/** An SQL expression computed from the row itself, e.g. `() => 'sent_since + 1'` (the form TypeORM's update takes). */
export type SqlExpression = () => string;

/**
 * UPDATE `entity` SET `set` WHERE every `where` property equals its value.
 * Values in `set` may be SqlExpressions. @returns rows changed
 * @throws Error for a where value that is null, an array or an operator (use the repository for those)
 */
export async function updateWhere(manager: EntityManager, entity: string, where: Row, set: Row): Promise<number> {
  return runUpdate(manager, planUpdate('updateWhere', entity, where, set), null, []);
}

interface UpdatePlan {
  entity: string;
  where: Row;
  set: Row;
  whereKeys: string[];
  /** The `set` properties written, and for each its SQL expression or null for a value. */
  setKeys: string[];
  expressions: (string | null)[];
}

function planUpdate(caller: string, entity: string, where: Row, set: Row): UpdatePlan {
  const whereKeys = Object.keys(where);
  for (const k of whereKeys) if (where[k] === null || typeof where[k] === 'object') throw new Error(`${caller}: ${entity}.${k} must be a plain value`);
  const setKeys = Object.keys(set).filter((k) => set[k] !== undefined);
  const expressions = setKeys.map((k) => (typeof set[k] === 'function' ? (set[k] as SqlExpression)() : null));
  return { entity, where, set, whereKeys, setKeys, expressions };
}

// One UPDATE, with `key IN (part)` among its conditions when given.
async function runUpdate(manager: EntityManager, plan: UpdatePlan, inProperty: string | null, part: readonly unknown[]): Promise<number> {
  const ds = manager.connection;
  const { entity, setKeys, expressions, whereKeys } = plan;
  const assigned = setKeys.map((k, i) => `${k}${expressions[i] === null ? '' : `=${expressions[i]}`}`).join(',');
  const inList = inProperty === null ? null : { property: inProperty, count: part.length };
  const shape = cached(ds, `U|${entity}|${assigned}|${inList ? `${inList.property}|${inList.count}` : ''}|${whereKeys.join(',')}`, () => {
    const b = new ShapeBuilder(ds, entity);
    const assignments = setKeys.map((k, i) => `${b.name(k)} = ${expressions[i] ?? b.param(k)}`).join(', ');
    return b.done(`UPDATE ${b.table} SET ${assignments} WHERE ${b.conditions(inList, whereKeys)}`);
  });
  const values = [...setKeys.filter((_, i) => expressions[i] === null).map((k) => plan.set[k]), ...part, ...whereKeys.map((k) => plan.where[k])];
  return (await runStatement(manager, shape.sql, paramsFor(shape, values))).affected;
}

/** Options of selectWhereIn. */
export interface SelectOptions {
  /** Lock the rows read for the rest of the transaction (FOR UPDATE; a table hint on SQL Server; SQLite has one writer and no row locks). */
  lock?: boolean;
  /** Return (and, with `lock`, lock) rows in this property order, ascending: writers locking in one order never deadlock. */
  orderBy?: readonly string[];
}

/**
 * SELECT `select` FROM `entity` WHERE `inProperty` IN (`values`) [AND each `where` property equals its value],
 * in statements of at most 1,000 values. Rows come back keyed by property name, through the columns' transformers.
 */
export async function selectWhereIn(manager: EntityManager, entity: string, select: readonly string[], inProperty: string, values: readonly unknown[], where: Row = {}, options: SelectOptions = {}): Promise<Row[]> {
  const ds = manager.connection;
  const out: Row[] = [];
  const whereKeys = Object.keys(where);
  const type = ds.options.type;
  const lock = options.lock === true && type !== 'better-sqlite3';
  const orderBy = options.orderBy ?? [];
  for (let start = 0; start < values.length; start += 1000) {
    const part = values.slice(start, start + 1000);
    const key = `S|${entity}|${select.join(',')}|${inProperty}|${part.length}|${whereKeys.join(',')}|${lock}|${orderBy.join(',')}`;
    const shape = cached(ds, key, () => {
      const b = new ShapeBuilder(ds, entity);
      const selected = select.map((p) => `${b.name(p)} AS ${ds.driver.escape(p)}`).join(', ');
      const hint = lock && type === 'mssql' ? ' WITH (UPDLOCK, ROWLOCK)' : '';
      const order = orderBy.length > 0 ? ` ORDER BY ${orderBy.map((p) => b.name(p)).join(', ')}` : '';
      const forUpdate = lock && type !== 'mssql' ? ' FOR UPDATE' : '';
      return b.done(`SELECT ${selected} FROM ${b.table}${hint} WHERE ${b.conditions({ property: inProperty, count: part.length }, whereKeys)}${order}${forUpdate}`);
    });
    const metadata = ds.getMetadata(entity);
    for (const raw of (await runStatement(manager, shape.sql, paramsFor(shape, [...part, ...whereKeys.map((k) => where[k])]))).rows) {
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
  const plan = planUpdate('updateWhereIn', entity, where, set);
  let affected = 0;
  for (let start = 0; start < values.length; start += 1000) affected += await runUpdate(manager, plan, inProperty, values.slice(start, start + 1000));
  return affected;
}

/**
 * UPDATE many rows of `entity`, each to its own values, in one statement per
 * chunk: `c = CASE key WHEN <row 1's key> THEN <its c> WHEN … ELSE c END`
 * for each property `c` of `set`, WHERE key IN (the rows' keys) AND every
 * `where` property equals its value (the same for all rows, e.g. the rest of
 * a composite primary key, so the index serves the IN). Plain SQL every
 * dialect has; the ELSE branch gives the CASE its column's type, so no cast
 * is needed for values PostgreSQL receives untyped. A key given twice is
 * written with its last row.
 * @returns rows changed
 */
export async function updateRows(manager: EntityManager, entity: string, key: string, set: readonly string[], rows: readonly Row[], where: Row = {}): Promise<number> {
  const ds = manager.connection;
  const plan = planUpdate('updateRows', entity, where, {});
  const last = new Map<unknown, Row>();
  for (const r of rows) last.set(r[key], r);
  let affected = 0;
  for (const part of chunk([...last.values()], Math.min(500, rowsPerStatement(2 * set.length + 1)))) {
    const shape = cached(ds, `R|${entity}|${key}|${set.join(',')}|${part.length}|${plan.whereKeys.join(',')}`, () => {
      const b = new ShapeBuilder(ds, entity);
      const assignments = set.map((c) => `${b.name(c)} = CASE ${b.name(key)} ${part.map(() => `WHEN ${b.param(key)} THEN ${b.param(c)}`).join(' ')} ELSE ${b.name(c)} END`);
      return b.done(`UPDATE ${b.table} SET ${assignments.join(', ')} WHERE ${b.conditions({ property: key, count: part.length }, plan.whereKeys)}`);
    });
    const values = [...set.flatMap((c) => part.flatMap((r) => [r[key], r[c]])), ...part.map((r) => r[key]), ...plan.whereKeys.map((k) => where[k])];
    affected += (await runStatement(manager, shape.sql, paramsFor(shape, values))).affected;
  }
  return affected;
}
