/**
 * Randomness for fake Tencent identifiers. A seeded stream (SHA-256 in
 * counter mode) makes a demo or test run reproducible; the default draws from
 * the OS so ids never collide across runs.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A source of random values. */
export interface Rng {
  bytes(n: number): Buffer;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

class ByteSourceRng implements Rng {
  constructor(private readonly source: (n: number) => Buffer) {}

  bytes(n: number): Buffer {
    return this.source(n);
  }

  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > 2 ** 32) {
      throw new RangeError('maxExclusive must be an integer in [1, 2^32]');
    }
    // Rejection sampling keeps the distribution uniform for every bound.
    const limit = 2 ** 32 - (2 ** 32 % maxExclusive);
    for (;;) {
      const value = this.source(4).readUInt32BE(0);
      if (value < limit) return value % maxExclusive;
    }
  }

  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }
}

/** OS randomness. */
export const cryptoRng: Rng = new ByteSourceRng((n) => randomBytes(n));

/** A reproducible stream: the same seed yields the same values in the same order. */
export function seededRng(seed: string): Rng {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return new ByteSourceRng((n) => {
    while (pool.length < n) {
      const block = createHash('sha256').update(`${seed}\u0000${counter++}`).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return Buffer.from(out);
  });
}

const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64URL = `${ALNUM}-_`;

/** `length` characters drawn uniformly from `alphabet`. */
export function randomString(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  if (256 % alphabet.length === 0) {
    // One byte per character is unbiased when the alphabet size divides 256 (hex, base64url).
    for (const byte of rng.bytes(length)) out += alphabet[byte % alphabet.length];
    return out;
  }
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)];
  return out;
}

/** Lower-case hex. */
export const randomHex = (rng: Rng, length: number): string => randomString(rng, HEX, length);
/** Decimal digits, first one non-zero (Tencent's nonces and echostrs are numbers). */
export const randomDigits = (rng: Rng, length: number): string =>
  randomString(rng, DIGITS.slice(1), 1) + randomString(rng, DIGITS, length - 1);
/** [A-Za-z0-9]. */
export const randomAlnum = (rng: Rng, length: number): string => randomString(rng, ALNUM, length);
/** [A-Za-z0-9_-] (openids, media ids). */
export const randomBase64Url = (rng: Rng, length: number): string => randomString(rng, BASE64URL, length);

/**
 * A 64-bit message id as a decimal string. Tencent's MsgIds sit far above
 * 2^53 (e.g. 6054768590064713728), which is exactly what breaks code that
 * parses them as JS numbers; this keeps every generated id in [2^60, 2^63).
 */
export function randomMsgId(rng: Rng): string {
  const raw = rng.bytes(8).readBigUInt64BE(0);
  const span = 2n ** 63n - 2n ** 60n;
  return (2n ** 60n + (raw % span)).toString();
}
