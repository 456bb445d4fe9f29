/**
 * The gateway's one error type for Tencent-facing and internal paths. Carries a
 * stable code, an HTTP status and a safe message; 5xx never expose detail.
 * Mapped to the wire in http/error-middleware.ts.
 */
import { randomUUID } from 'node:crypto';
import type { CallbackError } from '../connectors/wechat/callback/errors';

export class GatewayError extends Error {
  readonly errorId = randomUUID();
  readonly expose: boolean;

  constructor(readonly code: string, readonly status: number, readonly safeMessage: string, cause?: unknown) {
    super(safeMessage, cause === undefined ? undefined : { cause });
    this.name = 'GatewayError';
    this.expose = status < 500;
  }

  /** A callback verification or parse failure: always 4xx. */
  static fromCallback(err: CallbackError): GatewayError {
    return new GatewayError(err.code, err.status, err.message, err);
  }
}
