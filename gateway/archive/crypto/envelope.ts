/**
 * Envelope encryption of one archive record: a fresh 32-byte data key per
 * record, AES-256-GCM with a 12-byte random IV (safe: each data key encrypts
 * exactly once), the data key wrapped by the KeyStore's active KEK.
 *
 * The AAD binds the ciphertext to the row's metadata (record id, record type)
 * so a ciphertext cannot be moved to another row. It must NOT contain the KEK
 * key id: `rewrap` changes the key id without touching the ciphertext, and the
 * key id is already bound by the key wrap (a wrong KEK fails to unwrap).
 * Use `recordAad` to build it.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../../connectors/canonical/json';
import { KeyStoreError, type KeyStore } from './key-store';

const DATA_KEY_LENGTH = 32;
export const IV_LENGTH = 12;
export const TAG_LENGTH = 16;

/** One sealed record, as stored. `ciphertext` ends with the 16-byte GCM tag. */
export interface SealedRecord {
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
}

export type EnvelopeErrorCode =
  | 'auth-failed' // tag or wrapped key does not verify: altered, or opened with the wrong AAD
  | 'malformed'; // IV or ciphertext of impossible length

/** A record does not open. Never carries plaintext or key material. */
export class EnvelopeError extends Error {
  constructor(readonly code: EnvelopeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvelopeError';
  }
}

/** Unambiguous AAD for an archive row (canonical JSON, so 'a'+'bc' ≠ 'ab'+'c'). */
export function recordAad(recordId: string, recordType: string): Buffer {
  return Buffer.from(canonicalJson(['cgw-record/v1', recordId, recordType]), 'utf8');
}

/** Encrypt `plaintext` under a fresh data key, wrapped by the active KEK. */
export function sealRecord(keyStore: KeyStore, plaintext: Buffer, aad: Buffer): SealedRecord {
  // One draw for key and IV; the IV is copied out so the key's bytes can be wiped.
  const random = randomBytes(DATA_KEY_LENGTH + IV_LENGTH);
  const dek = random.subarray(0, DATA_KEY_LENGTH);
  try {
    const iv = Buffer.from(random.subarray(DATA_KEY_LENGTH));
    // A KeyObject: Node checks a raw Buffer key on every createCipheriv, which cost more than the encryption of a typical record.
    const cipher = createCipheriv('aes-256-gcm', createSecretKey(dek), iv, { authTagLength: TAG_LENGTH });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const { keyId, wrapped } = keyStore.wrap(dek);
    return { keyId, wrappedKey: wrapped, iv, ciphertext };
  } finally {
    random.fill(0); // keep plaintext keys out of heap dumps as far as we can (the KeyObject's copy lives outside the JS heap until it is collected)
  }
}

/**
 * Decrypt a sealed record with the same AAD it was sealed with.
 * @throws EnvelopeError ('auth-failed' | 'malformed'); KeyStoreError('unknown-key') when its KEK is not in the store
 */
export function openRecord(keyStore: KeyStore, sealed: SealedRecord, aad: Buffer): Buffer {
  if (sealed.iv.length !== IV_LENGTH) throw new EnvelopeError('malformed', `IV must be ${IV_LENGTH} bytes`);
  if (sealed.ciphertext.length < TAG_LENGTH) throw new EnvelopeError('malformed', 'ciphertext is shorter than its tag');
  const dek = unwrapDataKey(keyStore, sealed);
  try {
    const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_LENGTH);
    const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', dek, sealed.iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(body);
    try {
      decipher.final();
    } catch {
      plaintext.fill(0); // unauthenticated plaintext must not escape
      throw new EnvelopeError('auth-failed', 'record does not authenticate (altered, or opened with the wrong record metadata)');
    }
    return plaintext;
  } finally {
    dek.fill(0);
  }
}

/**
 * Re-wrap the record's data key under the active KEK (e.g. to retire an old KEK);
 * IV and ciphertext are returned unchanged (same buffers).
 * Caution: chain.ts recordHash covers keyId and wrappedKey, so rewrapping an already
 * chained row changes its hash; the chain's rules for that are not decided yet.
 * @throws EnvelopeError('auth-failed'); KeyStoreError('unknown-key')
 */
export function rewrap(keyStore: KeyStore, sealed: SealedRecord): SealedRecord {
  const dek = unwrapDataKey(keyStore, sealed);
  try {
    const { keyId, wrapped } = keyStore.wrap(dek);
    return { keyId, wrappedKey: wrapped, iv: sealed.iv, ciphertext: sealed.ciphertext };
  } finally {
    dek.fill(0);
  }
}

/** A wrapped key that fails its integrity check is tampering, reported like a bad tag; a missing KEK is an operational error and passes through. */
function unwrapDataKey(keyStore: KeyStore, sealed: SealedRecord): Buffer {
  try {
    return keyStore.unwrap(sealed.keyId, sealed.wrappedKey);
  } catch (err) {
    if (err instanceof KeyStoreError && err.code === 'unwrap-failed') {
      throw new EnvelopeError('auth-failed', `record's data key does not verify under ${sealed.keyId}`, { cause: err });
    }
    throw err;
  }
}
