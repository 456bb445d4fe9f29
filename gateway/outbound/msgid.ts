/** Gateway message ids: safe integers (SDKs parse msgid as a number), time-ordered, unique across replicas with overwhelming probability and guarded by the primary key. */
import { randomInt } from 'node:crypto';

const EPOCH_MS = Date.UTC(2024, 0, 1);

/** A new msgid: milliseconds since 2024 in the high bits, 12 random bits below (stays under 2^53 until 2093). */
export function nextMsgId(nowMs: number): number {
  return (nowMs - EPOCH_MS) * 4096 + randomInt(4096);
}
