import { UsageCounts } from './usage-counts';

function store(counts: number[]) {
  const calls: { appId: string; since: number; kinds: string[] }[] = [];
  return { calls, countForApp: async (appId: string, since: number, kinds: readonly string[]) => { calls.push({ appId, since, kinds: [...kinds] }); return counts.shift() ?? 0; } };
}

describe('UsageCounts', () => {
  const kinds = new Set(['oa.custom', 'oa.mass']);

  it('reads a count once per refresh interval and adds this replica\'s own sends in between', async () => {
    const db = store([10, 50]);
    const usage = new UsageCounts(db, { refreshMs: 2000 });
    expect(await usage.count('crm', kinds, 'minute', 0, 1000)).toBe(10);
    usage.note('crm', 'oa.custom');
    usage.note('crm', 'wecom.app'); // another scope: not counted
    usage.note('bot', 'oa.custom'); // another app: not counted
    expect(await usage.count('crm', kinds, 'minute', 500, 2500)).toBe(11);
    expect(db.calls).toHaveLength(1);
    expect(await usage.count('crm', kinds, 'minute', 2000, 3001)).toBe(50);
    expect(db.calls).toHaveLength(2);
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
