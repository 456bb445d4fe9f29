import { WRAPPED_KEY_LENGTH, unwrapKey, wrapKey } from './key-wrap';

// RFC 3394 §4.6: wrap 256 bits of key data with a 256-bit KEK.
const KEK = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const KEY_DATA = Buffer.from('00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f', 'hex');
const WRAPPED = '28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21';

describe('AES-256 key wrap', () => {
  it('matches the RFC 3394 §4.6 test vector', () => {
    const wrapped = wrapKey(KEK, KEY_DATA);
    expect(wrapped.toString('hex')).toBe(WRAPPED);
    expect(wrapped).toHaveLength(WRAPPED_KEY_LENGTH);
  });

  it('unwraps the RFC 3394 §4.6 test vector', () => {
    expect(unwrapKey(KEK, Buffer.from(WRAPPED, 'hex'))).toEqual(KEY_DATA);
  });

  it('returns null when any byte of the wrapped key is altered', () => {
    for (let i = 0; i < WRAPPED_KEY_LENGTH; i++) {
      const altered = Buffer.from(WRAPPED, 'hex');
      altered[i]! ^= 0x01;
      expect(unwrapKey(KEK, altered)).toBeNull();
    }
  });

  it('returns null under a different KEK', () => {
    const other = Buffer.from(KEK);
    other[31]! ^= 0x80;
    expect(unwrapKey(other, Buffer.from(WRAPPED, 'hex'))).toBeNull();
  });

  it('returns null for truncated or misaligned input', () => {
    const wrapped = Buffer.from(WRAPPED, 'hex');
    expect(unwrapKey(KEK, wrapped.subarray(0, 32))).toBeNull();
    expect(unwrapKey(KEK, wrapped.subarray(0, 39))).toBeNull();
    expect(unwrapKey(KEK, Buffer.alloc(0))).toBeNull();
  });
});
