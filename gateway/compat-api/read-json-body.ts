/** Read and parse a JSON request body for the compatible API, with Tencent's errcodes for what goes wrong. */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors';
import { readBody } from '../http/read-body';
import { CompatError } from './compat-error';

/**
 * A JSON object body, at most `limit` bytes.
 * @throws CompatError 44002 empty, 47001 oversized, not UTF-8, not JSON or not an object.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  let bytes: Buffer;
  try {
    bytes = await readBody(req, limit);
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'oversized') throw new CompatError(47001, `body larger than ${limit} bytes`);
    throw new CompatError(47001, 'request body could not be read');
  }
  if (bytes.length === 0) throw new CompatError(44002);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CompatError(47001, 'body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CompatError(47001, 'body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CompatError(47001, 'body must be a JSON object');
  return value as Record<string, unknown>;
}
