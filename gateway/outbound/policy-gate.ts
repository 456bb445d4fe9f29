/**
 * The live policy, bound to the gateway's lookups: asks the prepared policy
 * what a message needs (window, quota, FINRA count, consent, binding), looks
 * exactly that up, and evaluates. Consent and binding come from the consent
 * ledger and the binding registry (cached per person); without them
 * (tests of other rules) they read `unknown` and the policy says what that means.
 */
import type { Decision } from '../../connectors/canonical/decision';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import { UNKNOWN_BINDING, UNKNOWN_CONSENT, type BindingView, type ConsentView, type PolicyContext, type WindowAction, type WindowView } from '../../policies/context';
import type { ConsentPurpose } from '../../policies/schema';
import { contextNeeds, type PreparedPolicy } from '../../policies/prepare';
import { evaluate } from '../../policies/evaluate';
import type { ContactStore, FollowerRows } from './contact-store';
import type { OutboundMessageStore } from './message-store';
import type { PolicyGate } from './ports';
import { UsageCounts } from './usage-counts';

const DAY_MS = 86_400_000;

export interface PolicyGateDeps {
  prepared: PreparedPolicy;
  contacts: ContactStore;
  messages: OutboundMessageStore;
  subjectIndex(id: string): string;
  ownerGroup(appId: string): string | undefined;
  now(): number;
  /** How long an app's quota counts are trusted before re-reading them (default 2 s). */
  usageRefreshMs?: number;
  /** The recipients' consent for `purposes` (consent/policy-views.ts); absent: unknown. */
  consent?(message: OutboundMessage, purposes: readonly ConsentPurpose[]): Promise<ConsentView>;
  /** Whether the recipients are bound to bank customers; absent: unknown. */
  binding?(message: OutboundMessage): Promise<BindingView>;
}

/** A PolicyGate over the prepared policy and the gateway's stores. */
export function createPolicyGate(deps: PolicyGateDeps): PolicyGate {
  const usage = new UsageCounts(deps.messages, { refreshMs: deps.usageRefreshMs ?? 2000 });
  return {
    version: deps.prepared.version,
    async decide(message: OutboundMessage, options = {}): Promise<Decision> {
      const now = options.now ?? deps.now();
      const needs = contextNeeds(deps.prepared, message);
      const excludeId = options.atRelease ? Number(message.id) : -1;
      const [consent, binding, window, appSentToday, appSentThisMinute, sameContent] = await Promise.all([
        needs.consentPurposes.length > 0 && deps.consent ? deps.consent(message, needs.consentPurposes) : Promise.resolve(UNKNOWN_CONSENT),
        needs.binding && deps.binding ? deps.binding(message) : Promise.resolve(UNKNOWN_BINDING),
        needs.window ? windowView(deps, message, options.followers) : Promise.resolve(undefined),
        needs.quota ? usage.count(message.appId, needs.quota.kinds, 'day', startOfChinaDay(now), now) : Promise.resolve(0),
        needs.quota ? usage.count(message.appId, needs.quota.kinds, 'minute', now - 60_000, now) : Promise.resolve(0),
        needs.finra && deps.prepared.finra && !options.notRetail ? deps.messages.distinctRecipients(message.contentHash, now - deps.prepared.finra.windowDays * DAY_MS, excludeId) : Promise.resolve(0),
      ]);
      // At release the message itself is already counted in the app's usage: do not charge it twice.
      const own = options.atRelease ? 1 : 0;
      const owner = deps.ownerGroup(message.appId);
      const context: PolicyContext = {
        message,
        now,
        consent,
        binding,
        window,
        usage: { appSentToday: Math.max(0, appSentToday - own), appSentThisMinute: Math.max(0, appSentThisMinute - own), sameContentRetailRecipients: sameContent },
        requester: { appId: message.appId, ...(owner ? { ownerGroup: owner } : {}) },
      };
      const decision = evaluate(deps.prepared, context);
      if (decision.outcome !== 'deny' && !options.atRelease && !options.now) usage.note(message.appId, message.kind);
      return decision;
    },
    windowClosesAt: (message, followers) => windowEnd(deps, message, followers),
  };
}

/** When the customer-service window of a single-recipient OA message closes (epoch ms), or null when no window applies or none is known. */
async function windowEnd(deps: PolicyGateDeps, message: OutboundMessage, known?: FollowerRows): Promise<number | null> {
  const table = deps.prepared.window?.table;
  const only = message.recipients.length === 1 ? message.recipients[0] : undefined;
  if (!table || !deps.prepared.window?.kinds.has(message.kind) || only?.type !== 'openid') return null;
  const row = await follower(deps, message.accountId, deps.subjectIndex(only.id), known);
  const rule = row?.windowTrigger ? table[row.windowTrigger as WindowAction['trigger']] : undefined;
  return row?.windowAt != null && rule ? row.windowAt + rule.validityMs : null;
}

async function windowView(deps: PolicyGateDeps, message: OutboundMessage, known?: FollowerRows | Promise<FollowerRows>): Promise<WindowView> {
  const recipients: Record<string, WindowAction[]> = {};
  for (const r of message.recipients) {
    if (r.type !== 'openid') continue;
    const row = await follower(deps, message.accountId, deps.subjectIndex(r.id), known);
    // Unfollowed, or never seen opening a window: no open window (Tencent answers 45015 too).
    recipients[r.id] = row && row.subscribed === 1 && row.windowTrigger && row.windowAt !== null
      ? [{ trigger: row.windowTrigger as WindowAction['trigger'], at: row.windowAt, sentSince: row.sentSince }]
      : [];
  }
  return { recipients };
}

// The caller's rows when it read this account's followers for the message already; the store otherwise.
async function follower(deps: PolicyGateDeps, accountId: string, openidBidx: string, reading?: FollowerRows | Promise<FollowerRows>) {
  const known = await reading;
  return known?.accountId === accountId ? (known.here.get(openidBidx) ?? null) : deps.contacts.get(accountId, openidBidx);
}

// Tencent's daily quotas reset at midnight China time (UTC+8).
function startOfChinaDay(ms: number): number {
  const offset = 8 * 3_600_000;
  return ms - ((ms + offset) % DAY_MS);
}
