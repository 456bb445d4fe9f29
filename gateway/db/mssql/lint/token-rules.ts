/**
 * Rules that need only the tokens of a statement: types and syntax that SQL
 * Server lacks or treats differently, over-long types and identifiers, and
 * reserved words where a table name is expected in DML.
 */
import type { LintFinding } from './finding';
import { MSSQL_LENGTH_LIMITS } from './length-limits';
import { TSQL_RESERVED_WORDS } from './reserved-words';
import type { Token } from './tokenize';

const MAX_IDENTIFIER = 128;


const WORD_RULES: Record<string, Pick<LintFinding, 'rule' | 'message'>> = {
  BOOLEAN: { rule: 'boolean-type', message: 'SQL Server has no BOOLEAN type: use bit (TypeORM maps the Boolean constructor, not "boolean", to bit)' },
  BOOL: { rule: 'boolean-type', message: 'SQL Server has no BOOL type: use bit' },
  TEXT: { rule: 'deprecated-lob-type', message: 'TEXT is deprecated on SQL Server: use varchar(max) or nvarchar(max)' },
  NTEXT: { rule: 'deprecated-lob-type', message: 'NTEXT is deprecated on SQL Server: use nvarchar(max)' },
  IMAGE: { rule: 'deprecated-lob-type', message: 'IMAGE is deprecated on SQL Server: use varbinary(max)' },
  SERIAL: { rule: 'auto-increment', message: 'SERIAL is PostgreSQL: use IDENTITY(1,1) (TypeORM generated: "increment")' },
  BIGSERIAL: { rule: 'auto-increment', message: 'BIGSERIAL is PostgreSQL: use bigint IDENTITY(1,1)' },
  SMALLSERIAL: { rule: 'auto-increment', message: 'SMALLSERIAL is PostgreSQL: use smallint IDENTITY(1,1)' },
  AUTOINCREMENT: { rule: 'auto-increment', message: 'AUTOINCREMENT is SQLite: use IDENTITY(1,1)' },
  AUTO_INCREMENT: { rule: 'auto-increment', message: 'AUTO_INCREMENT is MySQL: use IDENTITY(1,1)' },
  JSONB: { rule: 'postgres-type', message: 'jsonb is PostgreSQL: store canonical JSON in nvarchar(max)' },
  JSON: { rule: 'postgres-type', message: 'json is not a portable SQL Server type: store canonical JSON in nvarchar(max)' },
  BYTEA: { rule: 'postgres-type', message: 'bytea is PostgreSQL: use varbinary(max) (binaryColumnType)' },
  TIMESTAMPTZ: { rule: 'postgres-type', message: 'timestamptz is PostgreSQL: store epoch milliseconds in bigint' },
  UUID: { rule: 'postgres-type', message: 'uuid is PostgreSQL: use varchar(36)' },
  TIMESTAMP: { rule: 'postgres-type', message: 'TIMESTAMP on SQL Server is rowversion, not a date: store epoch milliseconds in bigint' },
};

function at(token: Token, finding: Pick<LintFinding, 'rule' | 'message'>): LintFinding {
  return { ...finding, line: token.line };
}

function wordRule(tokens: Token[], index: number): LintFinding | undefined {
  const token = tokens[index]!;
  const rule = WORD_RULES[token.value];
  if (!rule) return undefined;
  // FOR JSON is T-SQL's JSON output clause, not a type.
  if (token.value === 'JSON' && tokens[index - 1]?.value === 'FOR') return undefined;
  return at(token, rule);
}

function lengthRule(tokens: Token[], index: number): LintFinding | undefined {
  const token = tokens[index]!;
  // Words are upper-cased by the tokenizer; a quoted identifier keeps its case and is not a type.
  const limit = token.value === token.value.toUpperCase() ? MSSQL_LENGTH_LIMITS[token.value.toLowerCase()] : undefined;
  const size = tokens[index + 2];
  if (!limit || tokens[index + 1]?.text !== '(' || size?.kind !== 'number') return undefined;
  if (Number(size.value) <= limit) return undefined;
  return at(token, { rule: 'string-length', message: `${token.value.toLowerCase()}(${size.value}) exceeds ${limit}: use ${token.value.toLowerCase()}(max)` });
}

function paginationRules(tokens: Token[]): LintFinding[] {
  const findings: LintFinding[] = [];
  const values = tokens.map((token) => (token.kind === 'word' ? token.value : ''));
  for (const [index, value] of values.entries()) {
    if (value === 'LIMIT') {
      findings.push(at(tokens[index]!, { rule: 'limit-offset', message: 'SQL Server has no LIMIT: use ORDER BY … OFFSET n ROWS FETCH NEXT m ROWS ONLY (or TOP)' }));
    }
    if (value === 'OFFSET') {
      const ordered = values.slice(0, index).join(' ').includes('ORDER BY');
      const fetches = values.slice(index).includes('FETCH');
      if (!ordered || !fetches) {
        findings.push(at(tokens[index]!, { rule: 'limit-offset', message: 'OFFSET on SQL Server needs ORDER BY before it and ROWS FETCH NEXT … ROWS ONLY after it' }));
      }
    }
  }
  return findings;
}

function ifNotExistsRule(tokens: Token[]): LintFinding[] {
  const head = tokens.slice(0, 6).map((token) => token.value).join(' ');
  if (/^CREATE (TABLE|(UNIQUE )?INDEX|SCHEMA) IF NOT EXISTS/.test(head)) {
    return [at(tokens[0]!, { rule: 'create-if-not-exists', message: 'CREATE … IF NOT EXISTS is not T-SQL: guard with IF OBJECT_ID(…) IS NULL, or let TypeORM check (createTable(table, true))' })];
  }
  return [];
}

function identifierLengthRule(token: Token): LintFinding | undefined {
  if ((token.kind !== 'quoted' && token.kind !== 'word') || token.value.length <= MAX_IDENTIFIER) return undefined;
  return at(token, { rule: 'identifier-length', message: `identifier of ${token.value.length} characters exceeds SQL Server's ${MAX_IDENTIFIER}: ${token.value.slice(0, 40)}…` });
}

// In DML the word after these is a table name; a reserved word there must be quoted.
const TABLE_NAME_FOLLOWS = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE']);

function dmlReservedRule(tokens: Token[], index: number): LintFinding | undefined {
  const token = tokens[index]!;
  const next = tokens[index + 1];
  if (token.kind !== 'word' || !TABLE_NAME_FOLLOWS.has(token.value) || next?.kind !== 'word') return undefined;
  if (!TSQL_RESERVED_WORDS.has(next.value) || (token.value === 'UPDATE' && next.value === 'STATISTICS')) return undefined;
  return reservedWordFinding(next);
}

/** A finding for a reserved word standing unquoted where a name belongs. */
export function reservedWordFinding(token: Token): LintFinding {
  return at(token, {
    rule: 'reserved-word',
    message: `${token.value} is a T-SQL reserved word: quote it ("${token.value.toLowerCase()}") or rename it`,
  });
}

/** Every token-level finding in one statement. */
export function tokenRules(tokens: Token[]): LintFinding[] {
  const findings: LintFinding[] = [...paginationRules(tokens), ...ifNotExistsRule(tokens)];
  for (const index of tokens.keys()) {
    const token = tokens[index]!;
    if (token.kind === 'word') {
      for (const finding of [wordRule(tokens, index), lengthRule(tokens, index), dmlReservedRule(tokens, index)]) {
        if (finding) findings.push(finding);
      }
    }
    const tooLong = identifierLengthRule(token);
    if (tooLong) findings.push(tooLong);
  }
  return findings;
}
