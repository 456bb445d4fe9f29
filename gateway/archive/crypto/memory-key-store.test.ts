import { describeKeyStoreContract } from './key-store.contract';
import { MemoryKeyStore } from './memory-key-store';

describeKeyStoreContract('memory', () => new MemoryKeyStore());

describe('MemoryKeyStore', () => {
  it('stamps KEKs with the injected clock', () => {
    let now = 1_700_000_000_000;
    const store = new MemoryKeyStore({ now: () => now });
    now += 1000;
    store.rotate();
    expect(store.listKeys().map((k) => k.createdAt)).toEqual([1_700_000_000_000, 1_700_000_001_000]);
  });
});
