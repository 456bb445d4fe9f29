/** Read a request body with a hard size limit before anything parses it. */
import getRawBody from 'raw-body';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors';

/**
 * The body as bytes: decoding is the parser's job, which refuses invalid UTF-8
 * instead of archiving replacement characters. A declared Content-Length over
 * the limit is refused before any byte is read.
 * @throws GatewayError 413 when over `limit`, 400 when the stream breaks or is shorter than declared.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  try {
    return await getRawBody(req, { limit, ...(declared !== undefined ? { length: declared } : {}) });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') throw new GatewayError('oversized', 413, `body larger than ${limit} bytes`);
    throw new GatewayError('bad-body', 400, 'request body could not be read');
  }
}
