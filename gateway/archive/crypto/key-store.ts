/**
 * Custody of the archive's keys: versioned key-encryption keys (KEKs) that
 * wrap per-record data keys, and the blind-index key. Implementations:
 * FileKeyStore (the embedded default and small installs), MemoryKeyStore
 * (tests); all pass key-store.contract.ts.
 *
 * The interface is synchronous on purpose: sealing runs inside the archive
 * transaction for every record. A back end behind a remote KMS/HSM loads (or
 * unwraps) its KEKs at start, asynchronously, and then serves from memory.
 */

/** The KEK new data keys are wrapped with. */
export interface ActiveKek {
  keyId: string;
}

/** A data key wrapped by the KEK named `keyId` (AES-256-KW, see key-wrap.ts). */
export interface WrappedDataKey {
  keyId: string;
  wrapped: Buffer;
}

/** Public facts about one KEK version; never the key itself. */
export interface KekInfo {
  keyId: string;
  /** Epoch ms. */
  createdAt: number;
  active: boolean;
}

export interface KeyStore {
  /** The KEK version used by `wrap`. */
  activeKek(): ActiveKek;
  /** Wrap a 32-byte data key with the active KEK. @throws RangeError when `dek` is not 32 bytes */
  wrap(dek: Buffer): WrappedDataKey;
  /** Unwrap with any known KEK version. @throws KeyStoreError ('unknown-key' naming the id, or 'unwrap-failed') */
  unwrap(keyId: string, wrapped: Buffer): Buffer;
  /** The blind-index key (32 bytes). Stable for the store's lifetime; `rotate` never changes it. Do not mutate. */
  indexKey(): Buffer;
  /** Make a new KEK version active; older versions stay available to `unwrap`. @throws KeyStoreError when it cannot be persisted */
  rotate(): ActiveKek;
  /** Every KEK version, oldest first. */
  listKeys(): KekInfo[];
}

export type KeyStoreErrorCode =
  | 'unknown-key' // no KEK with this id: restore it from backup before opening these records
  | 'unwrap-failed' // the wrapped key does not verify under that KEK: altered or mislabelled
  | 'not-found' // the key file does not exist
  | 'exists' // init refused to overwrite a key file
  | 'insecure-file' // the key file is accessible by group or others
  | 'corrupt' // the key file is not a valid key store
  | 'conflict'; // the key file on disk dropped a known key or changed the index key

/** Every failure of a key store. Messages name key ids and paths, never key material. */
export class KeyStoreError extends Error {
  constructor(
    readonly code: KeyStoreErrorCode,
    message: string,
    /** The KEK id concerned, for 'unknown-key' and 'unwrap-failed'. */
    readonly keyId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KeyStoreError';
  }
}
