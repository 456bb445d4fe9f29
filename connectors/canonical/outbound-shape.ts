/**
 * Helpers every outbound classifier shares: a typed refusal with Tencent's
 * errcode, the texts of a body by JSON Pointer, and the content hash that
 * says "the same content" whoever it is sent to.
 */
import { canonicalHash, CanonicalJsonError } from './json';
import type { OutboundText } from './outbound-message';

/** A request the classifier refuses, with the errcode Tencent would answer. Never carries message text. */
export class OutboundShapeError extends Error {
  constructor(readonly errcode: number, readonly detail: string) {
    super(detail);
    this.name = 'OutboundShapeError';
  }
}

// Keys whose string values are words a person reads (not ids, URLs or media references).
const TEXT_KEYS = new Set(['content', 'title', 'description', 'digest', 'desc', 'head_content', 'tail_content', 'value', 'text', 'author', 'quote_text', 'sub_title_text', 'keyname', 'remark']);
const MAX_TEXTS = 10_000;

/** Escape one JSON Pointer reference token (RFC 6901). */
export function pointerToken(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Every human-readable string under `value`, with its JSON Pointer from the body root. */
export function collectTexts(value: unknown, basePath: string, out: OutboundText[] = [], depth = 0): OutboundText[] {
  if (depth > 16 || out.length >= MAX_TEXTS) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectTexts(v, `${basePath}/${i}`, out, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = `${basePath}/${pointerToken(k)}`;
      if (typeof v === 'string' && TEXT_KEYS.has(k)) out.push({ path, text: v });
      else if (typeof v === 'object') collectTexts(v, path, out, depth + 1);
    }
  }
  return out;
}

/**
 * sha256 of the canonical JSON of `body` without the fields naming recipients.
 * @throws OutboundShapeError 47001 when the body holds values canonical JSON refuses (floats, huge integers).
 */
export function contentHash(body: Record<string, unknown>, recipientKeys: readonly string[]): string {
  const content: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!recipientKeys.includes(k)) content[k] = v;
  try {
    return canonicalHash(content);
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw new OutboundShapeError(47001, 'data format error: numbers must be integers within ±2^53');
    throw err;
  }
}

/** The object under `key`, or a 47001 naming it. */
export function objectAt(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = body[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OutboundShapeError(47001, `data format error: "${key}" must be an object`);
  return v as Record<string, unknown>;
}

/** A non-empty string field, or the given errcode naming it. */
export function stringAt(obj: Record<string, unknown>, key: string, errcode = 47001, where = key): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') throw new OutboundShapeError(errcode, `data format error: "${where}" must be a non-empty string`);
  return v;
}
