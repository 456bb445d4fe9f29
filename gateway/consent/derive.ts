/**
 * The current consent state of one person, derived from the ledger: never
 * stored, never overwritten. Pure, so it is the same on every replica and
 * under any order the entries were appended in.
 *
 * Entries are ordered by when they happened (occurredAt). Two entries at the
 * same instant are ordered withdraw-after-grant (a tie resolves to the
 * safer state), then by id, so the result depends only on the set of
 * entries. The latest entry of a purpose decides it: grant ⇒ granted (or
 * stale, when its notice version is no longer the current text in its
 * language), withdraw ⇒ withdrawn, none ⇒ missing. A withdrawn `processing`
 * purpose marks the person retained for legal obligation only.
 */
import { CONSENT_PURPOSES } from '../../policies/schema';
import { versionKey } from './notices';
import type { ConsentEntry, LedgerPurpose, PersonConsent, PurposeState } from './ports';

export const LEDGER_PURPOSES: readonly LedgerPurpose[] = CONSENT_PURPOSES;

type Derivable = Pick<ConsentEntry, 'id' | 'purpose' | 'action' | 'noticeVersion' | 'language' | 'occurredAt'>;

/** Total order of entries: time, then withdraw after grant, then id. */
export function compareEntries(a: Derivable, b: Derivable): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  if (a.action !== b.action) return a.action === 'grant' ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * @param entries the person's entries, in any order
 * @param currentVersions current notice version per `versionKey(purpose, language)`
 */
export function deriveConsent(entries: readonly Derivable[], currentVersions: ReadonlyMap<string, string>): PersonConsent {
  const latest = new Map<LedgerPurpose, Derivable>();
  for (const e of entries) {
    const prior = latest.get(e.purpose);
    if (!prior || compareEntries(prior, e) < 0) latest.set(e.purpose, e);
  }
  const purposes = {} as PersonConsent['purposes'];
  for (const purpose of LEDGER_PURPOSES) {
    const e = latest.get(purpose);
    let state: PurposeState = 'missing';
    if (e?.action === 'withdraw') state = 'withdrawn';
    else if (e?.action === 'grant') state = isStale(e, currentVersions) ? 'stale' : 'granted';
    purposes[purpose] = { state, since: e?.occurredAt ?? null, noticeVersion: e?.noticeVersion ?? null };
  }
  return { purposes, retainedForLegalObligationOnly: purposes.processing.state === 'withdrawn' };
}

// A grant with no notice (Tencent's own consent, reconciliation, import) has nothing to go stale.
function isStale(e: Derivable, currentVersions: ReadonlyMap<string, string>): boolean {
  if (e.noticeVersion === null || e.language === null) return false;
  const current = currentVersions.get(versionKey(e.purpose, e.language));
  return current !== undefined && current !== e.noticeVersion;
}
