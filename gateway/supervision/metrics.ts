/** Prometheus metrics of supervision, registered on the gateway's registry. Labelled by the corp's configuration id. */
import { Counter, type Registry } from 'prom-client';

export interface SupervisionMetrics {
  /** Newly archived messages by outcome: clean, findings, not_supervised (not a person's message, or no rule in scope), error, pre_approved (findings only in an approved content item's own text). */
  messages: Counter<'corp' | 'outcome'>;
  /** Alerts opened, by kind (supervision.lexicon, supervision.pii, supervision.recall) and severity. */
  alerts: Counter<'corp' | 'kind' | 'severity'>;
  /** Recalls archived, by whether the recalled message was found in the archive (linked) or not yet (pending). */
  recalls: Counter<'corp' | 'original'>;
}

/** Create and register the supervision metrics. */
export function createSupervisionMetrics(registry: Registry): SupervisionMetrics {
  const registers = [registry];
  return {
    messages: new Counter({ name: 'cgw_supervision_messages_total', help: 'Captured chat-archive messages supervised, by outcome (clean, findings, not_supervised, error, pre_approved)', labelNames: ['corp', 'outcome'], registers }),
    alerts: new Counter({ name: 'cgw_supervision_alerts_total', help: 'Supervision alerts opened, by kind and severity', labelNames: ['corp', 'kind', 'severity'], registers }),
    recalls: new Counter({ name: 'cgw_supervision_recalls_total', help: 'Recalls linked to the recalled message (original: linked) or archived before it (original: pending)', labelNames: ['corp', 'original'], registers }),
  };
}
