/**
 * THE canonical serialisation: every hash in the product (archive chain,
 * checkpoints, policy version, export manifests) is sha256 over these bytes.
 * Changing any rule below changes every hash ever written, so the rules are
 * pinned by test vectors in json.test.ts and must never change in place; a
 * new format gets a new version field in the hashed objects instead.
 *
 * Rules (a strict subset of JSON; for values without lone surrogates RFC 8785
 * JCS gives the same bytes, so verifiers in other languages can use a JCS library):
 *  1. Accepted values: null, true, false, safe integers, strings, arrays and
 *     plain objects (prototype Object.prototype or null). Everything else is
 *     rejected with a CanonicalJsonError: non-integer numbers, NaN, ±Infinity,
 *     integers beyond ±(2^53 − 1), bigint, undefined (except as an object
 *     property value), functions, symbols, Date, Buffer / Uint8Array, Map,
 *     Set, class instances, sparse array holes.
 *     Why: each accepted value has exactly one encoding and JSON.parse gives
 *     it back unchanged, so an independent verifier (any language) can
 *     reproduce a hash. Floats have several plausible encodings; bigint
 *     would either lose precision in JSON.parse (bare) or collide with the
 *     string of the same digits (quoted); binary has several base64 flavours.
 *     Callers convert explicitly: `String(big)`, `buf.toString('base64')`.
 *  2. -0 is normalised to 0 (as JSON.stringify does): it is the same integer,
 *     and a value read back from a database column comes back as 0.
 *  3. Integers are written in plain decimal, no exponent, no leading zeros.
 *  4. Strings are written exactly as JSON.stringify writes them (", \ and
 *     U+0000–U+001F escaped, \b \f \n \r \t short forms, lone surrogates as
 *     \udxxx, everything else verbatim, including "/" and non-ASCII).
 *  5. Objects: keys sorted by UTF-16 code unit order (Array.prototype.sort's
 *     default order), properties whose value is undefined omitted, symbol
 *     keys ignored (they are never data), no duplicate keys (impossible in JS).
 *  6. No whitespace anywhere.
 *  7. Nesting deeper than MAX_DEPTH is rejected; this also turns a cyclic
 *     value into an error instead of a stack overflow.
 *  8. The hash is lower-case hex sha256 over the UTF-8 bytes of the text.
 *
 * Speed: this runs over ~1M records per `archive verify`, so the serialiser
 * appends to one string (V8 ropes, no per-key arrays) and only allocates the
 * sorted key array per object. Error paths are built only when throwing.
 */
import { createHash } from 'node:crypto';

/** Deepest nesting accepted (arrays and objects both count). */
export const MAX_DEPTH = 64;

/** A value `canonicalJson` accepts (documentation; the check is at run time). */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/** The value cannot be serialised canonically. `path` is a JSONPath-like location; the value itself is never in the message. */
export class CanonicalJsonError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`canonical JSON: ${reason} at ${path}`);
    this.name = 'CanonicalJsonError';
  }
}

/** Thrown internally with the path still empty; the frames above add their segment on the way out. */
class PathlessError extends Error {
  readonly segments: string[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
}

// Keys that need no quoting in an error path; anything else is shown quoted.
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Serialise `value` by the rules at the top of this module.
 * @throws CanonicalJsonError when the value contains anything outside the accepted set
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, 0);
  } catch (err) {
    if (err instanceof PathlessError) {
      throw new CanonicalJsonError('$' + err.segments.reverse().join(''), err.reason);
    }
    throw err;
  }
}

/**
 * sha256 hex over the UTF-8 bytes of `canonicalJson(value)`.
 * @throws CanonicalJsonError
 */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/**
 * The canonical text of one string: for hot paths that write a fixed shape by hand
 * (chain.ts recordHash). Such a path must be pinned against canonicalJson by a test.
 * @throws CanonicalJsonError when `value` is not a string
 */
export function canonicalString(value: unknown, path = '$'): string {
  if (typeof value !== 'string') throw new CanonicalJsonError(path, `expected a string, got ${kindOf(value)}`);
  return JSON.stringify(value);
}

/**
 * The canonical text of one safe integer (-0 as 0); see canonicalString.
 * @throws CanonicalJsonError when `value` is not a safe integer
 */
export function canonicalInteger(value: unknown, path = '$'): string {
  if (typeof value !== 'number') throw new CanonicalJsonError(path, `expected an integer, got ${kindOf(value)}`);
  try {
    return integer(value);
  } catch (err) {
    if (err instanceof PathlessError) throw new CanonicalJsonError(path, err.reason);
    throw err;
  }
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new PathlessError(describeNumber(value));
  return String(value); // String(-0) is '0': the normalisation of rule 2
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return integer(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw new PathlessError(`nesting deeper than ${MAX_DEPTH} (or a cycle)`);
      if (Array.isArray(value)) return writeArray(value, depth + 1);
      return writeObject(value, depth + 1);
    case 'bigint':
      throw new PathlessError('bigint is not accepted (convert to a decimal string)');
    case 'undefined':
      throw new PathlessError('undefined is only accepted as an object property value');
    default:
      throw new PathlessError(`${typeof value} is not accepted`);
  }
}

function writeArray(array: readonly unknown[], depth: number): string {
  let out = '[';
  let i = 0;
  try {
    for (; i < array.length; i++) {
      if (i > 0) out += ',';
      // A hole reads as undefined and is rejected there, like an explicit undefined.
      out += write(array[i], depth);
    }
  } catch (err) {
    if (err instanceof PathlessError) err.segments.push(`[${i}]`);
    throw err;
  }
  return out + ']';
}

function writeObject(object: object, depth: number): string {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) throw new PathlessError(`${describeObject(object)} is not a plain object`);
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  let key = '';
  try {
    for (key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      if (!first) out += ',';
      first = false;
      out += JSON.stringify(key) + ':' + write(item, depth);
    }
  } catch (err) {
    if (err instanceof PathlessError) err.segments.push(IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
    throw err;
  }
  return out + '}';
}

function describeNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN is not accepted';
  if (!Number.isFinite(value)) return 'Infinity is not accepted';
  if (Number.isInteger(value)) return 'integer beyond ±(2^53 − 1) is not accepted (convert to a decimal string)';
  return 'non-integer number is not accepted';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return describeObject(value);
  return typeof value;
}

function describeObject(object: object): string {
  if (object instanceof Uint8Array) return 'binary (Buffer/Uint8Array; convert to base64 explicitly)';
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
