/**
 * What the engine is given: the message and plain-data views of everything
 * else it depends on, gathered by the gateway beforehand (see
 * `contextNeeds` in prepare.ts for what a message needs). No view is ever
 * fetched by the engine, which is why it can be pure and replayable: the
 * archived context plus the policy version reproduce the decision.
 *
 * Views are keyed by the recipient id exactly as in `message.recipients`.
 * A recipient missing from the consent or binding view reads as `unknown`;
 * an openid missing from a (supplied) window view has no open window, since
 * the gateway records every qualifying inbound event. Group recipients (tag,
 * party, chat, all) are looked up by their id like anyone else, so they
 * read `unknown` unless a source can answer for the whole group.
 */
import type { OutboundMessage } from '../connectors/canonical/outbound-message';
import type { ConsentPurpose, WindowTrigger } from './schema';

export type { ConsentPurpose, WindowTrigger } from './schema';

/**
 * PIPL consent for one purpose: `missing` = known to have none; `stale` =
 * granted under a notice text that has since changed; `unknown` = no source
 * could say.
 */
export type ConsentState = 'granted' | 'withdrawn' | 'missing' | 'stale' | 'unknown';

export interface ConsentView {
  recipients: Record<string, Partial<Record<ConsentPurpose, ConsentState>>>;
}

/** Whether an openid / external_userid is bound to a bank customer. */
export type BindingState = 'bound' | 'unbound' | 'unknown';

export interface BindingView {
  recipients: Record<string, BindingState>;
}

/** One qualifying user action that opened a customer-service window. */
export interface WindowAction {
  trigger: WindowTrigger;
  /** Epoch ms of the user's action (the inbound event's CreateTime). */
  at: number;
  /** Customer-service messages already sent to the user since this action. */
  sentSince: number;
}

/**
 * Customer-service windows per openid: the latest action of each trigger
 * type (at most one per trigger), because windows of different triggers
 * overlap: a menu click's 1-minute window does not close the 48-hour window
 * a message opened earlier.
 */
export interface WindowView {
  recipients: Record<string, WindowAction[]>;
}

export interface UsageView {
  /** Messages of the app's quota scope (`prepared.quotas.match`) sent today, before this one. */
  appSentToday: number;
  /** Likewise, in the current minute. */
  appSentThisMinute: number;
  /** Distinct retail recipients of the same `contentHash` within `prepared.finra.windowDays`, before this message. */
  sameContentRetailRecipients: number;
}

export interface Requester {
  appId: string;
  /** The SSO group owning the app (approval routes may match on it). */
  ownerGroup?: string;
}

export interface PolicyContext {
  message: OutboundMessage;
  /** Epoch ms (an integer); the engine never reads a clock. */
  now: number;
  consent: ConsentView;
  binding: BindingView;
  /** Undefined when the gateway has no window state (the window rule's onUnknown applies to windowed kinds). */
  window: WindowView | undefined;
  usage: UsageView;
  requester: Requester;
}

/** A consent view that knows nothing: every lookup reads `unknown`. */
export const UNKNOWN_CONSENT: ConsentView = Object.freeze({ recipients: Object.freeze({}) as ConsentView['recipients'] });

/** A binding view that knows nothing. */
export const UNKNOWN_BINDING: BindingView = Object.freeze({ recipients: Object.freeze({}) as BindingView['recipients'] });

/** The consent state of a recipient for a purpose (absent ⇒ unknown). */
export function consentOf(view: ConsentView, recipientId: string, purpose: ConsentPurpose): ConsentState {
  const entry = Object.hasOwn(view.recipients, recipientId) ? view.recipients[recipientId] : undefined;
  return entry?.[purpose] ?? 'unknown';
}

/** The binding state of a recipient (absent ⇒ unknown). */
export function bindingOf(view: BindingView, recipientId: string): BindingState {
  return Object.hasOwn(view.recipients, recipientId) ? (view.recipients[recipientId] ?? 'unknown') : 'unknown';
}
