/**
 * The forward worker's command: deliver one outbox row to its app. Idempotent:
 * a row already done or failed is left alone. A reply that arrives here is too
 * late for Tencent's callback; it is archived as evidence and never sent.
 */
import { forwardToApp } from '../forwarding/forward-to-app';
import { eventIdFor } from '../archive/writer';
import type { InboundDeps } from './inbound-deps';
import { recordFailedAttempt } from './record-failed-attempt';

interface InboundPayload {
  plaintextXml: string;
  event: { fromUserName: string; toUserName: string };
}

/** Deliver outbox row `outboxId`; resolves when the outcome is recorded. */
export async function deliverOutboxRow(deps: InboundDeps, outboxId: string): Promise<void> {
  const row = await deps.outbox.get(outboxId);
  if (!row || row.status !== 'pending') return;
  const app = deps.apps.get(row.target);
  if (!app) {
    await recordFailedAttempt(deps, { id: row.id, attempts: deps.forwarding.maxAttempts - 1 }, `no app "${row.target}" in the configuration`);
    return;
  }
  const record = await deps.reader.open(row.recordId);
  const payload = record.payload as unknown as InboundPayload;
  const eventId = eventIdFor(record.stored.dedupeBidx);
  const result = await forwardToApp({
    app,
    plaintextXml: payload.plaintextXml,
    openid: payload.event.fromUserName,
    originalId: payload.event.toUserName,
    eventId,
    nowSeconds: Math.floor(deps.now() / 1000),
    timeoutMs: deps.forwarding.timeoutMs,
  });
  deps.metrics.forwards.inc({ app: app.id, outcome: result.ok ? 'delivered' : 'failed' });
  if (!result.ok) {
    await recordFailedAttempt(deps, row, result.error ?? 'delivery failed');
    return;
  }
  if (result.replyBody !== undefined) {
    await deps.archive.append({
      recordType: 'oa.reply.late',
      accountId: record.accountId,
      subject: payload.event.fromUserName,
      occurredAtMs: deps.now(),
      dedupeKey: `oa.reply.late|${eventId}|${app.id}`,
      payload: { inboundRecordId: row.recordId, app: app.id, replyBody: result.replyBody },
      outbox: [],
    });
  }
  await deps.outbox.markDone(row.id, deps.now());
}
