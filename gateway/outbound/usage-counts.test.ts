import { UsageCounts } from './usage-counts';

function store(counts: number[]) {
  const calls: { appId: string; since: number; kinds: string[] }[] = [];
  return { calls, countForApp: async (appId: string, since: number, kinds: readonly string[]) => { calls.push({ appId, since, kinds: [...kinds] }); return counts.shift() ?? 0; } };
}

describe('UsageCounts', () => {
  const kinds = new Set(['oa.custom', 'oa.mass']);

  it('reads a count once per refresh interval and adds this replica\'s own sends in between; a stale count answers while it is re-read', async () => {
    const db = store([10, 50]);
    const usage = new UsageCounts(db, { refreshMs: 2000 });
    expect(await usage.count('crm', kinds, 'minute', 0, 1000)).toBe(10);
    usage.note('crm', 'oa.custom');
    usage.note('crm', 'wecom.app'); // another scope: not counted
    usage.note('bot', 'oa.custom'); // another app: not counted
    expect(await usage.count('crm', kinds, 'minute', 500, 2500)).toBe(11);
    expect(db.calls).toHaveLength(1);
    expect(await usage.count('crm', kinds, 'minute', 2000, 3001)).toBe(11);
    expect(db.calls).toHaveLength(2);
    await new Promise((r) => setImmediate(r));
    expect(await usage.count('crm', kinds, 'minute', 2000, 3002)).toBe(50);
    expect(db.calls).toHaveLength(2);
  });

  it('shares one read among concurrent callers: the first ever, and each re-read after the interval', async () => {
    let release: (n: number) => void = () => undefined;
    const calls: number[] = [];
    const usage = new UsageCounts({ countForApp: (_app, since) => { calls.push(since); return new Promise<number>((r) => (release = r)); } }, { refreshMs: 1000 });
    const first = Promise.all(Array.from({ length: 20 }, () => usage.count('crm', kinds, 'day', 0, 10)));
    release(4);
    expect(await first).toEqual(Array(20).fill(4));
    const later = await Promise.all(Array.from({ length: 20 }, () => usage.count('crm', kinds, 'day', 0, 2000)));
    expect(later).toEqual(Array(20).fill(4));
    expect(calls).toEqual([0, 0]);
    release(9);
    await new Promise((r) => setImmediate(r));
    expect(await usage.count('crm', kinds, 'day', 0, 2001)).toBe(9);
  });

  it('lets the next caller retry a read that failed', async () => {
    const answers: (number | Error)[] = [new Error('database away'), 3];
    const usage = new UsageCounts({ countForApp: async () => { const a = answers.shift(); if (a instanceof Error) throw a; return a ?? 0; } }, { refreshMs: 1000 });
    await expect(usage.count('crm', kinds, 'day', 0, 10)).rejects.toThrow('database away');
    expect(await usage.count('crm', kinds, 'day', 0, 11)).toBe(3);
  });

  it('re-reads a day count when the day rolls over, even within the refresh interval', async () => {
    const db = store([7, 0]);
    const usage = new UsageCounts(db, { refreshMs: 60_000 });
    expect(await usage.count('crm', kinds, 'day', 1_000, 1_500)).toBe(7);
    expect(await usage.count('crm', kinds, 'day', 1_000, 1_600)).toBe(7);
    expect(await usage.count('crm', kinds, 'day', 86_401_000, 86_401_100)).toBe(0);
    expect(db.calls.map((c) => c.since)).toEqual([1_000, 86_401_000]);
  });
});
