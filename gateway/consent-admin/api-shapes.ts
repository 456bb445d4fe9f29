/** Ledger, binding and alert rows in the admin API's shapes (times as ISO date-times). */
import type { components } from '../admin-api/generated/openapi';
import type { ComplianceAlertRow } from '../db/entities';
import { compareEntries, deriveConsent, LEDGER_PURPOSES } from '../consent/derive';
import { stateFor } from '../consent/policy-views';
import type { BindingRecord, ConsentEntry, PersonConsent } from '../consent/ports';

type Schemas = components['schemas'];

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** A person's entries in the order the derivation reads them (time, then withdraw after grant, then id): stable for entries of the same instant. */
export function inDerivationOrder(history: readonly ConsentEntry[]): ConsentEntry[] {
  return [...history].sort(compareEntries);
}

/** One ledger entry. */
export function entryForApi(e: ConsentEntry): Schemas['ConsentEntry'] {
  return {
    id: e.id, purpose: e.purpose, action: e.action, noticeVersion: e.noticeVersion, language: e.language, channel: e.channel, source: e.source,
    evidenceRecordId: e.evidenceRecordId, occurredAt: iso(e.occurredAt), recordedAt: iso(e.recordedAt), actor: e.actor,
  };
}

/** The derived state, every purpose in registry order, with what the policy sees of each. */
export function consentStateForApi(consent: PersonConsent): Schemas['ConsentState'] {
  return {
    purposes: LEDGER_PURPOSES.map((purpose) => ({
      purpose,
      state: consent.purposes[purpose].state,
      effectiveState: stateFor(consent, purpose) as Schemas['PurposeState'],
      since: isoOrNull(consent.purposes[purpose].since),
      noticeVersion: consent.purposes[purpose].noticeVersion,
    })),
    retainedForLegalObligationOnly: consent.retainedForLegalObligationOnly,
  };
}

/** The state derived from exactly `history` (what an officer reads is what the entries shown say). */
export function derivedState(history: readonly ConsentEntry[], currentVersions: ReadonlyMap<string, string>): Schemas['ConsentState'] {
  return consentStateForApi(deriveConsent(history, currentVersions));
}

/** One binding history entry; the customer id only when it may be shown. */
export function bindingForApi(b: BindingRecord, showCustomerId: boolean): Schemas['BindingEntry'] {
  return {
    id: b.id, kind: b.kind, accountId: b.accountId, action: b.action, customerId: showCustomerId ? b.customerId : null, source: b.source,
    evidenceRecordId: b.evidenceRecordId, occurredAt: iso(b.occurredAt), actor: b.actor,
  };
}

/** One compliance alert. */
export function alertForApi(a: ComplianceAlertRow): Schemas['Alert'] {
  return {
    id: a.id, kind: a.kind, severity: a.severity as Schemas['Alert']['severity'], accountId: a.accountId, subjectIndex: a.subjectBidx, recordId: a.recordId,
    summary: a.summary, status: a.status as Schemas['AlertStatus'], createdAt: iso(a.createdAt), closedAt: isoOrNull(a.closedAt), closedBy: a.closedBy,
    closeAction: a.closeAction, closeRecordId: a.closeRecordId,
  };
}
