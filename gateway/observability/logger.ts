/**
 * pino JSON logger. Code never passes bodies, secrets or identifiers to the
 * logger; the redaction list is the safety net for the field names that could
 * carry them if someone slips (tested by planting values in a flow).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names censored wherever they appear (two levels deep and in `err`). */
export const REDACTED_KEYS = [
  'appSecret', 'secret', 'token', 'encodingAESKey', 'aesKey', 'password', 'access_token', 'accessToken',
  'authorization', 'cookie', 'body', 'content', 'Content', 'xml', 'message', 'openid', 'fromUserName', 'FromUserName',
  'echostr', 'reply', 'plaintext', 'url', 'query', 'querystring',
];

const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** Create the process logger; pass a destination in tests to capture output. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'cgw' },
      redact: { paths, censor: '[redacted]' },
      serializers: { err: safeErr },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Errors are logged by type, code and id only: messages of third-party errors can embed request data. */
function safeErr(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const e = err as Error & { code?: unknown; errorId?: unknown; safeMessage?: unknown; expose?: boolean };
  return {
    type: e.name,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.errorId === 'string' ? { errorId: e.errorId } : {}),
    ...(typeof e.safeMessage === 'string' ? { msg: e.safeMessage } : {}),
    ...(e.expose ? { msg: e.message } : {}),
    stack: e.stack?.split('\n').slice(1, 6).join('\n'),
  };
}
