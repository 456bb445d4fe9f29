/**
 * Bounded, lossless JSON parsing for msgaudit documents (the GetChatData
 * answer, decrypted messages, and the JSON strings embedded in mixed and
 * chatrecord items). On top of JSON.parse:
 *  - limits: bytes (checked before parsing), nesting depth (a linear pre-scan,
 *    so nothing recursive ever sees a hostile depth), value count, array length;
 *  - strict text: bytes must be UTF-8; no string or key may contain U+0000 or
 *    an unpaired surrogate (escaped or not) — neither survives a UTF-8 archive
 *    or a database column intact;
 *  - numbers: every number that is not a plain safe integer literal (fractions,
 *    exponents, integers beyond 2^53, -0) is returned as a NumberLiteral holding
 *    its exact source text (Node ≥ 21 passes it to the reviver), so seq and
 *    64-bit ids lose no digit and nothing is silently rounded.
 * Errors are MsgauditParseError with fixed messages: JSON.parse's own message
 * quotes the input, so it is never passed on.
 *
 * Speed: a reviver makes JSON.parse five to ten times slower, and ingestion
 * parses every message. Most texts cannot hold what the reviver looks for:
 * with no `\u` escape in the text, no string or key can hold U+0000 (a raw
 * one is a syntax error) or a lone surrogate (a raw one is refused before
 * parsing), and when the pre-scan saw only integer literals of at most 15
 * digits (all safe, none -0) no number needs a NumberLiteral. Such a text is
 * parsed without a reviver and its value and array counts checked by a walk
 * in the reviver's order (skipped when the text is too short to break them);
 * any other text takes the reviver. Both give the same value and the same
 * error (json-text.test.ts compares them).
 */
import { MsgauditParseError, type MsgauditParseSubject } from './errors';

export interface JsonLimits {
  /** Largest input, in UTF-8 bytes. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects (the root object is depth 1). */
  maxDepth: number;
  /** Most values (including containers and keys' values) in one document. */
  maxValues: number;
  /** Most elements in one array. */
  maxArrayLength: number;
}

/** A JSON number kept as its exact source text (see the module comment). */
export class NumberLiteral {
  constructor(readonly source: string) {}

  /** Whether the literal is an integer (no fraction or exponent). */
  get isInteger(): boolean {
    return /^-?(?:0|[1-9][0-9]*)$/.test(this.source);
  }
}

/** A parsed value: JSON, with NumberLiteral for numbers that are not safe integers. */
export type Parsed = null | boolean | number | string | NumberLiteral | Parsed[] | ParsedObject;
export interface ParsedObject {
  [name: string]: Parsed;
}

const SAFE_INTEGER_LITERAL = /^-?(?:0|[1-9][0-9]{0,15})$/;
/** An integer literal that is a safe integer whatever its digits (≤ 15), and not -0. */
const PLAIN_INTEGER_LITERAL = /^(?:0|-?[1-9][0-9]{0,14})$/;
const LONE_SURROGATE = /\p{Cs}/u;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parse `input` within `limits`.
 * @throws MsgauditParseError (too-large, bad-utf8, malformed-json, too-deep, too-many-values, array-too-long, nul-character, lone-surrogate)
 */
export function parseJsonText(input: string | Uint8Array, limits: JsonLimits, subject: MsgauditParseSubject, path?: string): Parsed {
  const fail = (code: ConstructorParameters<typeof MsgauditParseError>[0], message: string): never => {
    throw new MsgauditParseError(code, subject, path ? `${path}: ${message}` : message, path ? { path } : {});
  };
  let text: string;
  if (typeof input === 'string') {
    if (input.length > limits.maxBytes || Buffer.byteLength(input, 'utf8') > limits.maxBytes) fail('too-large', `larger than ${limits.maxBytes} bytes`);
    // An unpaired surrogate in a JS string has no UTF-8 form: the bytes the archive would store differ from this text.
    if (LONE_SURROGATE.test(input)) fail('lone-surrogate', 'the text contains an unpaired UTF-16 surrogate');
    text = input;
  } else {
    if (input.byteLength > limits.maxBytes) fail('too-large', `larger than ${limits.maxBytes} bytes`);
    try {
      text = decoder.decode(input);
    } catch {
      return fail('bad-utf8', 'the bytes are not valid UTF-8');
    }
  }
  const scan = scanText(text, limits.maxDepth);
  if (scan.tooDeep) fail('too-deep', `nested deeper than ${limits.maxDepth} levels`);
  try {
    if (scan.plainNumbers && !text.includes('\\u')) {
      const value = JSON.parse(text) as Parsed;
      // n values take at least n characters, an array of n elements at least 2n + 1.
      if (text.length > Math.min(limits.maxValues, 2 * limits.maxArrayLength)) checkCounts(value, limits, fail);
      return value;
    }
    return parseWithReviver(text, limits, fail);
  } catch (err) {
    if (err instanceof MsgauditParseError) throw err;
    if (err instanceof SyntaxError) {
      return fail('malformed-json', /end of JSON input|Unterminated/i.test(err.message) ? 'not valid JSON (it ends early: truncated?)' : 'not valid JSON');
    }
    throw err;
  }
}

type Fail = (code: ConstructorParameters<typeof MsgauditParseError>[0], message: string) => never;

/** JSON.parse with every check of the module comment made on each value, bottom-up. */
function parseWithReviver(text: string, limits: JsonLimits, fail: Fail): Parsed {
  let values = 0;
  return JSON.parse(text, function revive(key: string, value: unknown, context?: { source?: string }): unknown {
    if (++values > limits.maxValues) fail('too-many-values', `more than ${limits.maxValues} JSON values`);
    checkString(key, 'a key', fail);
    switch (typeof value) {
      case 'string':
        checkString(value, 'a string', fail);
        return value;
      case 'number': {
        const source = context?.source ?? String(value);
        return SAFE_INTEGER_LITERAL.test(source) && Number.isSafeInteger(value) && source !== '-0' ? value : new NumberLiteral(source);
      }
      default:
        if (Array.isArray(value) && value.length > limits.maxArrayLength) fail('array-too-long', `an array has more than ${limits.maxArrayLength} elements`);
        return value;
    }
  }) as Parsed;
}

/** The reviver's value and array-length checks, in its order (children before their container, keys in order). */
function checkCounts(root: Parsed, limits: JsonLimits, fail: Fail): void {
  let values = 0;
  const visit = (value: Parsed): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (typeof value === 'object' && value !== null && !(value instanceof NumberLiteral)) {
      for (const key of Object.keys(value)) visit(value[key]!);
    }
    if (++values > limits.maxValues) fail('too-many-values', `more than ${limits.maxValues} JSON values`);
    if (Array.isArray(value) && value.length > limits.maxArrayLength) fail('array-too-long', `an array has more than ${limits.maxArrayLength} elements`);
  };
  visit(root);
}

function checkString(value: string, what: string, fail: (code: 'nul-character' | 'lone-surrogate', message: string) => never): void {
  if (value.includes('\u0000')) fail('nul-character', `${what} contains U+0000`);
  if (LONE_SURROGATE.test(value)) fail('lone-surrogate', `${what} contains an unpaired UTF-16 surrogate`);
}

/** True when arrays/objects nest deeper than `limit`. Linear; skips strings with indexOf (base64 bodies are long). */
export function exceedsDepth(text: string, limit: number): boolean {
  return scanText(text, limit).tooDeep;
}

/** What the pre-scan found outside strings: nesting beyond the limit, and whether every number is a plain safe integer literal. */
export interface TextScan {
  tooDeep: boolean;
  /** Every number is an integer literal of at most 15 digits, not -0 (JSON.parse alone keeps it exactly). */
  plainNumbers: boolean;
}

/** One linear pass outside strings (skipped with indexOf: base64 bodies are long); stops at the first level beyond `maxDepth`. */
export function scanText(text: string, maxDepth: number): TextScan {
  let depth = 0;
  let plainNumbers = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(text, i);
      if (i < 0) break; // unterminated: JSON.parse reports it
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { tooDeep: true, plainNumbers };
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      while (i + 1 < text.length && isNumberChar(text.charCodeAt(i + 1))) i++;
      if (plainNumbers && !PLAIN_INTEGER_LITERAL.test(text.slice(start, i + 1))) plainNumbers = false;
    }
  }
  return { tooDeep: false, plainNumbers };
}

/** A character that may continue a JSON number token: 0-9 . e E + - */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/** Index of the quote closing the string opened at `open`, or -1. */
function endOfString(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** Whether `value` is a JSON object (not an array, not a NumberLiteral). */
export function isParsedObject(value: Parsed | undefined): value is ParsedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof NumberLiteral);
}
