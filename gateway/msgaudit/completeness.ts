/**
 * How far behind Tencent a corp's archive is, and how long until data it has
 * not pulled would pass Tencent's retention horizon (wecom.md §6.1: 5 days).
 *
 * Everything up to the "complete-through" time is known to be archived:
 * - the last pull that drained the corp (fewer records than asked) saw every
 *   message sent before it was issued;
 * - with a backlog, every unpulled message comes after the newest archived
 *   one (seqs follow time), so its msgtime bounds the oldest unpulled message.
 * The later of the two is the bound; before any pull it is when the cursor
 * row was created (the gateway began to answer for the corp). Lag is now
 * minus that time; the oldest unpulled message expires at that time plus
 * the retention, so `retentionLeftMs` is the time left to pull it.
 */
import type { MsgauditCursorRow } from '../db/entities';

/** The completeness of one corp at one instant. */
export interface Completeness {
  completeThroughMs: number;
  lagMs: number;
  retentionLeftMs: number;
  /** Less than the alert threshold is left: page someone. */
  atRisk: boolean;
}

/** Completeness of `row` at `nowMs`. */
export function completenessOf(
  row: Pick<MsgauditCursorRow, 'caughtUpAt' | 'lastMessageAt' | 'createdAt'>,
  nowMs: number,
  policy: { retentionDays: number; alertHoursBeforeLoss: number },
): Completeness {
  const known = [row.caughtUpAt, row.lastMessageAt].filter((t): t is number => t !== null);
  const completeThroughMs = known.length > 0 ? Math.max(...known) : row.createdAt;
  const lagMs = Math.max(0, nowMs - completeThroughMs);
  const retentionLeftMs = completeThroughMs + policy.retentionDays * 86_400_000 - nowMs;
  return { completeThroughMs, lagMs, retentionLeftMs, atRisk: retentionLeftMs < policy.alertHoursBeforeLoss * 3_600_000 };
}
