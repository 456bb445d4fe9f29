/** After a failed delivery: count the attempt, back off, or mark the row failed for good (visible, never dropped). */
import { backoffMs } from '../outbox/outbox-store';
import type { InboundDeps } from './inbound-deps';

/** Record one failed attempt of an outbox row and reschedule it unless its attempts are exhausted. */
export async function recordFailedAttempt(deps: InboundDeps, row: { id: string; attempts: number }, error: string): Promise<void> {
  const f = deps.forwarding;
  const attempts = row.attempts + 1;
  const exhausted = attempts >= f.maxAttempts;
  const delay = backoffMs(attempts, f.backoffBaseMs, f.backoffMaxMs);
  const now = deps.now();
  await deps.outbox.markAttemptFailed(row.id, attempts, now + delay, error.slice(0, 500), exhausted, now);
  if (exhausted) deps.logger.error({ outboxId: row.id, attempts }, 'outbox row failed after its last attempt; needs an operator');
  else deps.schedule(row.id, attempts, delay);
}
