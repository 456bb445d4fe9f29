/**
 * The compliance alert rows supervision opens, built from a supervision
 * result: one per message with findings, one per recall of such a message.
 * Summaries hold codes, rule ids, term ids, detectors, counts and the policy
 * version: never message text, user ids or msgids (the reviewer opens the
 * message from the archive through `recordId`).
 *
 * Dedupe keys are derived from archive record ids, which are new for every
 * record: the row is inserted inside the archive transaction, where a unique
 * violation would fail the whole batch, so the key must never collide. A
 * re-pull opens nothing because a duplicate record runs no effects.
 */
import { randomUUID } from 'node:crypto';
import type { SupervisionSender, SupervisionSeverity } from '../../policies/schema';
import { summariseFindings, type SupervisionCode, type SupervisionResult } from '../../policies/supervise';
import type { ComplianceAlertRow } from '../db/entities';

/** The dedupe key of the alert of message record `recordId` (also how a recall finds it). */
export function messageAlertKey(recordId: string): string {
  return `supervision|${recordId}`;
}

/** The dedupe key of the alert of recall record `recallRecordId`. */
export function recallAlertKey(recallRecordId: string): string {
  return `supervision.recall|${recallRecordId}`;
}

const RANK: Readonly<Record<SupervisionSeverity, number>> = { info: 0, warning: 1, critical: 2 };

/** The alert kind of a result: the code of its most severe finding (the first one on a tie: lexicon before PII). */
export function alertKindOf(result: SupervisionResult): SupervisionCode | undefined {
  let best: SupervisionResult['findings'][number] | undefined;
  for (const f of result.findings) if (!best || RANK[f.severity] > RANK[best.severity]) best = f;
  return best?.code;
}

interface AlertBase {
  accountId: string;
  /** Blind index of the sender. */
  subjectBidx: string | null;
  now: number;
}

/** The alert of a supervised message with findings (undefined when it has none). */
export function messageAlert(input: AlertBase & { recordId: string; msgtype: string; sender: SupervisionSender; result: SupervisionResult }): ComplianceAlertRow | undefined {
  const { result } = input;
  const kind = alertKindOf(result);
  if (!kind || !result.severity) return undefined;
  return row(input, {
    kind, severity: result.severity, recordId: input.recordId, dedupeKey: messageAlertKey(input.recordId),
    summary: `${summariseFindings(result.findings)}. ${input.msgtype} message from ${input.sender === 'rm' ? 'an RM' : 'a customer'}; policy ${result.policyVersion.slice(0, 12)}.`,
  });
}

/**
 * The alert of a recall whose original had an alert. It points at the
 * original (what the reviewer must read); msgaudit_recall names the recall.
 */
export function recallAlert(input: AlertBase & { recallRecordId: string; original: Pick<ComplianceAlertRow, 'recordId' | 'kind' | 'severity' | 'summary'>; severity: SupervisionSeverity | 'inherit' }): ComplianceAlertRow {
  const severity = input.severity === 'inherit' ? (input.original.severity as SupervisionSeverity) : input.severity;
  return row(input, {
    kind: 'supervision.recall', severity, recordId: input.original.recordId, dedupeKey: recallAlertKey(input.recallRecordId),
    summary: `supervision.recall: the sender recalled a message that had findings (${input.original.kind}, ${input.original.severity}); the original is kept in the archive. Its findings: ${input.original.summary}`,
  });
}

function row(base: AlertBase, fields: Pick<ComplianceAlertRow, 'kind' | 'severity' | 'recordId' | 'dedupeKey' | 'summary'>): ComplianceAlertRow {
  return {
    id: randomUUID(), ...fields, accountId: base.accountId, subjectBidx: base.subjectBidx, status: 'open', createdAt: base.now,
    closedAt: null, closedBy: null, closeAction: null, closeRecordId: null,
  };
}
