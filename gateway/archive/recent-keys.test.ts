import { RecentKeys } from './recent-keys';

describe('RecentKeys', () => {
  it('remembers the last `capacity` distinct keys and forgets the oldest first', () => {
    const recent = new RecentKeys(3);
    for (const k of ['a', 'b', 'c']) recent.add(k);
    expect(['a', 'b', 'c'].map((k) => recent.has(k))).toEqual([true, true, true]);
    recent.add('b'); // already there: takes no second place
    recent.add('d'); // forgets a
    expect(['a', 'b', 'c', 'd'].map((k) => recent.has(k))).toEqual([false, true, true, true]);
    recent.add('e'); // forgets b
    recent.add('f'); // forgets c
    expect(['b', 'c', 'd', 'e', 'f'].map((k) => recent.has(k))).toEqual([false, false, true, true, true]);
  });

  it('holds no more than its capacity after many keys', () => {
    const recent = new RecentKeys(100);
    for (let i = 0; i < 10_000; i++) recent.add(`k${i}`);
    expect(Array.from({ length: 10_000 }, (_, i) => recent.has(`k${i}`)).filter(Boolean)).toHaveLength(100);
    expect(recent.has('k9999') && recent.has('k9900') && !recent.has('k9899')).toBe(true);
  });
});
