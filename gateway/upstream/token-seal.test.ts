import { MemoryKeyStore } from '../archive/crypto/memory-key-store';
import { EnvelopeError } from '../archive/crypto/envelope';
import { KeyStoreError } from '../archive/crypto/key-store';
import { openToken, sealToken } from './token-seal';

const TOKEN = '91_TokenValueThatMustNeverBeStoredInClear-abcdefghijklmnopqrstuvwxyz0123456789';
const binding = { tokenKey: 'oa:wx0123456789abcdef', expiresAt: 1_800_000_720_000, fetchedAt: 1_800_000_000_000 };

describe('sealToken / openToken', () => {
  const keyStore = new MemoryKeyStore();

  it('round-trips a token and keeps it out of every stored field', () => {
    const sealed = sealToken(keyStore, TOKEN, binding);
    for (const field of [sealed.ciphertext, sealed.wrappedKey, sealed.iv, Buffer.from(sealed.keyId)]) expect(field.includes(Buffer.from(TOKEN))).toBe(false);
    expect(openToken(keyStore, sealed, binding)).toBe(TOKEN);
  });

  it('refuses a sealed token moved to another key or given another expiry', () => {
    const sealed = sealToken(keyStore, TOKEN, binding);
    expect(() => openToken(keyStore, sealed, { ...binding, tokenKey: 'oa:wxffffffffffffffff' })).toThrow(EnvelopeError);
    expect(() => openToken(keyStore, sealed, { ...binding, expiresAt: binding.expiresAt + 3_600_000 })).toThrow(EnvelopeError);
  });

  it('still opens after the KEK is rotated, and not with another key store', () => {
    const sealed = sealToken(keyStore, TOKEN, binding);
    keyStore.rotate();
    expect(openToken(keyStore, sealed, binding)).toBe(TOKEN);
    expect(() => openToken(new MemoryKeyStore(), sealed, binding)).toThrow(KeyStoreError);
  });
});
