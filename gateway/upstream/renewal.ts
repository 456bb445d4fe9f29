/**
 * When to renew a token and whether a forced refresh is allowed: pure
 * functions of the stored state and "now", so the rules are tested without
 * Tencent or a database.
 */
import type { TokenPolicy } from './config';

/** After Tencent hands back the token we already had (it renews OA stable tokens only in their last 5 minutes, WeCom's only after expiry), ask again this much later. */
export const SAME_TOKEN_RETRY_MS = 60_000;

/** The part of a cached token renewal decisions look at. */
export interface TokenTimes {
  /** Epoch ms at which Tencent says the token dies. */
  expiresAt: number;
  /** Epoch ms from which to try to renew. */
  renewAt: number;
}

/** Tencent still accepts it (as far as we know). */
export function isUsable(token: TokenTimes, nowMs: number): boolean {
  return nowMs < token.expiresAt;
}

/** Time to try for a new one. */
export function isDue(token: TokenTimes, nowMs: number): boolean {
  return nowMs >= token.renewAt;
}

/**
 * When to renew a token fetched at `nowMs` that lives `expiresInMs`: with `renewFraction` or `renewBeforeMs`
 * of its life left, whichever is earlier; when Tencent returned the very token we had, retry in a minute.
 * Never earlier than half its remaining life from now, so a short-lived answer cannot cause a refresh storm.
 */
export function renewAtFor(nowMs: number, expiresInMs: number, sameAsBefore: boolean, policy: Pick<TokenPolicy, 'renewFraction' | 'renewBeforeMs'>): number {
  const expiresAt = nowMs + expiresInMs;
  const floor = nowMs + Math.min(SAME_TOKEN_RETRY_MS, Math.floor(expiresInMs / 2));
  if (sameAsBefore) return Math.min(expiresAt, nowMs + SAME_TOKEN_RETRY_MS);
  const margin = Math.max(Math.floor(expiresInMs * policy.renewFraction), policy.renewBeforeMs);
  return Math.max(expiresAt - margin, floor);
}

/** Forced-refresh bookkeeping kept with the token. */
export interface ForceState {
  forcedAt: number | null;
  forcedDay: number;
  forcedCount: number;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** Tencent's quota day (midnight Beijing time, UTC+8) containing `epochMs`. */
export function beijingDay(epochMs: number): number {
  return Math.floor((epochMs + BEIJING_OFFSET_MS) / 86_400_000);
}

/** Whether Tencent would honour a forced refresh now: ≥ 30 s since the last, and under 20 today. */
export function forceAllowed(state: ForceState, nowMs: number, policy: Pick<TokenPolicy, 'forceRefreshMinIntervalMs' | 'forceRefreshDailyLimit'>): boolean {
  if (state.forcedAt !== null && nowMs - state.forcedAt < policy.forceRefreshMinIntervalMs) return false;
  const usedToday = state.forcedDay === beijingDay(nowMs) ? state.forcedCount : 0;
  return usedToday < policy.forceRefreshDailyLimit;
}

/** The bookkeeping after a forced refresh at `nowMs`. */
export function afterForce(state: ForceState, nowMs: number): ForceState {
  const today = beijingDay(nowMs);
  return { forcedAt: nowMs, forcedDay: today, forcedCount: (state.forcedDay === today ? state.forcedCount : 0) + 1 };
}
