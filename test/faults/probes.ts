/**
 * Watching a gateway under a fault from outside: wait for a condition, read
 * /readyz, and keep the gateway's own log lines to see what it noticed.
 */
import type { Logger } from 'pino';
import { createLogger } from '../../gateway/observability/logger';
import { httpExchange } from '../../gateway/simulator/http-exchange';

/** Poll until `condition` holds; fail naming `what` (and the last state from `explain`) after timeoutMs. Waits for events, measures nothing. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, options: { timeoutMs?: number; explain?: () => unknown } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const state = options.explain ? `; last state: ${JSON.stringify(await options.explain())}` : '';
      throw new Error(`timed out waiting for: ${what}${state}`);
    }
    await sleep(50);
  }
}

/** Resolve after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A gateway logger whose JSON lines are kept in memory, to check what the gateway noticed. */
export function capturedLogger(level = 'warn'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** GET /readyz: the status and the body's checks. */
export async function readiness(baseUrl: string): Promise<{ status: number; checks: { name: string; ok: boolean; detail?: string }[] }> {
  const res = await httpExchange({ method: 'GET', url: new URL('/readyz', baseUrl), timeoutMs: 5000 });
  return { status: res.status, checks: (JSON.parse(res.body) as { checks: { name: string; ok: boolean; detail?: string }[] }).checks };
}
