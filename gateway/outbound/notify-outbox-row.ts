/** The worker's command for a `notify` outbox row: tell the app a message's final state, retrying with backoff until it answers 2xx. */
import { backoffMs } from '../outbox/outbox-store';
import type { OutboundDeps } from './outbound-deps';
import { postOutcome } from './notify-app';

/** Deliver one outcome event; resolves when the attempt is recorded. */
export async function notifyOutboxRow(deps: OutboundDeps, outboxId: string): Promise<void> {
  const row = await deps.outbox.get(outboxId);
  if (!row || row.status !== 'pending' || row.kind !== 'notify') return;
  const now = deps.now();
  if (!(await deps.outbox.claim(outboxId, now, deps.config.claimMs))) return;
  const app = deps.apps.get(row.target);
  const record = await deps.reader.open(row.recordId);
  const msg = await deps.messages.get(Number((record.payload as { messageId?: string }).messageId));
  if (!app || !msg) {
    await deps.outbox.markAttemptFailed(outboxId, row.attempts + 1, now, app ? 'message not found' : `no app "${row.target}" in the configuration`, true, now);
    return;
  }
  const error = await postOutcome(app, msg, deps.now(), 5000);
  if (error === null) {
    await deps.outbox.markDone(outboxId, deps.now());
    return;
  }
  const attempts = row.attempts + 1;
  const exhausted = attempts >= deps.config.maxAttempts;
  const delay = backoffMs(attempts, deps.config.backoffBaseMs, deps.config.backoffMaxMs);
  const later = deps.now();
  await deps.outbox.markAttemptFailed(outboxId, attempts, later + delay, error, exhausted, later);
  if (!exhausted) deps.schedule(outboxId, attempts, delay);
}
