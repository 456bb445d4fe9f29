/** Read a request body with a hard size limit before anything parses it. */
import getRawBody from 'raw-body';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors';

/** The body as UTF-8 text. @throws GatewayError 413 when over `limit`, 400 when the stream breaks. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  try {
    return await getRawBody(req, { limit, encoding: 'utf8' });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') throw new GatewayError('oversized', 413, `body larger than ${limit} bytes`);
    throw new GatewayError('bad-body', 400, 'request body could not be read');
  }
}
