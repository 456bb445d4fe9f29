/**
 * Parsed JSON → the `raw` form of MsgauditEvent: NumberLiterals become their
 * source text (a string), so raw holds only values connectors/canonical/json.ts
 * accepts and loses no digit. A key named `__proto__` stays an own property.
 */
import type { MsgauditJsonObject, MsgauditJsonValue } from '../../../canonical/msgaudit-event';
import { NumberLiteral, type Parsed, type ParsedObject } from './json-text';

/** Convert one parsed value (see the module comment). */
export function toRaw(value: Parsed): MsgauditJsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof NumberLiteral) return value.source;
  if (Array.isArray(value)) return value.map(toRaw);
  return toRawObject(value);
}

/** Convert one parsed object. */
export function toRawObject(value: ParsedObject): MsgauditJsonObject {
  const out: MsgauditJsonObject = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, key, toRaw(item));
  return out;
}

/** `target[key] = value` without the `__proto__` setter. */
export function setOwn(target: MsgauditJsonObject, key: string, value: MsgauditJsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
