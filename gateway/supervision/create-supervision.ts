/**
 * Post-send supervision of captured chat-archive messages (issue 6 item 5),
 * as msgaudit hooks. For each message the puller archives:
 *
 *  - before the archive transaction, the policy's supervision rules run on
 *    the message's texts (policies/supervise.ts: pure, no I/O);
 *  - inside it, when the record is new, a message with findings gets one
 *    compliance alert row, and a recall gets its `msgaudit_recall` link and,
 *    when the recalled message had an alert, a recall alert. Alert and
 *    record commit together (docs/decisions/0007-supervision.md): no alert
 *    is lost to a crash, and a re-pull, answered with duplicates, opens none;
 *  - after the commit, metrics and a log line per alert (kinds, severities,
 *    record ids; never text).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import type { PreparedPolicy } from '../../policies/prepare';
import { supervise, type SupervisionResult } from '../../policies/supervise';
import type { ArchiveEntry } from '../archive/types';
import type { ConnectionGate } from '../db/connection-gate';
import { COMPLIANCE_ALERT_ENTITY, type ComplianceAlertRow } from '../db/entities';
import type { MsgauditEventHooks } from '../msgaudit/archive-entries';
import { capturedMessageOf } from './captured-message';
import { createSupervisionMetrics, type SupervisionMetrics } from './metrics';
import { linkRecall, RecallLinks } from './recall-links';
import { messageAlert, messageAlertKey, recallAlert } from './supervision-alerts';
import { exemptPreApproved, type PreApproval } from './pre-approved'; // content library
import type { EffectTransaction } from '../archive/types'; // content library

export interface SupervisionDeps {
  /** The gateway's policy; supervision uses its `supervision` section (none: nothing is supervised, recalls are still linked). */
  prepared: PreparedPolicy;
  /** Blind index of a person (the archive's subject index): the alert's subject. */
  subjectIndex(id: string): string;
  /** The archive's blind index of a dedupe key. */
  dedupeIndex(key: string): string;
  dataSource: DataSource;
  gate: ConnectionGate;
  registry: Registry;
  logger: Logger;
  now(): number;
  /**
   * content library: the approved item the message matches, looked up in the archive transaction; lexicon
   * findings in the item's own texts open no alert (pre-approved), PII findings still do (pre-approved.ts).
   */
  preApproved?(tx: EffectTransaction, accountId: string, event: MsgauditEvent): Promise<PreApproval | undefined>;
}

export interface Supervision {
  msgauditHooks: MsgauditEventHooks;
  recalls: RecallLinks;
  metrics: SupervisionMetrics;
}

type Outcome = 'clean' | 'findings' | 'not_supervised' | 'error' | 'pre_approved';

/** What the archive transaction did for one event, read after the commit. */
interface Committed {
  alert?: Pick<ComplianceAlertRow, 'kind' | 'severity' | 'recordId'>;
  recall?: 'linked' | 'pending';
}

/** Build supervision (it does nothing until the pullers call its hooks). */
export function createSupervision(deps: SupervisionDeps): Supervision {
  const metrics = createSupervisionMetrics(deps.registry);
  // Keyed by the event objects the puller hands to both hooks; entries of a rolled-back batch are dropped with its events.
  const outcomes = new WeakMap<MsgauditEvent, Outcome>();
  const committed = new WeakMap<MsgauditEvent, Committed>();
  const recallSeverity = deps.prepared.supervision?.recallSeverity ?? 'inherit';

  function messageEffects(accountId: string, event: MsgauditEvent): ArchiveEntry['effects'] | undefined {
    let alertOf: ((recordId: string, now: number, result: SupervisionResult) => ComplianceAlertRow | undefined) | undefined;
    let found: SupervisionResult | undefined;
    try {
      const message = capturedMessageOf(event);
      const result = message && supervise(deps.prepared, message, deps.now());
      if (!message || !result || result.applied.length === 0) {
        outcomes.set(event, 'not_supervised');
        return undefined;
      }
      outcomes.set(event, result.findings.length > 0 ? 'findings' : 'clean');
      if (result.findings.length === 0) return undefined;
      found = result;
      const subjectBidx = event.from ? deps.subjectIndex(event.from) : null;
      alertOf = (recordId, now, effective) => messageAlert({ accountId, subjectBidx, recordId, msgtype: message.msgtype, sender: message.sender, result: effective, now });
    } catch (err) {
      // Never stops ingestion: the message is archived, the failure counted and logged (no text).
      outcomes.set(event, 'error');
      deps.logger.error({ corp: accountId, msgtype: event.msgtype, err: (err as Error).name }, 'supervision could not evaluate a captured message');
      return undefined;
    }
    const toAlert = alertOf;
    const findings = found!;
    return async (tx, recordId) => {
      // content library: a message matching an approved item keeps only the findings the item does not vouch for.
      const approval = deps.preApproved ? await deps.preApproved(tx, accountId, event) : undefined;
      const effective = approval ? exemptPreApproved(findings, approval.paths) : findings;
      if (approval && effective.findings.length === 0) outcomes.set(event, 'pre_approved');
      const alert = toAlert(recordId, deps.now(), effective);
      if (!alert) return;
      if (approval) alert.summary += ` Pre-approved content item ${approval.itemId}: lexicon findings in its own text are not alerted.`; // content library
      await tx.insert(COMPLIANCE_ALERT_ENTITY, alert as unknown as Record<string, unknown>);
      committed.set(event, { alert });
    };
  }

  function recallEffects(accountId: string, event: MsgauditEvent & { recalledMsgid: string }): ArchiveEntry['effects'] {
    outcomes.set(event, 'not_supervised');
    return async (tx, recordId) => {
      const now = deps.now();
      const facts = { accountId, corpId: event.corpId, recalledMsgid: event.recalledMsgid, recalledAt: event.msgtime ?? 0 };
      const originalRecordId = await linkRecall(tx, recordId, facts, deps.dedupeIndex, now);
      const done: Committed = { recall: originalRecordId ? 'linked' : 'pending' };
      if (originalRecordId) {
        const original = await tx.findOne<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY, { dedupeKey: messageAlertKey(originalRecordId) });
        if (original) {
          const alert = recallAlert({ accountId, subjectBidx: event.from ? deps.subjectIndex(event.from) : null, recallRecordId: recordId, original, severity: recallSeverity, now });
          await tx.insert(COMPLIANCE_ALERT_ENTITY, alert as unknown as Record<string, unknown>);
          done.alert = alert;
        }
      }
      committed.set(event, done);
    };
  }

  const msgauditHooks: MsgauditEventHooks = {
    effects(accountId, event) {
      if (event.type === 'revoke' && typeof event.recalledMsgid === 'string' && event.recalledMsgid !== '') return recallEffects(accountId, event as MsgauditEvent & { recalledMsgid: string });
      return messageEffects(accountId, event);
    },
    afterCommit(accountId, events) {
      for (const event of events) {
        const outcome = outcomes.get(event);
        if (outcome) metrics.messages.inc({ corp: accountId, outcome });
        const done = committed.get(event);
        if (!done) continue;
        if (done.recall) metrics.recalls.inc({ corp: accountId, original: done.recall });
        if (done.alert) {
          metrics.alerts.inc({ corp: accountId, kind: done.alert.kind, severity: done.alert.severity });
          deps.logger.info({ corp: accountId, kind: done.alert.kind, severity: done.alert.severity, recordId: done.alert.recordId }, 'supervision alert opened');
        }
      }
    },
  };

  return { msgauditHooks, recalls: new RecallLinks({ dataSource: deps.dataSource, gate: deps.gate }), metrics };
}
