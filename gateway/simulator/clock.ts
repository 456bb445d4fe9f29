/**
 * Time source for the simulator. Tencent's rules (token lifetimes, overlaps,
 * daily quotas, CreateTime/timestamp values) all hang off "now", so tests
 * inject a manual clock and advance it instead of sleeping.
 */

/** Milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; starts at `startMs` (default 2025-01-06T02:00:00Z, a Monday 10:00 in Beijing). */
export function createManualClock(startMs = Date.UTC(2025, 0, 6, 2, 0, 0)): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a clock only moves forward');
      current += ms;
    },
    set(epochMs) {
      current = epochMs;
    },
  };
}

/** Unix seconds, as Tencent puts them in CreateTime and the `timestamp` query parameter. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** Tencent's daily quotas reset at midnight Beijing time (UTC+8); this numbers those days. */
export function beijingDay(epochMs: number): number {
  return Math.floor((epochMs + BEIJING_OFFSET_MS) / 86_400_000);
}
