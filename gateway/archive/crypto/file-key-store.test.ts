import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from './file-key-store';
import { describeKeyStoreContract } from './key-store.contract';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgw-keys-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
describeKeyStoreContract('file', () => FileKeyStore.init(join(dir, `keys-${++counter}.json`)));

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('FileKeyStore', () => {
  posixOnly('init creates the file with mode 0600 holding one KEK and an index key', () => {
    const path = join(dir, 'keys.json');
    const store = FileKeyStore.init(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc).toMatchObject({ format: 'cgw-key-store', v: 1, activeKeyId: store.activeKek().keyId });
    expect(doc.keks).toHaveLength(1);
    expect(Buffer.from(doc.keks[0].key, 'base64')).toHaveLength(32);
    expect(Buffer.from(doc.indexKey, 'base64')).toEqual(store.indexKey());
  });

  it('init refuses to overwrite an existing key file and leaves it unchanged', () => {
    const path = join(dir, 'keys.json');
    FileKeyStore.init(path);
    const before = readFileSync(path);
    expect(() => FileKeyStore.init(path)).toThrow(expect.objectContaining({ code: 'exists' }));
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it('open reads back the same keys: a data key wrapped by one instance unwraps in another', () => {
    const path = join(dir, 'keys.json');
    const writer = FileKeyStore.init(path);
    const dek = randomBytes(32);
    const { keyId, wrapped } = writer.wrap(dek);
    const reader = FileKeyStore.open(path);
    expect(reader.unwrap(keyId, wrapped)).toEqual(dek);
    expect(reader.indexKey()).toEqual(writer.indexKey());
    expect(reader.listKeys()).toEqual(writer.listKeys());
  });

  it('rotate persists: a reopened store has the new active KEK and all old ones', () => {
    const path = join(dir, 'keys.json');
    const store = FileKeyStore.init(path);
    const old = store.wrap(randomBytes(32));
    const rotated = store.rotate();
    const reopened = FileKeyStore.open(path);
    expect(reopened.activeKek()).toEqual(rotated);
    expect(() => reopened.unwrap(old.keyId, old.wrapped)).not.toThrow();
  });

  posixOnly('rotate replaces the file atomically (new inode, still 0600, no temp file left)', () => {
    const path = join(dir, 'keys.json');
    const store = FileKeyStore.init(path);
    const inode = statSync(path).ino;
    store.rotate();
    expect(statSync(path).ino).not.toBe(inode);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['keys.json']);
  });

  it('unwraps a record sealed under a KEK another process rotated in, by re-reading the file', () => {
    const path = join(dir, 'keys.json');
    FileKeyStore.init(path);
    const replicaA = FileKeyStore.open(path);
    const replicaB = FileKeyStore.open(path);
    replicaA.rotate();
    const dek = randomBytes(32);
    const { keyId, wrapped } = replicaA.wrap(dek);
    expect(replicaB.unwrap(keyId, wrapped)).toEqual(dek);
  });

  it('a rotation by a stale instance keeps the KEK another instance rotated in', () => {
    const path = join(dir, 'keys.json');
    FileKeyStore.init(path);
    const replicaA = FileKeyStore.open(path);
    const replicaB = FileKeyStore.open(path);
    replicaA.rotate();
    const dek = randomBytes(32);
    const sealedByA = replicaA.wrap(dek);
    replicaB.rotate();
    const reopened = FileKeyStore.open(path);
    expect(reopened.listKeys()).toHaveLength(3);
    expect(reopened.unwrap(sealedByA.keyId, sealedByA.wrapped)).toEqual(dek);
  });

  it('refuses to reload a file that dropped a known KEK', () => {
    const path = join(dir, 'keys.json');
    const store = FileKeyStore.init(path);
    const original = readFileSync(path);
    store.rotate();
    writeFileSync(path, original, { mode: 0o600 }); // an old backup put back
    expect(() => store.reload()).toThrow(expect.objectContaining({ code: 'conflict' }));
  });

  it('refuses to reload a file with a different index key', () => {
    const path = join(dir, 'keys.json');
    const store = FileKeyStore.init(path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.indexKey = randomBytes(32).toString('base64');
    writeFileSync(path, JSON.stringify(doc), { mode: 0o600 });
    expect(() => store.reload()).toThrow(expect.objectContaining({ code: 'conflict', message: expect.stringContaining('index key') }));
  });

  posixOnly.each([0o640, 0o604, 0o644, 0o660])('refuses to load a key file with mode %o, saying how to fix it', (mode) => {
    const path = join(dir, 'keys.json');
    const store = FileKeyStore.init(path);
    chmodSync(path, mode);
    let error: unknown;
    try {
      FileKeyStore.open(path);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ name: 'KeyStoreError', code: 'insecure-file' });
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toContain(`chmod 600 ${path}`);
    expect(message).not.toContain(store.indexKey().toString('base64'));
  });

  it('reports a missing file as not-found', () => {
    expect(() => FileKeyStore.open(join(dir, 'absent.json'))).toThrow(expect.objectContaining({ code: 'not-found' }));
  });

  const corruptions: Array<[string, (doc: Record<string, any>) => unknown]> = [
    ['not JSON', () => '{"format": "cgw-key-store", "indexKey": "c2VjcmV0'],
    ['another format', (doc) => ({ ...doc, format: 'other' })],
    ['an unknown version', (doc) => ({ ...doc, v: 2 })],
    ['a short KEK', (doc) => ({ ...doc, keks: [{ ...doc.keks[0], key: randomBytes(16).toString('base64') }] })],
    ['a short index key', (doc) => ({ ...doc, indexKey: randomBytes(31).toString('base64') })],
    ['an active id not among keks', (doc) => ({ ...doc, activeKeyId: 'kek-7-00000000' })],
    ['a duplicated key id', (doc) => ({ ...doc, keks: [doc.keks[0], doc.keks[0]] })],
    ['no keks', (doc) => ({ ...doc, keks: [] })],
  ];
  it.each(corruptions)('refuses a key file with %s as corrupt, without quoting its content', (_name, mutate) => {
    const path = join(dir, 'keys.json');
    FileKeyStore.init(path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const mutated = mutate(doc);
    writeFileSync(path, typeof mutated === 'string' ? mutated : JSON.stringify(mutated), { mode: 0o600 });
    let error: unknown;
    try {
      FileKeyStore.open(path);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'corrupt' });
    const message = (error as Error).message;
    expect(message).not.toContain(doc.indexKey);
    expect(message).not.toContain(doc.keks[0].key);
    expect(message).not.toContain('c2VjcmV0');
  });
});
