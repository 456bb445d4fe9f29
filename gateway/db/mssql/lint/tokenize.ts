/**
 * A small T-SQL tokenizer for the lint: enough to tell keywords from quoted
 * identifiers, string literals and punctuation. Comments are dropped; batches
 * split on GO lines and statements on top-level semicolons.
 */

/** One lexical token. `value` is the identifier without its quotes, upper-cased for words. */
export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'variable' | 'punct';
  text: string;
  value: string;
  line: number;
}

/** Tokens of one statement, with the line it starts on. */
export interface Statement {
  tokens: Token[];
  line: number;
}

const WORD = /[A-Za-z_#][A-Za-z0-9_$#]*/y;
const NUMBER = /[0-9]+(\.[0-9]+)?/y;
const VARIABLE = /@@?[A-Za-z0-9_$#]*/y;

function readDelimited(sql: string, start: number, close: string): number {
  // A doubled closing delimiter ('' or "" or ]]) is an escaped one.
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** Tokenizes T-SQL text (one batch or many; GO is just a word here). */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: Token['kind'], end: number, value: string) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value, line });
    line += text.split('\n').length - 1;
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      line += sql.slice(i, stop).split('\n').length - 1;
      i = stop;
    } else if (ch === "'" || (ch.toUpperCase() === 'N' && sql[i + 1] === "'")) {
      const quoteAt = ch === "'" ? i : i + 1;
      const end = readDelimited(sql, quoteAt, "'");
      push('string', end, sql.slice(quoteAt + 1, end - 1));
    } else if (ch === '"' || ch === '[') {
      const end = readDelimited(sql, i, ch === '"' ? '"' : ']');
      push('quoted', end, sql.slice(i + 1, end - 1));
    } else if (ch === '@') {
      VARIABLE.lastIndex = i;
      VARIABLE.exec(sql);
      push('variable', VARIABLE.lastIndex, sql.slice(i, VARIABLE.lastIndex));
    } else if (/[0-9]/.test(ch)) {
      NUMBER.lastIndex = i;
      NUMBER.exec(sql);
      push('number', NUMBER.lastIndex, sql.slice(i, NUMBER.lastIndex));
    } else {
      WORD.lastIndex = i;
      if (WORD.test(sql)) push('word', WORD.lastIndex, sql.slice(i, WORD.lastIndex).toUpperCase());
      else push('punct', i + 1, ch);
    }
  }
  return tokens;
}

/** GO separates batches only when it stands alone on its line (sqlcmd's rule). */
function isBatchSeparator(tokens: Token[], index: number): boolean {
  const token = tokens[index]!;
  if (token.kind !== 'word' || token.value !== 'GO') return false;
  const before = tokens[index - 1];
  const after = tokens[index + 1];
  return (!before || before.line < token.line) && (!after || after.line > token.line);
}

/** Splits tokens into statements at GO (batch separator) and at top-level semicolons. */
export function splitStatements(tokens: Token[]): Statement[] {
  const statements: Statement[] = [];
  let current: Token[] = [];
  let depth = 0;
  const flush = () => {
    if (current.length) statements.push({ tokens: current, line: current[0]!.line });
    current = [];
  };
  for (const [index, token] of tokens.entries()) {
    if (token.kind === 'punct' && token.text === '(') depth++;
    if (token.kind === 'punct' && token.text === ')') depth--;
    if (isBatchSeparator(tokens, index)) {
      flush();
    } else if (token.kind === 'punct' && token.text === ';' && depth === 0) {
      flush();
    } else {
      current.push(token);
    }
  }
  flush();
  return statements;
}
