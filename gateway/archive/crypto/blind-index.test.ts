import { randomBytes } from 'node:crypto';
import { BLIND_INDEX_PURPOSES, BlindIndexer, blindIndex, timeBucket, type BlindIndexPurpose } from './blind-index';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

describe('blindIndex', () => {
  // Computed independently (python: RFC 5869 HKDF + hmac) from the construction in the module header.
  it.each([
    ['account', 'oX9aBcDeFgH_openid', '63686f97184b7f5234481cba74917254df929466c063a851b2be33f45dd37d4f'],
    ['keyword', '基金', '757bced9d3f216079bbef7b704473e6abcbb2253de8b162ab412e152ccd42c54'],
    ['time-bucket', '2026-11-23', 'a3766fa106a04961cae95a254a94396a39ff7a3a01d0991f341f6f2ddd7262e1'],
  ] as Array<[BlindIndexPurpose, string, string]>)('matches the pinned vector for %s %s', (purpose, value, expected) => {
    expect(blindIndex(KEY, purpose, value)).toBe(expected);
  });

  it('is deterministic: 64 lower-case hex characters, the same every time', () => {
    const a = blindIndex(KEY, 'subject', 'wmExternalUserId01');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(blindIndex(Buffer.from(KEY), 'subject', 'wmExternalUserId01')).toBe(a);
    expect(new BlindIndexer(KEY).index('subject', 'wmExternalUserId01')).toBe(a);
  });

  it('separates purposes: one value gives a different index in every column', () => {
    const indexes = BLIND_INDEX_PURPOSES.map((purpose) => blindIndex(KEY, purpose, 'same-value'));
    expect(new Set(indexes).size).toBe(BLIND_INDEX_PURPOSES.length);
  });

  it('separates keys: another index key gives another index', () => {
    expect(blindIndex(randomBytes(32), 'account', 'openid-1')).not.toBe(blindIndex(KEY, 'account', 'openid-1'));
  });

  it('distinguishes values that differ only in the last byte, in length, or in Unicode form', () => {
    const values = ['openid-1', 'openid-2', 'openid-1 ', 'openid-', '', 'caf\u00e9', 'cafe\u0301'];
    expect(new Set(values.map((v) => blindIndex(KEY, 'customer', v))).size).toBe(values.length);
  });

  it('rejects a lone surrogate instead of letting it collide with U+FFFD', () => {
    expect(() => blindIndex(KEY, 'keyword', 'a\ud800')).toThrow(RangeError);
    expect(() => blindIndex(KEY, 'keyword', 'a\uFFFD')).not.toThrow();
  });

  it('rejects an unknown purpose and a short key', () => {
    expect(() => blindIndex(KEY, 'email' as BlindIndexPurpose, 'x')).toThrow(/purpose/);
    expect(() => blindIndex(KEY.subarray(0, 16), 'account', 'x')).toThrow(/32 bytes/);
  });
});

describe('timeBucket', () => {
  const at = Date.UTC(2026, 10, 23, 14, 30, 0, 0); // 2026-11-23T14:30:00Z

  it('formats day and hour buckets in UTC', () => {
    expect(timeBucket(at, 'day')).toBe('2026-11-23');
    expect(timeBucket(at, 'hour')).toBe('2026-11-23T14');
  });

  it('puts the last millisecond of a day and the first of the next in different buckets', () => {
    const midnight = Date.UTC(2026, 10, 24);
    expect(timeBucket(midnight - 1, 'day')).toBe('2026-11-23');
    expect(timeBucket(midnight - 1, 'hour')).toBe('2026-11-23T23');
    expect(timeBucket(midnight, 'day')).toBe('2026-11-24');
    expect(timeBucket(midnight, 'hour')).toBe('2026-11-24T00');
  });

  it('handles the epoch and instants before it', () => {
    expect(timeBucket(0, 'hour')).toBe('1970-01-01T00');
    expect(timeBucket(-1, 'day')).toBe('1969-12-31');
  });

  it.each([NaN, Infinity, 1.5, 8.64e15 + 1, Date.UTC(10000, 0, 1)])('rejects %p', (epochMs) => {
    expect(() => timeBucket(epochMs, 'day')).toThrow(RangeError);
  });

  it('rejects an unknown granularity', () => {
    expect(() => timeBucket(at, 'minute' as 'day')).toThrow(/granularity/);
  });
});
