/** Small helpers shared by the queue test files (no jest globals here). */
import type { QueueLogger } from './job-queue';

/** A promise with its resolve exposed: lets a test hold a handler open. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Poll until `condition` holds; fail with `what` after timeoutMs (generous: this waits for events, it measures nothing). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface LogEntry {
  level: 'info' | 'warn';
  message: string;
  details: Record<string, unknown>;
}

/** A QueueLogger that records every call. */
export function captureLogger(entries: LogEntry[]): QueueLogger {
  return {
    info: (details, message) => entries.push({ level: 'info', message, details }),
    warn: (details, message) => entries.push({ level: 'warn', message, details }),
  };
}
