/**
 * Rejects constructs SQL Server lacks or treats differently from SQLite and
 * PostgreSQL, by scanning the T-SQL the migrations generate (in order, so key
 * and foreign-key rules see the schema built so far) and the entity column
 * types. Rules and their reasons live in lint/; each has a negative test.
 */
import type { EntitySchema } from 'typeorm';
import { entitiesFor } from '../entities';
import { cascadePathRule } from './lint/cascade-rule';
import { entityRules, type MssqlTypeOracle } from './lint/entity-rules';
import type { LintFinding } from './lint/finding';
import { keyRules } from './lint/key-rules';
import { parseDdl } from './lint/parse-ddl';
import { SchemaModel } from './lint/schema-model';
import { reservedWordFinding, tokenRules } from './lint/token-rules';
import { TSQL_RESERVED_WORDS } from './lint/reserved-words';
import { splitStatements, tokenize } from './lint/tokenize';
import { createOfflineMssqlDataSource } from './offline-data-source';

export type { LintFinding, LintRule } from './lint/finding';

/** A named piece of T-SQL (a golden file or generated migration DDL). */
export interface SqlSource {
  name: string;
  sql: string;
}

function lintStatement(tokens: ReturnType<typeof tokenize>, model: SchemaModel): LintFinding[] {
  const findings = tokenRules(tokens);
  const parsed = parseDdl(tokens);
  for (const name of parsed.names) {
    if (name.kind === 'word' && TSQL_RESERVED_WORDS.has(name.value)) findings.push(reservedWordFinding(name));
  }
  for (const fact of parsed.facts) model.apply(fact);
  for (const fact of parsed.facts) if (fact.kind === 'key') findings.push(...keyRules(fact.key, model));
  if (parsed.facts.some((fact) => fact.kind === 'foreign key')) findings.push(...cascadePathRule(model.foreignKeys()));
  return findings;
}

/** Lints T-SQL sources in the order they run; one schema model spans them all. */
export function lintMssqlSql(sources: SqlSource[] | string): LintFinding[] {
  const list = typeof sources === 'string' ? [{ name: 'sql', sql: sources }] : sources;
  const model = new SchemaModel();
  const seen = new Set<string>();
  const findings: LintFinding[] = [];
  for (const source of list) {
    for (const statement of splitStatements(tokenize(source.sql))) {
      for (const finding of lintStatement(statement.tokens, model)) {
        // The foreign-key rule re-reports a standing problem after every later foreign key.
        const key = `${finding.rule}|${finding.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({ ...finding, file: source.name });
      }
    }
  }
  return findings;
}

/** Lints entity column types as SQL Server's TypeORM driver would see them (defaults to our entities). */
export function lintEntityColumns(entities: EntitySchema<any>[] = entitiesFor('mssql')): LintFinding[] {
  const oracle = createOfflineMssqlDataSource().driver as unknown as MssqlTypeOracle;
  return entityRules(entities, oracle);
}

/** One line per finding, for test failure messages and the CLI. */
export function formatFindings(findings: LintFinding[]): string {
  return findings.map((f) => `${f.file ?? ''}${f.line ? `:${f.line}` : ''} [${f.rule}] ${f.message}`).join('\n');
}
