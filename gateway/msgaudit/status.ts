/**
 * The per-corp status `cgw msgaudit status` prints: from the cursor rows and
 * the configuration, no gateway needed. A corp needs attention when its
 * puller stopped on an error, when less than alertHoursBeforeLoss is left
 * before unpulled data passes Tencent's retention horizon, or when it is
 * configured but was never pulled.
 */
import type { MsgauditCursorRow } from '../db/entities';
import type { MsgauditConfig } from './config';
import { completenessOf } from './completeness';

/** One corp's line of the status. */
export interface CorpStatus {
  /** The configuration id (null for a cursor row of a corp no longer configured). */
  corp: string | null;
  corpId: string;
  lastSeq: string | null;
  lastPullAt: string | null;
  lastMessageAt: string | null;
  lagSeconds: number | null;
  retentionLeftSeconds: number | null;
  undecryptable: number;
  skippedSeqs: number;
  lastError: { code: string; reason: string | null; at: string | null } | null;
  stopped: boolean;
  atRisk: boolean;
  /** Stopped, at risk, or configured but never pulled. */
  needsAttention: boolean;
}

/** The status of every configured corp (and of cursor rows left by corps no longer configured). */
export function msgauditStatus(
  rows: readonly MsgauditCursorRow[],
  corps: readonly { id: string; corpId: string }[],
  policy: Pick<MsgauditConfig, 'retentionDays' | 'alertHoursBeforeLoss'>,
  nowMs: number,
): CorpStatus[] {
  const byCorpId = new Map(rows.map((row) => [row.corpId, row]));
  const configured = corps.map((corp) => lineFor(corp.id, corp.corpId, byCorpId.get(corp.corpId) ?? null, policy, nowMs));
  const known = new Set(corps.map((corp) => corp.corpId));
  const orphans = rows.filter((row) => !known.has(row.corpId)).map((row) => lineFor(null, row.corpId, row, policy, nowMs));
  return [...configured, ...orphans];
}

function lineFor(corp: string | null, corpId: string, row: MsgauditCursorRow | null, policy: Pick<MsgauditConfig, 'retentionDays' | 'alertHoursBeforeLoss'>, nowMs: number): CorpStatus {
  if (!row) {
    return {
      corp, corpId, lastSeq: null, lastPullAt: null, lastMessageAt: null, lagSeconds: null, retentionLeftSeconds: null,
      undecryptable: 0, skippedSeqs: 0, lastError: null, stopped: false, atRisk: false, needsAttention: corp !== null,
    };
  }
  const c = completenessOf(row, nowMs, policy);
  const stopped = row.stoppedAt !== null;
  return {
    corp, corpId, lastSeq: row.lastSeq, lastPullAt: iso(row.lastPullAt), lastMessageAt: iso(row.lastMessageAt),
    lagSeconds: Math.round(c.lagMs / 1000), retentionLeftSeconds: Math.round(c.retentionLeftMs / 1000),
    undecryptable: row.undecryptableCount, skippedSeqs: row.skippedSeqs,
    lastError: row.lastErrorCode ? { code: row.lastErrorCode, reason: row.lastError, at: iso(row.lastErrorAt) } : null,
    stopped, atRisk: c.atRisk, needsAttention: corp !== null && (stopped || c.atRisk),
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
