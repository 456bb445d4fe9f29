/**
 * AES-256 Key Wrap (RFC 3394, NIST SP 800-38F "KW"): how a KEK wraps a data key.
 *
 * Why KW and not AES-256-GCM: a data key is wrapped per archive record, and
 * GCM with random 96-bit IVs must stay below 2^32 encryptions per key (NIST
 * SP 800-38D §8.3); at a bank's message volume one KEK version would reach
 * that within its lifetime. KW is deterministic and needs no IV, so it has no
 * such limit for wrapping uniformly random keys, and it is authenticated: a
 * wrong KEK (e.g. a swapped key id) or a changed byte fails the integrity
 * check. Its determinism only reveals that two wrapped keys are equal, and
 * data keys are never reused.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';

/** RFC 3394 default initial value. */
const KW_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/** Bytes a wrapped 32-byte data key takes (key + one 8-byte integrity block). */
export const WRAPPED_KEY_LENGTH = 40;

// A KEK is used for every record: turning its bytes into a KeyObject on each call costs more than the wrap itself.
const kekObjects = new WeakMap<Buffer, KeyObject>();
function kekObject(kek: Buffer): KeyObject {
  let object = kekObjects.get(kek);
  if (!object) {
    object = createSecretKey(kek);
    kekObjects.set(kek, object);
  }
  return object;
}

/** Wrap `key` (a multiple of 8 bytes, at least 16) under the 32-byte `kek`. */
export function wrapKey(kek: Buffer, key: Buffer): Buffer {
  const cipher = createCipheriv('id-aes256-wrap', kekObject(kek), KW_IV);
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

/**
 * Unwrap a key wrapped by `wrapKey`; null when the integrity check fails (wrong KEK or altered bytes).
 * Returning null rather than OpenSSL's error keeps its wording out of callers' messages.
 */
export function unwrapKey(kek: Buffer, wrapped: Buffer): Buffer | null {
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) return null;
  try {
    const decipher = createDecipheriv('id-aes256-wrap', kekObject(kek), KW_IV);
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch {
    return null;
  }
}
