/**
 * The same SQL Server rules applied to entity column types, so a type that
 * only a hand-written migration would expose is caught at the entity too.
 * TypeORM normalises types per driver (Boolean -> bit, uuid -> uniqueidentifier);
 * the check runs on what the SQL Server driver would make of each column.
 */
import type { EntitySchema, EntitySchemaColumnOptions } from 'typeorm';
import type { LintFinding } from './finding';
import { MSSQL_LENGTH_LIMITS } from './length-limits';

/** The parts of TypeORM's SQL Server driver the entity rules consult. */
export interface MssqlTypeOracle {
  supportedDataTypes: string[];
  normalizeType(column: { type?: unknown; length?: string | number }): string;
}


const FORBIDDEN: Record<string, Pick<LintFinding, 'rule' | 'message'>> = {
  boolean: { rule: 'boolean-type', message: 'type "boolean" is rejected by TypeORM on SQL Server: avoid booleans (or use the Boolean constructor, which maps to bit)' },
  bool: { rule: 'boolean-type', message: 'type "bool" does not exist on SQL Server' },
  text: { rule: 'deprecated-lob-type', message: 'text is deprecated on SQL Server: use longTextColumnType()' },
  ntext: { rule: 'deprecated-lob-type', message: 'ntext is deprecated on SQL Server (TypeORM maps simple-json/simple-array to it): use longTextColumnType()' },
  image: { rule: 'deprecated-lob-type', message: 'image is deprecated on SQL Server: use binaryColumnType()' },
  json: { rule: 'postgres-type', message: 'json: store canonical JSON with longTextColumnType()' },
  jsonb: { rule: 'postgres-type', message: 'jsonb is PostgreSQL: store canonical JSON with longTextColumnType()' },
  bytea: { rule: 'postgres-type', message: 'bytea is PostgreSQL: use binaryColumnType()' },
  timestamptz: { rule: 'postgres-type', message: 'timestamptz is PostgreSQL: use a bigint of epoch milliseconds' },
  timestamp: { rule: 'postgres-type', message: 'timestamp is rowversion on SQL Server: use a bigint of epoch milliseconds' },
  uniqueidentifier: { rule: 'postgres-type', message: 'uuid becomes uniqueidentifier on SQL Server, which returns upper-case text and sorts oddly: use varchar(36)' },
  serial: { rule: 'auto-increment', message: 'serial is PostgreSQL: use generated: "increment"' },
};

function columnFindings(entity: string, property: string, column: EntitySchemaColumnOptions, oracle: MssqlTypeOracle): LintFinding[] {
  const where = `${entity}.${property}`;
  const declared = typeof column.type === 'string' ? column.type.toLowerCase() : '';
  const normalized = oracle.normalizeType({ type: column.type, length: column.length }).toLowerCase();
  const findings: LintFinding[] = [];
  const forbidden = FORBIDDEN[declared] ?? FORBIDDEN[normalized];
  if (forbidden) findings.push({ ...forbidden, message: `${where}: ${forbidden.message}` });
  else if (!oracle.supportedDataTypes.includes(normalized)) {
    findings.push({ rule: 'unsupported-type', message: `${where}: type "${normalized}" is not supported by TypeORM's SQL Server driver` });
  }
  const limit = MSSQL_LENGTH_LIMITS[normalized];
  if (limit !== undefined && column.length === undefined) {
    findings.push({ rule: 'string-length', message: `${where}: ${normalized} needs an explicit length (SQL Server would default it)` });
  } else if (limit !== undefined && String(column.length).toLowerCase() !== 'max' && Number(column.length) > limit) {
    findings.push({ rule: 'string-length', message: `${where}: ${normalized}(${column.length}) exceeds ${limit}: use length "max"` });
  }
  return findings;
}

/** Findings for every column of the given entity schemas (built for the mssql dialect). */
export function entityRules(entities: EntitySchema<any>[], oracle: MssqlTypeOracle): LintFinding[] {
  return entities.flatMap((entity) =>
    Object.entries(entity.options.columns).flatMap(([property, column]) =>
      column ? columnFindings(entity.options.name, property, column, oracle) : [],
    ),
  );
}
