import { createMsgIdSource } from './msgid';

describe('msgid source', () => {
  it('never repeats within a process, even when every id of a millisecond draws the same random bits', () => {
    const next = createMsgIdSource(() => 7);
    const now = Date.UTC(2026, 10, 23);
    const ids = Array.from({ length: 10_000 }, () => next(now));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
  });

  it('orders ids by time and keeps them safe integers', () => {
    const next = createMsgIdSource();
    const a = next(Date.UTC(2026, 0, 1));
    const b = next(Date.UTC(2026, 0, 1) + 1);
    expect(b).toBeGreaterThan(a);
    expect(Number.isSafeInteger(next(Date.UTC(2093, 0, 1)))).toBe(true);
  });

  it('does not go backwards when the clock does', () => {
    const next = createMsgIdSource();
    const a = next(Date.UTC(2026, 0, 1, 12));
    expect(next(Date.UTC(2026, 0, 1, 11))).toBeGreaterThan(a);
  });
});
