/** Held messages whose TTL or 48-hour window has passed are expired: archived, never sent, the app told. */
import { OUTBOUND_MESSAGE_ENTITY } from '../db/entities';
import type { OutboundDeps } from './outbound-deps';

/** Expire every held message due at now; resolves with how many. */
export async function expireHeld(deps: OutboundDeps, limit = 200): Promise<number> {
  const now = deps.now();
  let expired = 0;
  for (const msg of await deps.messages.dueForExpiry(now, limit)) {
    const notify = Boolean(deps.apps.get(msg.appId)?.eventsUrl);
    try {
      const appended = await deps.archive.append({
        recordType: 'outbound.expired',
        accountId: msg.accountId,
        subject: null,
        occurredAtMs: now,
        dedupeKey: `outbound.expired|${msg.id}`,
        payload: { messageId: String(msg.id), contentHash: msg.contentHash, expiresAt: msg.expiresAt, approvals: msg.approvalsCount, required: msg.approvalsRequired },
        outbox: notify ? [{ kind: 'notify', target: msg.appId }] : [],
        exclusive: true,
        effects: async (tx) => {
          const changed = await tx.update(OUTBOUND_MESSAGE_ENTITY, { id: msg.id, status: 'held' }, { status: 'expired', updatedAt: now, finishedAt: now });
          if (changed !== 1) throw new Error('message left the held state');
        },
      });
      appended.outboxIds.forEach((o) => deps.schedule(o.id));
      await deps.audit.record({ type: 'outbound.expired', actor: { subject: 'gateway', via: 'system' }, target: String(msg.id), contentHash: msg.contentHash, outcome: 'expired', details: { approvals: msg.approvalsCount } });
      expired++;
    } catch (err) {
      // Approved or rejected in the meantime: nothing to expire.
      deps.logger.debug({ messageId: msg.id, err: (err as Error).message }, 'held message not expired');
    }
  }
  return expired;
}
