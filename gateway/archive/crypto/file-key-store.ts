/**
 * A KeyStore in one JSON file (the embedded default's data directory, or a
 * mounted secret). The file is written atomically with mode 0600 and refused
 * when group or others can access it. Format (v1):
 *   {"format":"cgw-key-store","v":1,"activeKeyId":"kek-2-…","indexKey":"<base64>",
 *    "keks":[{"keyId":"kek-1-…","createdAt":<epoch ms>,"key":"<base64>"},…]}
 *
 * Several processes may share the file; one writer at a time (rotation is an
 * operator command). A process that meets an unknown key id re-reads the file
 * once, so records sealed by a replica that already rotated still open.
 */
import { statSync } from 'node:fs';
import { PrivateFileError, readPrivateFile, writePrivateFileAtomic } from '../../../certs/private-file';
import { KEY_LENGTH, KeyRingStore, newKeyMaterial, type Kek, type KeyMaterial } from './key-ring';
import { KeyStoreError } from './key-store';

const FORMAT = 'cgw-key-store';

export interface FileKeyStoreOptions {
  /** Clock for `createdAt` of new KEKs (injectable for tests). */
  now?: () => number;
}

export class FileKeyStore extends KeyRingStore {
  private loadedStamp: string;

  private constructor(readonly path: string, material: KeyMaterial, now: () => number, stamp: string) {
    super(material, now);
    this.loadedStamp = stamp;
  }

  /**
   * Create the key file with a first KEK and an index key, and open it.
   * @throws KeyStoreError('exists') when the file already exists (it is never overwritten)
   */
  static init(path: string, options: FileKeyStoreOptions = {}): FileKeyStore {
    const now = options.now ?? Date.now;
    const material = newKeyMaterial(now());
    try {
      writePrivateFileAtomic(path, serialise(material), { exclusive: true });
    } catch (err) {
      throw asKeyStoreError(err);
    }
    return new FileKeyStore(path, material, now, fileStamp(path));
  }

  /**
   * Open an existing key file.
   * @throws KeyStoreError ('not-found' | 'insecure-file' | 'corrupt')
   */
  static open(path: string, options: FileKeyStoreOptions = {}): FileKeyStore {
    const stamp = fileStamp(path); // before reading: a change after it is picked up by the next refresh
    return new FileKeyStore(path, load(path), options.now ?? Date.now, stamp);
  }

  /**
   * Re-read the file, e.g. after another process rotated.
   * @throws KeyStoreError('conflict') when the file no longer holds a key this process knows, or has another index key
   */
  reload(): void {
    const stamp = fileStamp(this.path);
    const next = load(this.path);
    assertExtends(this.current(), next, this.path);
    this.replace(next);
    this.loadedStamp = stamp;
  }

  protected persist(next: KeyMaterial): void {
    try {
      writePrivateFileAtomic(this.path, serialise(next));
    } catch (err) {
      throw asKeyStoreError(err);
    }
    this.loadedStamp = fileStamp(this.path);
  }

  protected override refresh(): boolean {
    if (fileStamp(this.path) === this.loadedStamp) return false; // cheap: a stat, not a parse
    this.reload();
    return true;
  }
}

/** Identity of the file's current version: rename replaces the inode. */
function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function serialise(material: KeyMaterial): string {
  return JSON.stringify(
    {
      format: FORMAT,
      v: 1,
      activeKeyId: material.activeKeyId,
      indexKey: material.indexKey.toString('base64'),
      keks: material.keks.map((k) => ({ keyId: k.keyId, createdAt: k.createdAt, key: k.key.toString('base64') })),
    },
    null,
    2,
  ) + '\n';
}

function load(path: string): KeyMaterial {
  let text: string;
  try {
    text = readPrivateFile(path).toString('utf8');
  } catch (err) {
    throw asKeyStoreError(err);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw corrupt(path, 'is not JSON'); // JSON.parse's message quotes the text: keep it out
  }
  return parse(doc, path);
}

/** Validate the document field by field; messages name the field, never its value. */
function parse(doc: unknown, path: string): KeyMaterial {
  if (!isRecord(doc) || doc.format !== FORMAT) throw corrupt(path, `is not a ${FORMAT} file`);
  if (doc.v !== 1) throw corrupt(path, 'has an unsupported version (expected v 1)');
  if (typeof doc.activeKeyId !== 'string') throw corrupt(path, 'has no activeKeyId');
  const indexKey = decodeKey(doc.indexKey);
  if (!indexKey) throw corrupt(path, `indexKey is not ${KEY_LENGTH} bytes of base64`);
  if (!Array.isArray(doc.keks) || doc.keks.length === 0) throw corrupt(path, 'has no keks');
  const keks: Kek[] = [];
  const seen = new Set<string>();
  doc.keks.forEach((entry: unknown, i: number) => {
    if (!isRecord(entry) || typeof entry.keyId !== 'string' || entry.keyId === '') throw corrupt(path, `keks[${i}].keyId is missing`);
    if (seen.has(entry.keyId)) throw corrupt(path, `keks[${i}].keyId ${entry.keyId} is duplicated`);
    if (!Number.isSafeInteger(entry.createdAt)) throw corrupt(path, `keks[${i}].createdAt is not epoch milliseconds`);
    const key = decodeKey(entry.key);
    if (!key) throw corrupt(path, `keks[${i}].key is not ${KEY_LENGTH} bytes of base64`);
    seen.add(entry.keyId);
    keks.push({ keyId: entry.keyId, createdAt: entry.createdAt as number, key });
  });
  if (!seen.has(doc.activeKeyId)) throw corrupt(path, `activeKeyId ${doc.activeKeyId} is not among keks`);
  return { activeKeyId: doc.activeKeyId, keks, indexKey };
}

/** A reload may only add KEK versions: forgetting one would make its records unreadable, a new index key would break every search. */
function assertExtends(known: KeyMaterial, next: KeyMaterial, path: string): void {
  if (!known.indexKey.equals(next.indexKey)) throw new KeyStoreError('conflict', `${path} now holds a different index key; refusing to switch (blind indexes would no longer match)`);
  for (const kek of known.keks) {
    const same = next.keks.find((k) => k.keyId === kek.keyId);
    if (!same || !same.key.equals(kek.key)) throw new KeyStoreError('conflict', `${path} no longer holds key ${kek.keyId} as loaded; refusing to forget it`, kek.keyId);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeKey(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !BASE64.test(value)) return null;
  const key = Buffer.from(value, 'base64');
  return key.length === KEY_LENGTH ? key : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corrupt(path: string, what: string): KeyStoreError {
  return new KeyStoreError('corrupt', `key file ${path} ${what}`);
}

function asKeyStoreError(err: unknown): unknown {
  if (!(err instanceof PrivateFileError)) return err;
  const code = err.code === 'insecure-mode' ? 'insecure-file' : err.code === 'not-a-file' ? 'corrupt' : err.code;
  return new KeyStoreError(code, `key file: ${err.message}`, undefined, { cause: err });
}
