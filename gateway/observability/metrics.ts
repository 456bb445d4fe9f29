/** Prometheus metrics for the gateway: one registry per gateway instance (tests build several). */
import { Counter, Histogram, Registry, Gauge, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  callbacks: Counter<'account' | 'outcome'>;
  callbackSeconds: Histogram<'outcome'>;
  archiveBatchSize: Histogram;
  archiveCommitSeconds: Histogram;
  archiveBatchReruns: Counter;
  archiveRecords: Counter<'record_type'>;
  forwards: Counter<'app' | 'outcome'>;
  outboxPending: Gauge;
  outboxFailed: Gauge;
  checkpoints: Counter<'outcome'>;
  outboundMessages: Counter<'kind' | 'status'>;
  outboundDeliveries: Counter<'kind' | 'outcome'>;
  outboundHeld: Gauge;
  upstreamTokenRefreshes: Counter<'product' | 'mode' | 'outcome'>;
  upstreamApiErrors: Counter<'product' | 'label' | 'retry'>;
  /** WeCom callback pushes by corp (configuration id) and outcome: archived, duplicate, or the refusal's error code. */
  wecomCallbacks: Counter<'corp' | 'outcome'>;
  wecomCallbackSeconds: Histogram<'outcome'>;
  /** Newly archived WeCom callback events by corp and type (a known type of wecom.md §5, or unknown). */
  wecomCallbackEvents: Counter<'corp' | 'type'>;
}

/** Build the registry and the gateway's metrics. */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cgw_' });
  return {
    registry,
    callbacks: new Counter({ name: 'cgw_callbacks_total', help: 'Tencent callbacks by account and outcome', labelNames: ['account', 'outcome'], registers: [registry] }),
    callbackSeconds: new Histogram({ name: 'cgw_callback_duration_seconds', help: 'Callback handling time until the answer to Tencent', labelNames: ['outcome'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] }),
    archiveBatchSize: new Histogram({ name: 'cgw_archive_batch_size', help: 'Records committed per archive transaction', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], registers: [registry] }),
    archiveCommitSeconds: new Histogram({ name: 'cgw_archive_commit_seconds', help: 'Archive transaction time', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] }),
    archiveBatchReruns: new Counter({ name: 'cgw_archive_batch_reruns_total', help: 'Archive transactions rerun after a unique-key clash (a retried or replayed push not seen by this replica, or a concurrent writer)', registers: [registry] }),
    archiveRecords: new Counter({ name: 'cgw_archive_records_total', help: 'Archive records committed', labelNames: ['record_type'], registers: [registry] }),
    forwards: new Counter({ name: 'cgw_forwards_total', help: 'Deliveries to internal apps by outcome', labelNames: ['app', 'outcome'], registers: [registry] }),
    outboxPending: new Gauge({ name: 'cgw_outbox_pending', help: 'Outbox rows not yet done', registers: [registry], aggregator: 'max' }),
    outboxFailed: new Gauge({ name: 'cgw_outbox_failed', help: 'Outbox rows that exhausted their retries (need an operator)', registers: [registry], aggregator: 'max' }),
    checkpoints: new Counter({ name: 'cgw_checkpoints_total', help: 'Signed chain checkpoints', labelNames: ['outcome'], registers: [registry] }),
    outboundMessages: new Counter({ name: 'cgw_outbound_messages_total', help: 'Outbound messages submitted by internal apps, by kind and status after the policy decision', labelNames: ['kind', 'status'], registers: [registry] }),
    outboundDeliveries: new Counter({ name: 'cgw_outbound_deliveries_total', help: 'Delivery attempts to Tencent by kind and outcome (delivered, failed, retry)', labelNames: ['kind', 'outcome'], registers: [registry] }),
    outboundHeld: new Gauge({ name: 'cgw_outbound_held', help: 'Outbound messages waiting for approval', registers: [registry], aggregator: 'max' }),
    upstreamTokenRefreshes: new Counter({ name: 'cgw_upstream_token_refreshes_total', help: 'Access-token fetches from Tencent', labelNames: ['product', 'mode', 'outcome'], registers: [registry] }),
    upstreamApiErrors: new Counter({ name: 'cgw_upstream_api_errors_total', help: 'Failed Tencent API calls by errcode or failure kind', labelNames: ['product', 'label', 'retry'], registers: [registry] }),
    wecomCallbacks: new Counter({ name: 'cgw_wecom_callbacks_total', help: 'WeCom callback pushes by corp and outcome', labelNames: ['corp', 'outcome'], registers: [registry] }),
    wecomCallbackSeconds: new Histogram({ name: 'cgw_wecom_callback_duration_seconds', help: 'WeCom callback handling time until the answer', labelNames: ['outcome'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] }),
    wecomCallbackEvents: new Counter({ name: 'cgw_wecom_callback_events_total', help: 'Newly archived WeCom callback events by corp and event type', labelNames: ['corp', 'type'], registers: [registry] }),
  };
}
