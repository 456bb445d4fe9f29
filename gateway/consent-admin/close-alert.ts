/**
 * An officer's review of a compliance alert: the action and the note are
 * archived as an `alert.review` record (about the person the alert's record
 * is about, where it names one), and the alert is closed in the same
 * transaction by a compare-and-set on its status. Two reviewers racing, or an
 * alert closed meanwhile, leave exactly one review and one closing.
 */
import type { Actor } from '../auth/actor';
import { AdminError } from '../admin-api/admin-error';
import type { AuditFacts, CloseAlertRequest, CloseAlertResult } from '../admin-api/ports';
import { textHash } from '../admin-api/routes/text-hash';
import { COMPLIANCE_ALERT_ENTITY } from '../db/entities';
import { alertForApi } from './api-shapes';
import type { ConsentAdminDeps } from './deps';

class AlertNoLongerOpen extends Error {
  constructor() {
    super('the alert was closed by another request');
    this.name = 'AlertNoLongerOpen';
  }
}

/** Review and close alert `alertId`. @throws AdminError not_found, alert_not_open */
export async function closeAlert(deps: ConsentAdminDeps, alertId: string, request: CloseAlertRequest, actor: Actor): Promise<{ result: CloseAlertResult; audit: AuditFacts }> {
  const alert = await deps.consent.alerts.get(alertId);
  if (!alert) throw new AdminError('not_found', `no alert ${alertId}`);
  const facts: AuditFacts = { target: alertId, details: { kind: alert.kind, action: request.action, noteHash: textHash(request.note), noteLength: request.note.length } };
  const notOpen = () => new AdminError('alert_not_open', `the alert is ${alert.status === 'open' ? 'closed' : alert.status}: it was reviewed already`, { audit: facts });
  if (alert.status !== 'open') throw notOpen();
  // The review is about the person the alert is about: the subject of the record that raised it, where there is one.
  const subject = alert.recordId ? (await deps.reader.open(alert.recordId).catch(() => null))?.subject ?? null : null;
  const now = deps.now();
  let archived;
  try {
    archived = await deps.archive.append({
      recordType: 'alert.review',
      accountId: alert.accountId,
      subject,
      occurredAtMs: now,
      // One review per alert: a second reviewer's append is a duplicate and closes nothing.
      dedupeKey: `alert.review|${alertId}`,
      payload: {
        alertId, kind: alert.kind, severity: alert.severity, alertRecordId: alert.recordId, subjectIndex: alert.subjectBidx,
        action: request.action, note: request.note, reviewer: { subject: actor.subject, via: actor.via, groups: actor.groups },
      },
      outbox: [],
      exclusive: true,
      effects: async (tx, recordId) => {
        const closed = await tx.update(COMPLIANCE_ALERT_ENTITY, { id: alertId, status: 'open' }, { status: 'closed', closedAt: now, closedBy: actor.subject, closeAction: request.action, closeRecordId: recordId });
        if (closed !== 1) throw new AlertNoLongerOpen();
      },
    });
  } catch (err) {
    if (err instanceof AlertNoLongerOpen) throw notOpen();
    throw err;
  }
  if (archived.duplicate) throw notOpen();
  const after = await deps.consent.alerts.get(alertId);
  return {
    result: { alert: alertForApi(after ?? alert), reviewRecordId: archived.recordId },
    audit: { ...facts, details: { ...facts.details, reviewRecordId: archived.recordId } },
  };
}
