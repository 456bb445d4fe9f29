/**
 * Reading Tencent-style requests: query parameters and JSON bodies. Both
 * products answer bad bodies with an errcode rather than an HTTP error, so
 * the reader reports why a body is unusable instead of throwing.
 */
import type Koa from 'koa';
import getRawBody from 'raw-body';

/** A mass send to 10,000 openids is ~350 KB; nothing legitimate comes close to this. */
export const MAX_JSON_BYTES = 2 * 1024 * 1024;

export type JsonBody = { ok: true; body: Record<string, unknown> } | { ok: false; reason: 'empty' | 'malformed' | 'too-large' };

/** Read the request body as one JSON object. */
export async function readJsonBody(ctx: Koa.Context): Promise<JsonBody> {
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: MAX_JSON_BYTES, encoding: 'utf8' });
  } catch (err) {
    return { ok: false, reason: (err as { type?: string }).type === 'entity.too.large' ? 'too-large' : 'malformed' };
  }
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? { ok: true, body: parsed } : { ok: false, reason: 'malformed' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** The first value of query parameter `name`. */
export function queryParam(ctx: Koa.Context, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** UTF-8 length: Tencent's text limits are in bytes, so one Chinese character counts 3. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A non-empty string field of `object`, or undefined. */
export function nonEmptyString(object: Record<string, unknown>, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
