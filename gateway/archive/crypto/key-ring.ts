/**
 * The in-memory half every KeyStore shares: KEK versions, the active one, the
 * index key, wrap/unwrap and rotation. Back ends differ only in where the
 * material is persisted (`persist`) and whether it can be re-read (`refresh`).
 */
import { randomBytes } from 'node:crypto';
import { KeyStoreError, type ActiveKek, type KekInfo, type KeyStore, type WrappedDataKey } from './key-store';
import { unwrapKey, wrapKey } from './key-wrap';

/** Every key is 32 random bytes (AES-256 KEKs, HMAC-SHA256 index key). */
export const KEY_LENGTH = 32;

export interface Kek {
  keyId: string;
  createdAt: number;
  key: Buffer;
}

/** Everything a key store holds. Treated as immutable: rotation builds a new one. */
export interface KeyMaterial {
  activeKeyId: string;
  keks: readonly Kek[];
  indexKey: Buffer;
}

/**
 * Ids are `kek-<version>-<8 random hex>`: the version orders them for people, the random
 * part keeps a store initialised afresh from reusing an id that older records already carry,
 * so a wrong key file is reported as an unknown key rather than as tampering.
 */
function newKek(version: number, now: number): Kek {
  return { keyId: `kek-${version}-${randomBytes(4).toString('hex')}`, createdAt: now, key: randomBytes(KEY_LENGTH) };
}

/** Fresh material: one KEK and an index key. */
export function newKeyMaterial(now: number): KeyMaterial {
  const kek = newKek(1, now);
  return { activeKeyId: kek.keyId, keks: [kek], indexKey: randomBytes(KEY_LENGTH) };
}

/** `material` plus a new active KEK version. */
export function withNewKek(material: KeyMaterial, now: number): KeyMaterial {
  const kek = newKek(material.keks.length + 1, now);
  return { ...material, activeKeyId: kek.keyId, keks: [...material.keks, kek] };
}

export abstract class KeyRingStore implements KeyStore {
  private material: KeyMaterial;
  private byId = new Map<string, Kek>();

  protected constructor(material: KeyMaterial, private readonly now: () => number) {
    this.material = material;
    this.index(material);
  }

  /** Save `next` durably before it takes effect; throw to abort the rotation. */
  protected abstract persist(next: KeyMaterial): void;

  /** Re-read the back end after a miss (another process may have rotated); true when anything changed. */
  protected refresh(): boolean {
    return false;
  }

  /** The current material, for back ends that persist or compare it. */
  protected current(): KeyMaterial {
    return this.material;
  }

  /** Replace the material (after a successful refresh). */
  protected replace(next: KeyMaterial): void {
    this.index(next);
    this.material = next;
  }

  activeKek(): ActiveKek {
    return { keyId: this.material.activeKeyId };
  }

  wrap(dek: Buffer): WrappedDataKey {
    if (dek.length !== KEY_LENGTH) throw new RangeError(`a data key must be ${KEY_LENGTH} bytes`);
    const kek = this.byId.get(this.material.activeKeyId)!;
    return { keyId: kek.keyId, wrapped: wrapKey(kek.key, dek) };
  }

  unwrap(keyId: string, wrapped: Buffer): Buffer {
    const kek = this.byId.get(keyId) ?? (this.refresh() ? this.byId.get(keyId) : undefined);
    if (!kek) throw new KeyStoreError('unknown-key', `no key-encryption key ${keyId} in this key store (restore it from the key backup)`, keyId);
    const dek = unwrapKey(kek.key, wrapped);
    if (!dek) throw new KeyStoreError('unwrap-failed', `wrapped data key does not verify under ${keyId} (altered, or labelled with the wrong key id)`, keyId);
    return dek;
  }

  indexKey(): Buffer {
    return this.material.indexKey;
  }

  rotate(): ActiveKek {
    this.refresh(); // build on what another process may have rotated in
    const next = withNewKek(this.material, this.now());
    this.persist(next);
    this.replace(next);
    return { keyId: next.activeKeyId };
  }

  listKeys(): KekInfo[] {
    return this.material.keks.map((k) => ({ keyId: k.keyId, createdAt: k.createdAt, active: k.keyId === this.material.activeKeyId }));
  }

  private index(material: KeyMaterial): void {
    const byId = new Map<string, Kek>();
    for (const kek of material.keks) byId.set(kek.keyId, kek);
    if (!byId.has(material.activeKeyId)) throw new KeyStoreError('corrupt', `active key ${material.activeKeyId} is not among the key versions`);
    this.byId = byId;
  }
}
