/**
 * A small declarative reader for payload objects: each rule maps one wire
 * field to its canonical camelCase name and says what form it must have.
 * Present fields of the wrong form are errors (`bad-field`, naming the wire
 * path); absent or null optional fields are simply left out (`raw` keeps
 * whatever was sent). Fields no rule names are not copied into `fields`.
 */
import type { MsgauditJsonObject, MsgauditJsonValue } from '../../../canonical/msgaudit-event';
import { MsgauditParseError } from './errors';
import { isParsedObject, NumberLiteral, type Parsed, type ParsedObject } from './json-text';
import { setOwn, toRaw } from './to-raw';

/**
 * Field forms:
 * - string: a JSON string.
 * - integer: a JSON integer (or a string of digits, as some SDK layers re-encode);
 *   a number when safe, else its decimal text.
 * - decimal: a JSON number (or numeric string), canonically its source text
 *   (coordinates: `116.586285899` stays exactly that).
 * - boolean: true/false.
 * - strings: an array of strings.
 * - any: any JSON, kept as raw.
 * - a rule list: an array of objects, each read with those rules.
 */
export type FieldKind = 'string' | 'integer' | 'decimal' | 'boolean' | 'strings' | 'any' | { items: readonly FieldRule[] };

export interface FieldRule {
  wire: string;
  name: string;
  kind: FieldKind;
  required?: boolean;
}

/** Rule constructors, so type tables read as one line per field. */
export const str = (wire: string, name = wire, required = false): FieldRule => ({ wire, name, kind: 'string', required });
export const int = (wire: string, name = wire, required = false): FieldRule => ({ wire, name, kind: 'integer', required });
export const dec = (wire: string, name = wire): FieldRule => ({ wire, name, kind: 'decimal' });
export const bool = (wire: string, name = wire): FieldRule => ({ wire, name, kind: 'boolean' });
export const strs = (wire: string, name = wire): FieldRule => ({ wire, name, kind: 'strings' });
export const list = (wire: string, name: string, items: readonly FieldRule[]): FieldRule => ({ wire, name, kind: { items } });

const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]*)$/;
const DECIMAL_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * Read `source` with `rules`; `path` prefixes error paths. A later rule with the
 * same canonical name only fills it when an earlier one did not (aliases).
 * @throws MsgauditParseError('missing-field' | 'bad-field')
 */
export function readFields(source: ParsedObject, rules: readonly FieldRule[], path: string): MsgauditJsonObject {
  const out: MsgauditJsonObject = {};
  for (const rule of rules) {
    const value = Object.hasOwn(source, rule.wire) ? source[rule.wire] : undefined;
    const where = path ? `${path}.${rule.wire}` : rule.wire;
    if (value === undefined || value === null) {
      if (rule.required) throw new MsgauditParseError('missing-field', 'message', `${where} is missing`, { path: where });
      continue;
    }
    if (Object.hasOwn(out, rule.name)) continue;
    setOwn(out, rule.name, readValue(value, rule.kind, where));
  }
  return out;
}

function readValue(value: Parsed, kind: FieldKind, where: string): MsgauditJsonValue {
  const bad = (what: string): never => {
    throw new MsgauditParseError('bad-field', 'message', `${where} is not ${what}`, { path: where });
  };
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : bad('a string');
    case 'integer': {
      if (typeof value === 'number') return value;
      const text = value instanceof NumberLiteral ? value.source : typeof value === 'string' ? value : '';
      if (!INTEGER_TEXT.test(text)) return bad('an integer');
      const number = Number(text);
      return Number.isSafeInteger(number) && text !== '-0' ? number : text;
    }
    case 'decimal': {
      const text = typeof value === 'number' ? String(value) : value instanceof NumberLiteral ? value.source : typeof value === 'string' ? value : '';
      return DECIMAL_TEXT.test(text) ? text : bad('a number');
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : bad('true or false');
    case 'strings':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return bad('an array of strings');
      return value as string[];
    case 'any':
      return toRaw(value);
    default:
      if (!Array.isArray(value)) return bad('an array');
      return value.map((item, i) => {
        if (!isParsedObject(item)) throw new MsgauditParseError('bad-field', 'message', `${where}[${i}] is not an object`, { path: `${where}[${i}]` });
        return readFields(item, kind.items, `${where}[${i}]`);
      });
  }
}

/**
 * The payload object `name` of `message`.
 * @throws MsgauditParseError('missing-field' | 'bad-field')
 */
export function payloadOf(message: ParsedObject, name: string, path = name): ParsedObject {
  const value = Object.hasOwn(message, name) ? message[name] : undefined;
  if (value === undefined || value === null) throw new MsgauditParseError('missing-field', 'message', `${path} is missing`, { path });
  if (!isParsedObject(value)) throw new MsgauditParseError('bad-field', 'message', `${path} is not an object`, { path });
  return value;
}
