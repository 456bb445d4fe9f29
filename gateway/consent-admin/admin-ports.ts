/**
 * The admin API's ports over consent, PII bindings, PIPL rights requests and
 * compliance alerts. Each is one command of this folder; create-gateway wires
 * them beside the outbound ports.
 */
import type { ConsentAdminPorts } from '../admin-api/ports';
import { answerAccessRequest } from './access-file';
import { alertForApi, derivedState, entryForApi, inDerivationOrder } from './api-shapes';
import { bindingHistory, changeBinding } from './bind-persons';
import { closeAlert } from './close-alert';
import { customerRecordsPage } from './customer-records';
import type { ConsentAdminDeps } from './deps';
import { personFacts, toApiPerson, toPersonRef } from './person-ref';
import { applyProcessingRequest, recordConsentByOfficer } from './record-consent';

/** Build the consent, bindings, rights and alerts ports. */
export function consentAdminPorts(deps: ConsentAdminDeps): ConsentAdminPorts {
  return {
    consent: {
      async get(api) {
        const person = toPersonRef(deps, api, '/query/account');
        // Derived from exactly the entries shown, not from the policy's cache.
        const history = inDerivationOrder(await deps.consent.ledger.history(person));
        return {
          consent: { person: toApiPerson(person), current: derivedState(history, deps.consent.notices.currentVersions()), history: history.map(entryForApi) },
          audit: personFacts(deps, person, { entries: history.length }),
        };
      },
      record: (api, request, actor) => recordConsentByOfficer(deps, api, request, actor),
    },
    bindings: {
      bind: (request, actor) => changeBinding(deps, request, actor),
      unbind: (request, actor) => changeBinding(deps, request, actor),
      history: (api, showCustomerIds) => bindingHistory(deps, api, showCustomerIds),
      customerRecords: (customerId, query, mayDecrypt) => customerRecordsPage(deps, customerId, query, mayDecrypt),
    },
    rights: {
      access: (api, options, actor) => answerAccessRequest(deps, api, options, actor),
      processing: (action, request, actor) => applyProcessingRequest(deps, action, request, actor),
    },
    alerts: {
      async list(filter) {
        return (await deps.consent.alerts.list(filter)).map(alertForApi);
      },
      close: (alertId, request, actor) => closeAlert(deps, alertId, request, actor),
    },
  };
}
