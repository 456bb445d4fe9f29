/**
 * Where consent comes from: the interface the consent issue implements
 * (PIPL consent records, withdrawals, WeCom check_single_agree …). The
 * gateway asks it before evaluating, for the purposes `contextNeeds` lists,
 * and hands the answer to the engine as a ConsentView. Until then the stub
 * answers `unknown` for everyone, and each consent rule's `onUnknown` says
 * what that means (the default policy holds marketing for approval).
 */
import type { OutboundMessage } from '../connectors/canonical/outbound-message';
import { UNKNOWN_CONSENT, type ConsentPurpose, type ConsentView } from './context';

export interface ConsentSource {
  /** Consent of the message's recipients for `purposes`; recipients it cannot answer for are left out (unknown). */
  consentFor(message: OutboundMessage, purposes: readonly ConsentPurpose[]): Promise<ConsentView>;
}

/** The stub: knows nothing, so every recipient reads `unknown`. */
export const unknownConsentSource: ConsentSource = {
  consentFor: async () => UNKNOWN_CONSENT,
};
