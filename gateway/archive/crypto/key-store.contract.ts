/**
 * The behaviour every KeyStore back end must have. A back end's test file calls
 * `describeKeyStoreContract('file', () => …)`; the factory returns a fresh,
 * initialised store per test.
 */
import { randomBytes } from 'node:crypto';
import { KeyStoreError, type KeyStore } from './key-store';

/** Register the KeyStore contract tests for one back end. */
export function describeKeyStoreContract(name: string, factory: () => KeyStore | Promise<KeyStore>): void {
  describe(`KeyStore contract: ${name}`, () => {
    let store: KeyStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('starts with exactly one KEK, active, the one activeKek names', () => {
      const keys = store.listKeys();
      expect(keys).toHaveLength(1);
      expect(keys[0]).toEqual({ keyId: store.activeKek().keyId, createdAt: expect.any(Number), active: true });
    });

    it('unwraps what it wrapped, labelled with the active key id', () => {
      const dek = randomBytes(32);
      const { keyId, wrapped } = store.wrap(dek);
      expect(keyId).toBe(store.activeKek().keyId);
      expect(store.unwrap(keyId, wrapped)).toEqual(dek);
    });

    it('wraps a data key into 40 bytes that do not contain it', () => {
      const dek = randomBytes(32);
      const { wrapped } = store.wrap(dek);
      expect(wrapped).toHaveLength(40);
      expect(wrapped.includes(dek.subarray(0, 8))).toBe(false);
    });

    it('rejects a data key that is not 32 bytes', () => {
      expect(() => store.wrap(randomBytes(16))).toThrow(RangeError);
    });

    it('fails with unknown-key naming the missing key id', () => {
      const { wrapped } = store.wrap(randomBytes(32));
      expect(() => store.unwrap('kek-9-deadbeef', wrapped)).toThrow(
        expect.objectContaining({ name: 'KeyStoreError', code: 'unknown-key', keyId: 'kek-9-deadbeef', message: expect.stringContaining('kek-9-deadbeef') }),
      );
    });

    it('fails with unwrap-failed when one bit of the wrapped key is altered', () => {
      const { keyId, wrapped } = store.wrap(randomBytes(32));
      wrapped[7]! ^= 0x01;
      expect(() => store.unwrap(keyId, wrapped)).toThrow(expect.objectContaining({ code: 'unwrap-failed', keyId }));
    });

    it('rotate makes a new active KEK; new wraps use it, old wraps still unwrap', () => {
      const oldDek = randomBytes(32);
      const old = store.wrap(oldDek);
      const rotated = store.rotate();
      expect(rotated.keyId).not.toBe(old.keyId);
      expect(store.activeKek()).toEqual(rotated);
      const newDek = randomBytes(32);
      const fresh = store.wrap(newDek);
      expect(fresh.keyId).toBe(rotated.keyId);
      expect(store.unwrap(old.keyId, old.wrapped)).toEqual(oldDek);
      expect(store.unwrap(fresh.keyId, fresh.wrapped)).toEqual(newDek);
    });

    it('lists every version oldest first with only the newest active', () => {
      const first = store.activeKek().keyId;
      const second = store.rotate().keyId;
      const third = store.rotate().keyId;
      expect(store.listKeys().map((k) => [k.keyId, k.active])).toEqual([
        [first, false],
        [second, false],
        [third, true],
      ]);
      expect(new Set([first, second, third]).size).toBe(3);
    });

    it('rejects a wrapped key presented under another known key id', () => {
      const old = store.wrap(randomBytes(32));
      const newId = store.rotate().keyId;
      expect(() => store.unwrap(newId, old.wrapped)).toThrow(expect.objectContaining({ code: 'unwrap-failed', keyId: newId }));
    });

    it('keeps the same 32-byte index key across rotations', () => {
      const before = Buffer.from(store.indexKey());
      expect(before).toHaveLength(32);
      store.rotate();
      expect(store.indexKey()).toEqual(before);
    });

    it('gives independent stores independent keys', async () => {
      const other = await factory();
      expect(other.indexKey().equals(store.indexKey())).toBe(false);
      expect(other.activeKek().keyId).not.toBe(store.activeKek().keyId);
      const { keyId, wrapped } = store.wrap(randomBytes(32));
      expect(() => other.unwrap(keyId, wrapped)).toThrow(KeyStoreError);
    });

    it('never puts key material in error messages', () => {
      const dek = randomBytes(32);
      const { keyId, wrapped } = store.wrap(dek);
      wrapped[0]! ^= 0xff;
      const secrets = [dek, wrapped, store.indexKey()].flatMap((b) => [b.toString('hex'), b.toString('base64')]);
      for (const attempt of [() => store.unwrap(keyId, wrapped), () => store.unwrap('kek-0-00000000', wrapped)]) {
        let message = '';
        try {
          attempt();
        } catch (err) {
          message = String((err as Error).message) + String((err as Error).stack);
        }
        expect(message).not.toBe('');
        for (const secret of secrets) expect(message).not.toContain(secret);
      }
    });
  });
}
