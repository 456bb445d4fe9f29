/**
 * The policy engine's consent and binding views for a message, from the
 * ledger and the binding registry (through their caches). Recipients are
 * looked up by the blind index of their id; group audiences (tags, parties,
 * chats, everyone) are left out and read `unknown`.
 */
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import type { BindingView, ConsentState, ConsentView } from '../../policies/context';
import type { ConsentPurpose } from '../../policies/schema';
import type { TypeOrmBindings } from './bindings';
import type { TypeOrmConsentLedger } from './ledger';
import type { PersonIndex } from './person-index';
import type { PersonConsent } from './ports';

const PERSONS = new Set(['openid', 'external_userid']);

/** The recipient ids the ledger can answer for. */
function personIds(message: OutboundMessage): string[] {
  return [...new Set(message.recipients.filter((r) => PERSONS.has(r.type)).map((r) => r.id))];
}

export async function consentView(ledger: TypeOrmConsentLedger, index: PersonIndex, message: OutboundMessage, purposes: readonly ConsentPurpose[]): Promise<ConsentView> {
  const recipients: ConsentView['recipients'] = {};
  if (purposes.length === 0) return { recipients };
  const ids = personIds(message);
  const keys = ids.map((id) => index({ id }));
  // Cached answers without a promise each; only misses wait for the database.
  const peeked = keys.map((k) => ledger.cache.peek(k));
  const states = peeked.every((s) => s !== undefined) ? (peeked as PersonConsent[]) : await Promise.all(keys.map((k, i) => peeked[i] ?? ledger.currentByIndex(k)));
  ids.forEach((id, i) => {
    recipients[id] = Object.fromEntries(purposes.map((p) => [p, stateFor(states[i]!, p)]));
  });
  return { recipients };
}

/** A person retained for legal obligation only reads withdrawn for everything but archiving. */
export function stateFor(consent: PersonConsent, purpose: ConsentPurpose): ConsentState {
  if (consent.retainedForLegalObligationOnly && purpose !== 'archiving') return 'withdrawn';
  return consent.purposes[purpose].state;
}

export async function bindingView(bindings: TypeOrmBindings, index: PersonIndex, message: OutboundMessage): Promise<BindingView> {
  const recipients: BindingView['recipients'] = {};
  const ids = personIds(message);
  const keys = ids.map((id) => index({ id }));
  const peeked = keys.map((k) => bindings.cache.peek(k));
  const current = peeked.every((c) => c !== undefined) ? (peeked as { customerBidx: string | null }[]) : await Promise.all(keys.map((k, i) => peeked[i] ?? bindings.currentByIndex(k)));
  ids.forEach((id, i) => {
    recipients[id] = current[i]!.customerBidx ? 'bound' : 'unbound';
  });
  return { recipients };
}
