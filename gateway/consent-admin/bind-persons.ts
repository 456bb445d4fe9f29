/**
 * Binding through the admin API (the CRM's call, or a supervisor with cgw):
 * bind or unbind ids with the caller's evidence, archived with the request
 * as `binding.evidence`; and a person's binding history, with customer ids
 * only for callers allowed to see them. Audited as blind indexes.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { ApiPersonRef, AuditFacts, BindingResult, BindRequest, PersonBindings, UnbindRequest } from '../admin-api/ports';
import { bindingForApi } from './api-shapes';
import type { ConsentAdminDeps } from './deps';
import { occurredAt, personFacts, toApiPerson, toPersonRef } from './person-ref';
import { refusingBadInput } from './refusals';

/** Bind (with a customer id) or unbind the request's persons. @throws AdminError invalid, binding_conflict */
export async function changeBinding(deps: ConsentAdminDeps, request: BindRequest | UnbindRequest, actor: Actor): Promise<{ result: BindingResult; audit: AuditFacts }> {
  const action = 'customerId' in request ? 'bind' : 'unbind';
  const persons = request.persons.map((p, i) => toPersonRef(deps, p, `/body/persons/${i}/account`));
  const at = occurredAt(deps, request.occurredAt, '/body/occurredAt');
  const source = request.source ?? 'crm_api';
  const facts: AuditFacts = {
    target: persons[0]!.accountId,
    details: {
      subjectIndexes: persons.map((p) => deps.consent.index(p)), kinds: persons.map((p) => p.kind), source,
      ...('customerId' in request ? { customerIndex: deps.consent.customerIndex(request.customerId) } : {}),
    },
  };
  const input = {
    persons, source, occurredAt: at, actor: actor.subject,
    evidence: { payload: { request, recordedBy: { subject: actor.subject, via: actor.via } }, dedupeKey: `admin:${action}:${request.requestId ?? randomUUID()}` },
  };
  const { evidenceRecordId } = await refusingBadInput(facts, () => ('customerId' in request ? deps.consent.bindings.bind({ ...input, customerId: request.customerId }) : deps.consent.bindings.unbind(input)));
  return { result: { action, evidenceRecordId, persons: persons.length }, audit: { ...facts, details: { ...facts.details, evidenceRecordId } } };
}

/** A person's binding history, oldest first; customer ids only when `showCustomerIds`. */
export async function bindingHistory(deps: ConsentAdminDeps, api: ApiPersonRef, showCustomerIds: boolean): Promise<{ bindings: PersonBindings; audit: AuditFacts }> {
  const person = toPersonRef(deps, api, '/query/account');
  const history = await deps.consent.bindings.history(person);
  // History is ordered as the registry orders it: the last entry is the binding in force.
  const latest = history.at(-1);
  const bound = latest?.action === 'bind';
  return {
    bindings: {
      person: toApiPerson(person), bound, customerId: bound && showCustomerIds ? latest.customerId : null, customerIdsShown: showCustomerIds,
      history: history.map((b) => bindingForApi(b, showCustomerIds)),
    },
    audit: personFacts(deps, person, { customerIdsShown: showCustomerIds, entries: history.length, bound }),
  };
}
