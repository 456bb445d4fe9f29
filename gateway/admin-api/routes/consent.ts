/**
 * The consent and binding operations: a person's consent (read, record), binding history,
 * bind and unbind, and a customer's records. Thin: validation was done; the ports decide and
 * say what the audit event records (blind indexes, never a person's or customer's id).
 */
import { allows } from '../../auth/roles';
import type { BindingsPort, ConsentPort } from '../ports';
import type { Handler } from '../typed';

/** GET /persons/{kind}/{personId}/consent. */
export function getPersonConsentHandler(consent: ConsentPort): Handler<'getPersonConsent'> {
  return async ({ path, query }) => {
    const { consent: body, audit } = await consent.get({ kind: path.kind, id: path.personId, account: query.account });
    return { body, audit };
  };
}

/** POST /persons/{kind}/{personId}/consent: an officer's changes, with the basis. */
export function recordPersonConsentHandler(consent: ConsentPort): Handler<'recordPersonConsent'> {
  return async ({ actor, path, body }) => {
    const { result, audit } = await consent.record({ kind: path.kind, id: path.personId, account: body.account }, body, actor);
    return { body: result, audit };
  };
}

/** GET /persons/{kind}/{personId}/bindings: customer ids only for callers with bindings:read. */
export function getPersonBindingsHandler(bindings: BindingsPort): Handler<'getPersonBindings'> {
  return async ({ actor, path, query }) => {
    const { bindings: body, audit } = await bindings.history({ kind: path.kind, id: path.personId, account: query.account }, allows(actor.roles, 'bindings:read'));
    return { body, audit };
  };
}

/** POST /bindings. */
export function bindPersonsHandler(bindings: BindingsPort): Handler<'bindPersons'> {
  return async ({ actor, body }) => {
    const { result, audit } = await bindings.bind(body, actor);
    return { body: result, audit };
  };
}

/** POST /bindings/unbind. */
export function unbindPersonsHandler(bindings: BindingsPort): Handler<'unbindPersons'> {
  return async ({ actor, body }) => {
    const { result, audit } = await bindings.unbind(body, actor);
    return { body: result, audit };
  };
}

/** GET /customers/{customerId}/records: decrypt=true needs consent:read as well. */
export function listCustomerRecordsHandler(bindings: BindingsPort): Handler<'listCustomerRecords'> {
  return async ({ actor, path, query }) => {
    const { page, audit } = await bindings.customerRecords(path.customerId, { decrypt: query.decrypt ?? false, ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 50 }, allows(actor.roles, 'consent:read'));
    return { body: page, audit };
  };
}
