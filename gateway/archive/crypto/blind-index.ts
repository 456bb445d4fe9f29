/**
 * Blind indexes: keyed hashes that let the database find and deduplicate
 * records by openid, external_userid, customer id, keyword, time bucket or
 * dedupe key without ever holding those values in clear (invariant 3).
 *
 *   subkey(purpose) = HKDF-SHA256(ikm = index key, salt = none, info = "cgw-blind-index/v1/" + purpose, 32 bytes)
 *   index           = hex HMAC-SHA256(subkey, u32be(len(purpose)) | purpose | u32be(len(value)) | value)
 *
 * (lengths in UTF-8 bytes). Purposes are separated twice: by subkey, so an
 * index from one column never matches another column, and by the
 * length-prefixed input, so no two (purpose, value) pairs share bytes
 * ('a'|'bc' ≠ 'ab'|'c'). The full 64 hex characters are kept: these are
 * unique-index columns, where a truncation collision would drop a message.
 *
 * Values are hashed exactly as given; normalising (case, Unicode form,
 * trimming keywords) is the caller's decision. Strings that are not
 * well-formed UTF-16 are rejected, because UTF-8 would encode every lone
 * surrogate as U+FFFD and make different values collide.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

export const BLIND_INDEX_PURPOSES = ['account', 'subject', 'time-bucket', 'dedupe', 'customer', 'keyword'] as const;
export type BlindIndexPurpose = (typeof BLIND_INDEX_PURPOSES)[number];

/** Computes blind indexes under one index key; subkeys are derived once, at construction. */
export class BlindIndexer {
  private readonly subkeys = new Map<BlindIndexPurpose, { key: KeyObject; header: Buffer }>();

  /** @throws RangeError when the index key is shorter than 32 bytes */
  constructor(indexKey: Buffer) {
    if (indexKey.length < 32) throw new RangeError('the index key must be at least 32 bytes');
    for (const purpose of BLIND_INDEX_PURPOSES) {
      // A KeyObject, made once: building one from bytes on every HMAC costs more than the HMAC.
      const key = createSecretKey(Buffer.from(hkdfSync('sha256', indexKey, Buffer.alloc(0), `cgw-blind-index/v1/${purpose}`, 32)));
      const name = Buffer.from(purpose, 'utf8');
      const header = Buffer.alloc(4 + name.length);
      header.writeUInt32BE(name.length, 0);
      name.copy(header, 4);
      this.subkeys.set(purpose, { key, header });
    }
  }

  /** Hex HMAC-SHA256 blind index of `value` for `purpose`. @throws RangeError on an unknown purpose or ill-formed string */
  index(purpose: BlindIndexPurpose, value: string): string {
    const subkey = this.subkeys.get(purpose);
    if (!subkey) throw new RangeError('unknown blind-index purpose');
    if (!isWellFormed(value)) throw new RangeError(`value for blind index "${purpose}" is not well-formed Unicode (lone surrogate)`);
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(Buffer.byteLength(value, 'utf8'), 0);
    return createHmac('sha256', subkey.key).update(subkey.header).update(length).update(value, 'utf8').digest('hex');
  }
}

// Keyed by the key Buffer's identity, so a process keeps one indexer per index key without the caller holding it.
const indexers = new WeakMap<Buffer, BlindIndexer>();

/**
 * Hex HMAC-SHA256 blind index (64 chars) of `value` for `purpose` under `indexKey`. Caches the
 * derived subkeys per key Buffer, so pass the same Buffer (KeyStore.indexKey()) and do not mutate it.
 * @throws RangeError on a short key, an unknown purpose or an ill-formed string
 */
export function blindIndex(indexKey: Buffer, purpose: BlindIndexPurpose, value: string): string {
  let indexer = indexers.get(indexKey);
  if (!indexer) {
    indexer = new BlindIndexer(indexKey);
    indexers.set(indexKey, indexer);
  }
  return indexer.index(purpose, value);
}

/**
 * The UTC bucket an instant falls in: 'day' → '2026-11-23', 'hour' → '2026-11-23T14'.
 * @throws RangeError when `epochMs` is not an integer within years 0000–9999
 */
export function timeBucket(epochMs: number, granularity: 'day' | 'hour'): string {
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  if (!Number.isSafeInteger(epochMs) || !(year >= 0 && year <= 9999)) throw new RangeError('epochMs must be an integer instant in years 0000–9999');
  const iso = date.toISOString(); // 'YYYY-MM-DDTHH:mm:ss.sssZ' for these years
  if (granularity === 'day') return iso.slice(0, 10);
  if (granularity === 'hour') return iso.slice(0, 13);
  throw new RangeError('granularity must be day or hour');
}

// String.prototype.isWellFormed is ES2024 (Node ≥ 20); the project's TypeScript lib is ES2023.
function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}
