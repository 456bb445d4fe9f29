/** A read position over one statement's tokens, with the look-ahead helpers the DDL parser needs. */
import type { Token } from './tokenize';

/** Walks a statement's tokens. Words compare upper-cased. */
export class Cursor {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  /** The token `offset` ahead, if any. */
  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  /** True when the next tokens are these words (or punctuation), in order. */
  at(...expected: string[]): boolean {
    return expected.every((text, offset) => {
      const token = this.peek(offset);
      return token !== undefined && (token.kind === 'word' || token.kind === 'punct') && token.value === text;
    });
  }

  /** Consumes the expected words if they are next; says whether it did. */
  accept(...expected: string[]): boolean {
    if (!this.at(...expected)) return false;
    this.index += expected.length;
    return true;
  }

  /** The next token, consumed. */
  next(): Token | undefined {
    return this.tokens[this.index++];
  }

  /** True at the end of the statement. */
  done(): boolean {
    return this.index >= this.tokens.length;
  }

  /** Reads a possibly qualified name ("dbo"."t" or [db]..[t]); returns the tokens of every part, last is the object. */
  name(): Token[] {
    const parts: Token[] = [];
    for (;;) {
      const token = this.peek();
      if (!token || (token.kind !== 'word' && token.kind !== 'quoted')) return parts;
      parts.push(token);
      this.index++;
      if (!this.at('.')) return parts;
      while (this.accept('.'));
    }
  }

  /** Consumes a parenthesised group and returns its inner tokens; undefined if no '(' is next. */
  group(): Token[] | undefined {
    if (!this.at('(')) return undefined;
    const start = ++this.index;
    let depth = 1;
    while (!this.done()) {
      const token = this.next()!;
      if (token.kind === 'punct' && token.text === '(') depth++;
      if (token.kind === 'punct' && token.text === ')' && --depth === 0) return this.tokens.slice(start, this.index - 1);
    }
    return this.tokens.slice(start);
  }

  /** The remaining tokens, consumed. */
  rest(): Token[] {
    const rest = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return rest;
  }
}

/** Splits tokens at top-level commas. */
export function splitOnCommas(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === '(') depth++;
    if (token.kind === 'punct' && token.text === ')') depth--;
    if (token.kind === 'punct' && token.text === ',' && depth === 0) parts.push([]);
    else parts[parts.length - 1]!.push(token);
  }
  return parts.filter((part) => part.length > 0);
}
