/** Reads an admin request's JSON body: media type, size limit, strict UTF-8, then JSON.parse. */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { AdminError } from './admin-error';

/**
 * The parsed body, or undefined when the request has none.
 * @throws AdminError unsupported_media_type, payload_too_large, invalid_json
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (declared === undefined || declared === '0')) return undefined;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new AdminError('unsupported_media_type', 'send the body as application/json');
  let raw: Buffer;
  try {
    raw = await getRawBody(req, { limit, ...(declared !== undefined ? { length: declared } : {}) });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw new AdminError('payload_too_large', `the body is larger than ${limit} bytes`);
    throw new AdminError('invalid_json', 'the request body could not be read');
  }
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new AdminError('invalid_json', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input: not shown.
    throw new AdminError('invalid_json', 'the body is not valid JSON');
  }
}
