/** Prometheus metrics of chat-archive ingestion, registered on the gateway's registry. Labelled by the corp's configuration id. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The msgaudit metrics of one gateway. */
export interface MsgauditMetrics {
  /** Records handled, by outcome: archived (new message), duplicate (a re-run), raw (undecryptable or unparseable, archived as received). */
  records: Counter<'corp' | 'outcome'>;
  /** Records archived raw, by error code: each is an alert. */
  undecryptable: Counter<'corp' | 'code'>;
  pulls: Counter<'corp' | 'outcome'>;
  pullErrors: Counter<'corp' | 'code' | 'retry'>;
  skippedSeqs: Counter<'corp'>;
  batchSeconds: Histogram<'corp'>;
  lagSeconds: Gauge<'corp'>;
  retentionLeftSeconds: Gauge<'corp'>;
  undecryptableTotal: Gauge<'corp'>;
  atRisk: Gauge<'corp'>;
  leaseHeld: Gauge<'corp'>;
  stopped: Gauge<'corp'>;
  /** Media downloads by outcome: archived, retry, failed (the outbox row needs an operator). */
  media: Counter<'corp' | 'outcome'>;
}

/** Create and register the msgaudit metrics. */
// Gauge aggregators: how the cluster primary combines the workers' values (observability/cluster-metrics.ts).
export function createMsgauditMetrics(registry: Registry): MsgauditMetrics {
  const registers = [registry];
  return {
    records: new Counter({ name: 'cgw_msgaudit_records_total', help: 'Chat-archive records handled by outcome (archived, duplicate, raw)', labelNames: ['corp', 'outcome'], registers }),
    undecryptable: new Counter({ name: 'cgw_msgaudit_undecryptable_total', help: 'Chat-archive records archived raw because they could not be decrypted or parsed, by error code', labelNames: ['corp', 'code'], registers }),
    pulls: new Counter({ name: 'cgw_msgaudit_pulls_total', help: 'GetChatData pulls by outcome (batch, empty, error)', labelNames: ['corp', 'outcome'], registers }),
    pullErrors: new Counter({ name: 'cgw_msgaudit_pull_errors_total', help: 'Failed pulls by error code and what the puller does (backoff, reduce-limit, never, lease-lost)', labelNames: ['corp', 'code', 'retry'], registers }),
    skippedSeqs: new Counter({ name: 'cgw_msgaudit_skipped_seqs_total', help: 'Seqs Tencent skipped between consecutive archived records', labelNames: ['corp'], registers }),
    batchSeconds: new Histogram({ name: 'cgw_msgaudit_batch_seconds', help: 'Pull, decrypt and archive time of one batch', labelNames: ['corp'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers }),
    lagSeconds: new Gauge({ name: 'cgw_msgaudit_lag_seconds', help: 'How far the archive is behind Tencent: now minus the time up to which every message is archived', labelNames: ['corp'], registers, aggregator: 'max' }),
    retentionLeftSeconds: new Gauge({ name: 'cgw_msgaudit_retention_left_seconds', help: 'Time left before the oldest unpulled message passes Tencent\'s retention horizon', labelNames: ['corp'], registers, aggregator: 'min' }),
    undecryptableTotal: new Gauge({ name: 'cgw_msgaudit_undecryptable_records', help: 'Records archived raw so far (from the cursor row)', labelNames: ['corp'], registers, aggregator: 'max' }),
    atRisk: new Gauge({ name: 'cgw_msgaudit_at_risk', help: '1 when less than alertHoursBeforeLoss is left before unpulled data would be lost', labelNames: ['corp'], registers, aggregator: 'max' }),
    leaseHeld: new Gauge({ name: 'cgw_msgaudit_lease_held', help: '1 on the replica that pulls the corp', labelNames: ['corp'], registers, aggregator: 'sum' }),
    media: new Counter({ name: 'cgw_msgaudit_media_total', help: 'Chat-archive media downloads by outcome (archived, retry, failed)', labelNames: ['corp', 'outcome'], registers }),
    stopped: new Gauge({ name: 'cgw_msgaudit_stopped', help: '1 when the puller stopped on an error that needs a fix (see the log and cgw msgaudit status)', labelNames: ['corp'], registers, aggregator: 'max' }),
  };
}
