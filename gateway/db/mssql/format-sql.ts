/**
 * Lays out TypeORM's one-line T-SQL for review: a CREATE TABLE gets one column
 * or constraint per line. Only whitespace outside quotes changes, so the
 * statement means exactly what TypeORM sends.
 */

/** Splits `text` at commas that are outside quotes, brackets and nested parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '[') {
      quote = ']';
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
    } else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** One statement, laid out for a golden file (no trailing GO). */
export function formatStatement(statement: string): string {
  const sql = statement.trim();
  const match = /^(CREATE TABLE\s+\S+)\s*\(([\s\S]*)\)$/.exec(sql);
  if (!match) return sql;
  const lines = splitTopLevel(match[2]!).map((part) => `    ${part}`);
  return `${match[1]} (\n${lines.join(',\n')}\n)`;
}
