/**
 * What the consent ledger and the binding registry offer the rest of the
 * gateway (the consent and bind pages, WeCom consent, the policy gate, the
 * admin API and cgw). People are named by the id Tencent gives them and the
 * account or corp it belongs to; the stores keep only blind indexes of ids
 * and the customer id encrypted.
 */
import type { ConsentPurpose } from '../../policies/schema';
import type { ConsentLanguage } from './config';

/** openid and unionid (Official Accounts) or external_userid (WeCom). */
export type PersonKind = 'openid' | 'unionid' | 'external_userid';

export interface PersonRef {
  kind: PersonKind;
  /** The id as Tencent gives it; never stored in clear. */
  id: string;
  /** Configuration id of the OA account (openid), or of the WeCom corp (external_userid); for a unionid, the account it was learned through. */
  accountId: string;
}

/** A ledger purpose: the policy's consent purposes (`processing` withdrawn = retained for legal obligation only). */
export type LedgerPurpose = ConsentPurpose;
export type ConsentAction = 'grant' | 'withdraw';
/** Who caused the entry: the person, Tencent (WeCom agree/disagree), the reconcile job, a bulk import, or an officer. */
export type ConsentSource = 'user' | 'tencent' | 'reconciliation' | 'import' | 'admin';
/** Where the entry came from. */
export type ConsentChannel = 'oa_page' | 'oa_keyword' | 'wecom_msgaudit' | 'wecom_callback' | 'wecom_check' | 'admin_api' | 'cli' | 'import';

export interface ConsentChange {
  purpose: LedgerPurpose;
  action: ConsentAction;
  /** sha256 hex of the exact notice text shown (null where none was shown: Tencent events, reconciliation). */
  noticeVersion: string | null;
  language: ConsentLanguage | null;
}

export interface ConsentEntry extends ConsentChange {
  id: string;
  channel: ConsentChannel;
  source: ConsentSource;
  /** The archive record that is the evidence (page submission, keyword message, msgaudit agree …). */
  evidenceRecordId: string;
  occurredAt: number;
  recordedAt: number;
  /** Officer or job that recorded it (admin, import, reconciliation); null for the person's own action. */
  actor: string | null;
}

/** Derived state of one purpose: `stale` = granted under a notice version that is no longer current. */
export type PurposeState = 'granted' | 'withdrawn' | 'missing' | 'stale';

export interface PersonConsent {
  purposes: Record<LedgerPurpose, { state: PurposeState; since: number | null; noticeVersion: string | null }>;
  /** Processing consent withdrawn: regulated records are kept, everything else is excluded. */
  retainedForLegalObligationOnly: boolean;
}

export interface RecordConsentInput {
  person: PersonRef;
  changes: ConsentChange[];
  channel: ConsentChannel;
  source: ConsentSource;
  /** Either an archive record that already is the evidence, or a payload to archive as a `consent.evidence` record in the same transaction as the entries. */
  evidence: { recordId: string } | { payload: Record<string, unknown>; dedupeKey: string };
  occurredAt: number;
  actor?: string;
}

export interface ConsentLedger {
  /** Derived state, from the ledger (through the cache). */
  current(person: PersonRef): Promise<PersonConsent>;
  /** Append entries (after archiving the evidence, in one transaction); changes that would not change the derived state are still recorded when they come from the person. Invalidates the cache. */
  record(input: RecordConsentInput): Promise<{ evidenceRecordId: string; entries: ConsentEntry[]; duplicate: boolean }>;
  /** Every entry for the person, oldest first. */
  history(person: PersonRef): Promise<ConsentEntry[]>;
}

export interface ConsentNotice {
  purpose: LedgerPurpose;
  language: ConsentLanguage;
  title: string;
  text: string;
  /** sha256 hex of `text`. */
  version: string;
}

export interface ConsentNotices {
  /** The current notices in `language`, in configuration order. */
  list(language: ConsentLanguage): ConsentNotice[];
  get(purpose: LedgerPurpose, language: ConsentLanguage): ConsentNotice | undefined;
}

export type BindingSourceKind = 'crm_api' | 'bind_page' | 'import' | 'cli';

export interface BindInput {
  /** The ids to bind (an openid and, when Tencent gave one, its unionid). */
  persons: PersonRef[];
  customerId: string;
  source: BindingSourceKind;
  /** As for consent: an existing archive record, or a payload archived as a `binding.evidence` record. */
  evidence: { recordId: string } | { payload: Record<string, unknown>; dedupeKey: string };
  occurredAt: number;
  actor?: string;
}

export interface BindingRecord {
  id: string;
  kind: PersonKind;
  accountId: string;
  action: 'bind' | 'unbind';
  /** Decrypted customer id (only handed out to callers allowed to see it). */
  customerId: string | null;
  source: BindingSourceKind;
  evidenceRecordId: string;
  occurredAt: number;
  actor: string | null;
}

export interface Bindings {
  bind(input: BindInput): Promise<{ evidenceRecordId: string }>;
  unbind(input: Omit<BindInput, 'customerId'>): Promise<{ evidenceRecordId: string }>;
  /** The customer id currently bound to the person (through the cache), or null. */
  customerOf(person: PersonRef): Promise<string | null>;
  history(person: PersonRef): Promise<BindingRecord[]>;
}

/**
 * Where a page state is used: the OAuth round trip of the consent or bind
 * page, the trip through the bank's login page, and the one-time token of a
 * rendered consent form (a replayed submission finds it used).
 */
export type PageFlow = 'consent' | 'bind' | 'bind-login' | 'consent-form' | 'sidebar'; // sidebar: the WeCom content sidebar's OAuth state

/** Single-use OAuth / bank-login / form state for the consent and bind pages. */
export interface PageStates {
  /**
   * A fresh random state ([A-Za-z0-9], 43 chars: fits Tencent's state rule)
   * for `flow`, stored only as a hash, expiring after `ttlSeconds` (default:
   * consent.oauthStateTtlSeconds). `data` is sealed (encrypted) at rest, so it may carry an openid.
   */
  create(flow: PageFlow, accountId: string, data: Record<string, string>, ttlSeconds?: number): Promise<string>;
  /** Consume a state: resolves with its data exactly once; null when unknown, expired, of another flow or account, or already used. */
  consume(state: string, flow: PageFlow, accountId: string): Promise<Record<string, string> | null>;
}
