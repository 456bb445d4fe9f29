/** Every admin API handler, by operationId (the compiler checks none is missing). */
import type { AuditLog } from '../../audit/audit-log';
import type { AuditVerifyReport } from '../../audit/verify-audit-log';
import type { AdminPorts } from '../ports';
import type { Handlers } from '../typed';
import { approveHandler, commentHandler, getApprovalHandler, listApprovalsHandler, rejectHandler } from './approvals';
import { listAuditEventsHandler, verifyAuditHandler } from './audit';
import { messageStatusHandler } from './messages';
import { evaluatePolicyHandler } from './policy';
import { whoamiHandler } from './whoami';
import { revokeAppTokensHandler } from './apps';
import { bindPersonsHandler, getPersonBindingsHandler, getPersonConsentHandler, listCustomerRecordsHandler, recordPersonConsentHandler, unbindPersonsHandler } from './consent';
import { answerAccessRequestHandler, processingRequestHandler } from './rights';
import { closeAlertHandler, listAlertsHandler } from './alerts';
import { createContentItemHandler, getContentItemHandler, listContentItemMessagesHandler, listContentItemsHandler, reviseContentItemHandler, transitionContentItemHandler } from './content'; // content library
import { getHandoverHandler, listHandoversHandler, listRmRecordsHandler, startHandoverHandler } from './handover'; // RM departure

/** What the handlers call. */
export interface HandlerDeps {
  ports: AdminPorts;
  audit: AuditLog;
  verifyAudit: () => Promise<AuditVerifyReport>;
  now: () => number;
}

/** The handler table. */
export function adminHandlers(deps: HandlerDeps): Handlers {
  return {
    whoami: whoamiHandler(),
    listApprovals: listApprovalsHandler(deps.ports.approvals),
    getApproval: getApprovalHandler(deps.ports.approvals),
    approveMessage: approveHandler(deps.ports.approvals),
    rejectMessage: rejectHandler(deps.ports.approvals),
    commentMessage: commentHandler(deps.ports.approvals),
    getMessageStatus: messageStatusHandler(deps.ports.messages),
    evaluatePolicy: evaluatePolicyHandler(deps.ports.policy, deps.now),
    listAuditEvents: listAuditEventsHandler(deps.audit),
    verifyAuditLog: verifyAuditHandler(deps.verifyAudit),
    revokeAppTokens: revokeAppTokensHandler(deps.ports.apps),
    getPersonConsent: getPersonConsentHandler(deps.ports.consent),
    recordPersonConsent: recordPersonConsentHandler(deps.ports.consent),
    getPersonBindings: getPersonBindingsHandler(deps.ports.bindings),
    bindPersons: bindPersonsHandler(deps.ports.bindings),
    unbindPersons: unbindPersonsHandler(deps.ports.bindings),
    listCustomerRecords: listCustomerRecordsHandler(deps.ports.bindings),
    answerAccessRequest: answerAccessRequestHandler(deps.ports.rights),
    restrictProcessing: processingRequestHandler(deps.ports.rights, 'restrict'),
    liftRestriction: processingRequestHandler(deps.ports.rights, 'lift'),
    listAlerts: listAlertsHandler(deps.ports.alerts),
    closeAlert: closeAlertHandler(deps.ports.alerts),
    // content library: begin
    listContentItems: listContentItemsHandler(deps.ports.content),
    createContentItem: createContentItemHandler(deps.ports.content),
    getContentItem: getContentItemHandler(deps.ports.content),
    reviseContentItem: reviseContentItemHandler(deps.ports.content),
    submitContentItem: transitionContentItemHandler(deps.ports.content, 'submit'),
    approveContentItem: transitionContentItemHandler(deps.ports.content, 'approve'),
    rejectContentItem: transitionContentItemHandler(deps.ports.content, 'reject'),
    retireContentItem: transitionContentItemHandler(deps.ports.content, 'retire'),
    listContentItemMessages: listContentItemMessagesHandler(deps.ports.content),
    // content library: end
    // RM departure: begin
    listHandovers: listHandoversHandler(deps.ports.handover),
    startHandover: startHandoverHandler(deps.ports.handover),
    getHandover: getHandoverHandler(deps.ports.handover),
    listRmRecords: listRmRecordsHandler(deps.ports.handover),
    // RM departure: end
  };
}
