/**
 * Consent changes an officer records through the admin API: a paper form,
 * an import, a PIPL rights request (restrict = withdraw `processing`, lift =
 * grant it again). Source `admin`, channel `admin_api`, the caller as actor;
 * the request itself is the evidence, archived as `consent.evidence` in the
 * transaction that appends the entries. The basis is audited as its hash.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { ApiPersonRef, AuditFacts, RecordConsentRequest, RecordConsentResult, RightsRequest, RightsResult } from '../admin-api/ports';
import { textHash } from '../admin-api/routes/text-hash';
import type { ConsentChange } from '../consent/ports';
import { derivedState, entryForApi } from './api-shapes';
import type { ConsentAdminDeps } from './deps';
import { occurredAt, personFacts, toPersonRef } from './person-ref';
import { refusingBadInput } from './refusals';

/** The dedupe key of an admin request: the caller's requestId (a retry records nothing), or a fresh one. */
function dedupeKey(kind: string, requestId: string | undefined): string {
  return `admin:${kind}:${requestId ?? randomUUID()}`;
}

/** Record an officer's consent changes for `person`. @throws AdminError invalid */
export async function recordConsentByOfficer(deps: ConsentAdminDeps, api: ApiPersonRef, request: RecordConsentRequest, actor: Actor): Promise<{ result: RecordConsentResult; audit: AuditFacts }> {
  const person = toPersonRef(deps, api, '/body/account');
  const changes: ConsentChange[] = request.changes.map((c) => ({ purpose: c.purpose, action: c.action, noticeVersion: c.noticeVersion ?? null, language: c.language ?? null }));
  const basis = { basisHash: textHash(request.basis), basisLength: request.basis.length };
  const facts = personFacts(deps, person, basis);
  const at = occurredAt(deps, request.occurredAt, '/body/occurredAt');
  const recorded = await refusingBadInput(facts, () => deps.consent.ledger.record({
    person, changes, channel: 'admin_api', source: 'admin', occurredAt: at, actor: actor.subject,
    evidence: { payload: { request, recordedBy: { subject: actor.subject, via: actor.via } }, dedupeKey: dedupeKey('consent', request.requestId) },
  }));
  const history = await deps.consent.ledger.history(person);
  const byAction = (action: 'grant' | 'withdraw') => changes.filter((c) => c.action === action).map((c) => c.purpose).sort();
  return {
    result: { evidenceRecordId: recorded.evidenceRecordId, duplicate: recorded.duplicate, entries: recorded.entries.map(entryForApi), current: derivedState(history, deps.consent.notices.currentVersions()) },
    audit: { ...facts, details: { ...facts.details, evidenceRecordId: recorded.evidenceRecordId, duplicate: recorded.duplicate, granted: byAction('grant'), withdrawn: byAction('withdraw') } },
  };
}

/**
 * A PIPL restriction: `restrict` withdraws the processing purpose (the person
 * is retained for legal obligation only; the policy's processing-restriction
 * rule denies the next send), `lift` grants it again. @throws AdminError invalid
 */
export async function applyProcessingRequest(deps: ConsentAdminDeps, action: 'restrict' | 'lift', request: RightsRequest, actor: Actor): Promise<{ result: RightsResult; audit: AuditFacts }> {
  const person = toPersonRef(deps, request.person, '/body/person/account');
  const facts = personFacts(deps, person, { basisHash: textHash(request.basis), basisLength: request.basis.length });
  const recorded = await refusingBadInput(facts, () => deps.consent.ledger.record({
    person, channel: 'admin_api', source: 'admin', occurredAt: deps.now(), actor: actor.subject,
    changes: [{ purpose: 'processing', action: action === 'restrict' ? 'withdraw' : 'grant', noticeVersion: null, language: null }],
    evidence: { payload: { rightsRequest: action, request, recordedBy: { subject: actor.subject, via: actor.via } }, dedupeKey: dedupeKey(`rights-${action}`, request.requestId) },
  }));
  const current = derivedState(await deps.consent.ledger.history(person), deps.consent.notices.currentVersions());
  return {
    result: { evidenceRecordId: recorded.evidenceRecordId, duplicate: recorded.duplicate, current },
    audit: { ...facts, details: { ...facts.details, evidenceRecordId: recorded.evidenceRecordId, duplicate: recorded.duplicate, retainedForLegalObligationOnly: current.retainedForLegalObligationOnly } },
  };
}
