import { afterForce, beijingDay, forceAllowed, isDue, isUsable, renewAtFor, SAME_TOKEN_RETRY_MS, type ForceState } from './renewal';

const T0 = Date.UTC(2025, 0, 6, 2, 0, 0); // 10:00 Beijing
const S = 1000;
const policy = { renewFraction: 0.1, renewBeforeMs: 300 * S, forceRefreshMinIntervalMs: 30 * S, forceRefreshDailyLimit: 20 };

describe('renewAtFor', () => {
  it('renews a 7200 s token with 10 % (720 s) of its life left, not only 5 minutes', () => {
    expect(renewAtFor(T0, 7200 * S, false, policy)).toBe(T0 + 6480 * S);
  });

  it('renews a short-lived token 5 minutes before it dies when that is earlier than 10 %', () => {
    expect(renewAtFor(T0, 1200 * S, false, policy)).toBe(T0 + 900 * S);
  });

  it('never schedules a renewal so soon that a short answer causes a refresh storm', () => {
    expect(renewAtFor(T0, 200 * S, false, policy)).toBe(T0 + 60 * S);
    expect(renewAtFor(T0, 10 * S, false, policy)).toBe(T0 + 5 * S);
  });

  it('after Tencent handed back the same token, asks again a minute later (or at expiry, if sooner)', () => {
    expect(renewAtFor(T0, 720 * S, true, policy)).toBe(T0 + SAME_TOKEN_RETRY_MS);
    expect(renewAtFor(T0, 20 * S, true, policy)).toBe(T0 + 20 * S);
  });
});

describe('isUsable / isDue', () => {
  it('a token is usable until its expiry and due from its renewal time', () => {
    const token = { expiresAt: T0 + 100, renewAt: T0 + 50 };
    expect([isUsable(token, T0 + 99), isUsable(token, T0 + 100)]).toEqual([true, false]);
    expect([isDue(token, T0 + 49), isDue(token, T0 + 50)]).toEqual([false, true]);
  });
});

describe('forced refresh limits', () => {
  const never: ForceState = { forcedAt: null, forcedDay: 0, forcedCount: 0 };

  it('allows a first forced refresh, then none within 30 s', () => {
    expect(forceAllowed(never, T0, policy)).toBe(true);
    const once = afterForce(never, T0);
    expect(once).toEqual({ forcedAt: T0, forcedDay: beijingDay(T0), forcedCount: 1 });
    expect(forceAllowed(once, T0 + 29_999, policy)).toBe(false);
    expect(forceAllowed(once, T0 + 30_000, policy)).toBe(true);
  });

  it('allows 20 per Beijing day and starts again after midnight Beijing time', () => {
    let state = never;
    for (let i = 0; i < 20; i++) state = afterForce(state, T0 + i * 60 * S);
    expect(state.forcedCount).toBe(20);
    expect(forceAllowed(state, T0 + 21 * 60 * S, policy)).toBe(false);
    const beijingMidnight = Date.UTC(2025, 0, 6, 16, 0, 0);
    expect(forceAllowed(state, beijingMidnight - 1, policy)).toBe(false);
    expect(forceAllowed(state, beijingMidnight, policy)).toBe(true);
    expect(afterForce(state, beijingMidnight).forcedCount).toBe(1);
  });

  it('honours a lower configured daily limit', () => {
    expect(forceAllowed(afterForce(never, T0), T0 + 60 * S, { ...policy, forceRefreshDailyLimit: 1 })).toBe(false);
  });
});
