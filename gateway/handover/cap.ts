/**
 * Tencent's rule for in-service transfers (wecom.md §4.6, limits-and-errors.md
 * §1): each customer at most 2 times in 90 days. The gateway checks it before
 * calling, from the transfers it made itself (a transfer counts once Tencent
 * accepted it, whatever became of it; one planned in another running job
 * counts too), so a customer over the cap is refused with a date instead of
 * costing a call. Transfers made elsewhere (the admin console) are not known
 * here: Tencent's per-customer 40128 covers those.
 */

const DAY_MS = 86_400_000;

/** Whether one more transfer is allowed, and if not, why and from when. */
export type CapVerdict = { allowed: true } | { allowed: false; detail: string; nextAllowedAt: number | null };

/**
 * The verdict for a customer whose counting transfers are `counting` (epoch ms when
 * Tencent accepted each; null for one planned in another job), now.
 */
export function capVerdict(counting: readonly (number | null)[], nowMs: number, capPerCustomer: number, windowDays: number): CapVerdict {
  const windowMs = windowDays * DAY_MS;
  const accepted = counting.filter((t): t is number => t !== null && t > nowMs - windowMs).sort((a, b) => a - b);
  const planned = counting.filter((t) => t === null).length;
  const total = accepted.length + planned;
  if (total < capPerCustomer) return { allowed: true };
  // The oldest accepted transfers must leave the window until one more fits; planned ones never leave it.
  const mustExpire = total - capPerCustomer + 1;
  const nextAllowedAt = mustExpire <= accepted.length ? accepted[mustExpire - 1]! + windowMs : null;
  const when = accepted.map((t) => new Date(t).toISOString().slice(0, 10));
  const parts = [`transferred ${accepted.length} time(s) in the last ${windowDays} days${when.length ? ` (${when.join(', ')})` : ''}`];
  if (planned > 0) parts.push(`${planned} more in another running hand-over`);
  const detail = `${parts.join(', ')}; WeCom allows ${capPerCustomer} in-service transfers per customer in ${windowDays} days; ${nextAllowedAt === null ? 'possible again once the other hand-over ends' : `possible again from ${new Date(nextAllowedAt).toISOString()}`}`;
  return { allowed: false, detail, nextAllowedAt };
}
