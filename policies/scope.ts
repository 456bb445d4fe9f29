/** Matching a message against a rule's scope, and counting its audience. */
import { OUTBOUND_KINDS, type OutboundKind, type OutboundMessage, type OutboundRecipient } from '../connectors/canonical/outbound-message';

/** A policy kind list (`*` = every kind) as a set of kinds. */
export function kindScope(kinds: readonly string[]): ReadonlySet<OutboundKind> {
  const all = Object.keys(OUTBOUND_KINDS) as OutboundKind[];
  return new Set(kinds.includes('*') ? all : (kinds as OutboundKind[]));
}

/** A list of names where `*` matches anything. */
export function nameScope(names: readonly string[]): (name: string | undefined) => boolean {
  if (names.includes('*')) return () => true;
  const set = new Set(names);
  return (name) => name !== undefined && set.has(name);
}

// Recipient types that name one person; the others (tags, parties, chats, everyone) are audiences of unknown size.
const INDIVIDUAL: ReadonlySet<OutboundRecipient['type']> = new Set(['openid', 'userid', 'external_userid', 'welcome_code']);

/** Distinct individual recipients; Infinity when any recipient is a group (tag, party, chat, all). */
export function audienceSize(message: OutboundMessage): number {
  const ids = new Set<string>();
  for (const r of message.recipients) {
    if (!INDIVIDUAL.has(r.type)) return Infinity;
    ids.add(`${r.type}:${r.id}`);
  }
  return ids.size;
}

/** Distinct recipient ids (views are keyed by id). */
export function recipientIds(message: OutboundMessage): string[] {
  if (message.recipients.length === 1) return [message.recipients[0]!.id];
  return [...new Set(message.recipients.map((r) => r.id))];
}
