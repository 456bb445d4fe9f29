/**
 * Gateway message ids: safe integers (SDKs parse msgid as a number),
 * time-ordered, and never repeated by one process: milliseconds since 2024 in
 * the high bits and 12 bits below, started at a random point each
 * millisecond so replicas rarely meet, and counted up within the process so
 * it never meets itself (a busy second has many sends in one millisecond;
 * 12 random bits alone collided a few times in 10,000). A collision across
 * replicas is caught by the submission's dedupe key and retried with a new
 * id (submit-outbound.ts), never answered as a duplicate.
 */
import { randomInt } from 'node:crypto';

const EPOCH_MS = Date.UTC(2024, 0, 1);

/** A source of msgids: each call is greater than the previous one (stays under 2^53 until 2093). */
export type MsgIdSource = (nowMs: number) => number;

/** A new per-process msgid source. */
export function createMsgIdSource(random: (max: number) => number = randomInt): MsgIdSource {
  let last = 0;
  return (nowMs) => {
    const id = Math.max((nowMs - EPOCH_MS) * 4096 + random(4096), last + 1);
    last = id;
    return id;
  };
}
