import { randomBytes } from 'node:crypto';
import { EnvelopeError, IV_LENGTH, TAG_LENGTH, openRecord, recordAad, rewrap, sealRecord, type SealedRecord } from './envelope';
import { MemoryKeyStore } from './memory-key-store';

const PLAINTEXT = Buffer.from('{"msgType":"text","content":"客户 13800138000 asks about fund X"}', 'utf8');
const AAD = recordAad('rec-000123', 'message.text');

function flip(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index]! ^= 0x01;
  return copy;
}

describe('sealRecord / openRecord', () => {
  it('opens what it sealed, labelled with the active KEK', () => {
    const keys = new MemoryKeyStore();
    const sealed = sealRecord(keys, PLAINTEXT, AAD);
    expect(sealed.keyId).toBe(keys.activeKek().keyId);
    expect(sealed.iv).toHaveLength(IV_LENGTH);
    expect(sealed.ciphertext).toHaveLength(PLAINTEXT.length + TAG_LENGTH);
    expect(sealed.ciphertext.includes(PLAINTEXT.subarray(0, 12))).toBe(false);
    expect(openRecord(keys, sealed, AAD)).toEqual(PLAINTEXT);
  });

  it('seals an empty body', () => {
    const keys = new MemoryKeyStore();
    expect(openRecord(keys, sealRecord(keys, Buffer.alloc(0), AAD), AAD)).toEqual(Buffer.alloc(0));
  });

  it('uses a fresh data key and IV for every record', () => {
    const keys = new MemoryKeyStore();
    const a = sealRecord(keys, PLAINTEXT, AAD);
    const b = sealRecord(keys, PLAINTEXT, AAD);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  describe('fails on tampering with any field', () => {
    const keys = new MemoryKeyStore();
    const sealed = sealRecord(keys, PLAINTEXT, AAD);
    const tampered: Array<[string, SealedRecord]> = [
      ['a wrapped-key byte', { ...sealed, wrappedKey: flip(sealed.wrappedKey, 13) }],
      ['an IV byte', { ...sealed, iv: flip(sealed.iv, 5) }],
      ['a ciphertext byte', { ...sealed, ciphertext: flip(sealed.ciphertext, 3) }],
      ['a tag byte', { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) }],
      ['a wrapped key from another record', { ...sealed, wrappedKey: sealRecord(keys, PLAINTEXT, AAD).wrappedKey }],
    ];
    it.each(tampered)('rejects %s with auth-failed', (_what, record) => {
      expect(() => openRecord(keys, record, AAD)).toThrow(expect.objectContaining({ name: 'EnvelopeError', code: 'auth-failed' }));
    });

    it('rejects the ciphertext under another row\'s metadata (AAD)', () => {
      expect(() => openRecord(keys, sealed, recordAad('rec-000124', 'message.text'))).toThrow(expect.objectContaining({ code: 'auth-failed' }));
      expect(() => openRecord(keys, sealed, recordAad('rec-000123', 'message.image'))).toThrow(expect.objectContaining({ code: 'auth-failed' }));
    });

    it('rejects a key id changed to another known KEK with auth-failed', () => {
      const rotated = new MemoryKeyStore();
      const record = sealRecord(rotated, PLAINTEXT, AAD);
      const otherId = rotated.rotate().keyId;
      expect(() => openRecord(rotated, { ...record, keyId: otherId }, AAD)).toThrow(expect.objectContaining({ code: 'auth-failed' }));
    });

    it('reports a key id not in the store as unknown-key (an operational problem, not tampering)', () => {
      expect(() => openRecord(keys, { ...sealed, keyId: 'kek-5-0badc0de' }, AAD)).toThrow(
        expect.objectContaining({ name: 'KeyStoreError', code: 'unknown-key', keyId: 'kek-5-0badc0de' }),
      );
    });

    it('rejects a truncated ciphertext or a wrong-length IV as malformed', () => {
      expect(() => openRecord(keys, { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 15) }, AAD)).toThrow(expect.objectContaining({ code: 'malformed' }));
      expect(() => openRecord(keys, { ...sealed, iv: Buffer.concat([sealed.iv, Buffer.alloc(4)]) }, AAD)).toThrow(expect.objectContaining({ code: 'malformed' }));
    });

    it('puts no plaintext in the error', () => {
      let error: unknown;
      try {
        openRecord(keys, { ...sealed, ciphertext: flip(sealed.ciphertext, 0) }, AAD);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(EnvelopeError);
      expect(String((error as Error).stack)).not.toMatch(/13800138000|fund X/);
    });
  });
});

describe('KEK rotation', () => {
  it('opens records sealed before a rotation; seals new ones under the new key id', () => {
    const keys = new MemoryKeyStore();
    const before = sealRecord(keys, PLAINTEXT, AAD);
    const { keyId: newKeyId } = keys.rotate();
    const after = sealRecord(keys, PLAINTEXT, AAD);
    expect(after.keyId).toBe(newKeyId);
    expect(before.keyId).not.toBe(newKeyId);
    expect(openRecord(keys, before, AAD)).toEqual(PLAINTEXT);
    expect(openRecord(keys, after, AAD)).toEqual(PLAINTEXT);
  });

  it('rewrap moves the data key to the active KEK and leaves IV and ciphertext untouched', () => {
    const keys = new MemoryKeyStore();
    const sealed = sealRecord(keys, PLAINTEXT, AAD);
    const ivBefore = Buffer.from(sealed.iv);
    const ciphertextBefore = Buffer.from(sealed.ciphertext);
    const { keyId: newKeyId } = keys.rotate();
    const rewrapped = rewrap(keys, sealed);
    expect(rewrapped.keyId).toBe(newKeyId);
    expect(rewrapped.wrappedKey.equals(sealed.wrappedKey)).toBe(false);
    expect(rewrapped.iv).toEqual(ivBefore);
    expect(rewrapped.ciphertext).toEqual(ciphertextBefore);
    expect(openRecord(keys, rewrapped, AAD)).toEqual(PLAINTEXT);
  });

  it('rewrap refuses a record whose wrapped key was altered', () => {
    const keys = new MemoryKeyStore();
    const sealed = sealRecord(keys, PLAINTEXT, AAD);
    expect(() => rewrap(keys, { ...sealed, wrappedKey: flip(sealed.wrappedKey, 0) })).toThrow(expect.objectContaining({ code: 'auth-failed' }));
  });

  it('rewrap fails with unknown-key, naming it, when the old KEK is gone', () => {
    const sealed = sealRecord(new MemoryKeyStore(), PLAINTEXT, AAD);
    expect(() => rewrap(new MemoryKeyStore(), sealed)).toThrow(expect.objectContaining({ code: 'unknown-key', keyId: sealed.keyId }));
  });
});

describe('recordAad', () => {
  it('keeps field boundaries: ("a","bc") and ("ab","c") differ', () => {
    expect(recordAad('a', 'bc').equals(recordAad('ab', 'c'))).toBe(false);
  });

  it('is the canonical JSON of a versioned tuple', () => {
    expect(recordAad('rec-1', 'message.text').toString('utf8')).toBe('["cgw-record/v1","rec-1","message.text"]');
  });

  it('a record sealed for one row does not open for a row whose id and type merely concatenate the same', () => {
    const keys = new MemoryKeyStore();
    const sealed = sealRecord(keys, randomBytes(64), recordAad('a', 'bc'));
    expect(() => openRecord(keys, sealed, recordAad('ab', 'c'))).toThrow(EnvelopeError);
  });
});
