/** The outbound workflow's and compatible API's audit lines, written to the chained audit log. */
import type { AuditActorVia, AuditLog, AuditOutcome } from '../audit/audit-log';
import type { AuditEventType } from '../audit/event-types';
import type { OutboundAudit, OutboundAuditEvent } from './ports';
import type { CompatAuditEvent } from '../compat-api/compat-deps';

const VIA: Record<string, AuditActorVia> = { 'app-token': 'app', 'app-credentials': 'app', system: 'system', oidc: 'oidc', 'local-token': 'local-token' };

function outcomeOf(status: string): AuditOutcome {
  return status === 'denied' ? 'denied' : status === 'failed' ? 'failure' : 'success';
}

/** An OutboundAudit (and the compatible API's audit port) over the audit log. */
export function auditAdapter(log: AuditLog): OutboundAudit & { record(event: OutboundAuditEvent | CompatAuditEvent): Promise<void> } {
  return {
    async record(event) {
      const type: AuditEventType = event.type;
      await log.record({
        type,
        actor: { subject: event.actor.subject, via: VIA[event.actor.via] ?? 'system' },
        target: event.target,
        ...('contentHash' in event && event.contentHash ? { contentHash: event.contentHash } : {}),
        outcome: outcomeOf(event.outcome),
        details: { ...event.details, status: event.outcome },
      });
    },
  };
}
