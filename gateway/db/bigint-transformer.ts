/**
 * bigint columns (epoch-millisecond timestamps, chain sequence numbers) as JS
 * numbers. node-postgres and tedious return int8/bigint as strings because
 * they may exceed 2^53; our values never should, and if one does we would
 * rather fail loudly than round a chain sequence number silently.
 */
import type { ValueTransformer } from 'typeorm';

/** Parses a bigint read from any driver into a safe integer; null stays null. */
export function bigintFromDatabase(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`bigint column value ${String(value)} is not a safe integer`);
  }
  return parsed;
}

/** Passes a value to the driver, refusing a number that has already lost precision. */
export function bigintToDatabase(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`bigint column value ${value} is not a safe integer`);
  }
  return value;
}

/** Column transformer for every bigint column: numbers in, numbers out. */
export const bigintTransformer: ValueTransformer = {
  to: bigintToDatabase,
  from: bigintFromDatabase,
};
