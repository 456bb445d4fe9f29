/** Every entity schema, built for one dialect. */
import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { archiveRecordEntity } from './archive-record';
import { callbackNonceEntity } from './callback-nonce';
import { chainHeadEntity } from './chain-head';
import { checkpointEntity } from './checkpoint';
import { outboxEntity } from './outbox';
import { appTokenEntity } from './app-token';
import { outboundMessageEntity } from './outbound-message';
import { outboundRecipientEntity } from './outbound-recipient';
import { approvalActionEntity } from './approval-action';
import { oaContactEntity } from './oa-contact';
import { auditEventEntity, auditHeadEntity } from './audit-event';
import { leaseEntity } from './lease';
import { upstreamTokenEntity } from './upstream-token';
import { msgauditCursorEntity } from './msgaudit-cursor';
import { consentEntryEntity, pageStateEntity, piiBindingEntity } from './consent-entry';
import { complianceAlertEntity } from './compliance-alert';
import { msgauditPermitEntity } from './msgaudit-permit';
import { wecomContactPairEntity, wecomRoomEntity } from './wecom-contact-pair';
import { msgauditRecallEntity } from './msgaudit-recall';
import { contentFingerprintEntity, contentItemEntity, contentItemUseEntity } from './content-item'; // content library
import { handoverItemEntity, handoverJobEntity, handoverRecordEntity } from './handover'; // RM departure (handover)

export * from './archive-record';
export * from './callback-nonce';
export * from './chain-head';
export * from './checkpoint';
export * from './outbox';
export * from './app-token';
export * from './outbound-message';
export * from './outbound-recipient';
export * from './approval-action';
export * from './oa-contact';
export * from './audit-event';
export * from './lease';
export * from './upstream-token';
export * from './msgaudit-cursor';
export * from './consent-entry';
export * from './compliance-alert';
export * from './msgaudit-permit';
export * from './wecom-contact-pair';
export * from './msgaudit-recall';
export * from './content-item'; // content library
export * from './handover'; // RM departure (handover)

/** All entity schemas with the column types of `dialect` (binary and long text differ per back end). */
export function entitiesFor(dialect: Dialect): EntitySchema<any>[] {
  return [
    archiveRecordEntity(dialect),
    chainHeadEntity(),
    checkpointEntity(dialect),
    outboxEntity(),
    callbackNonceEntity(),
    appTokenEntity(),
    outboundMessageEntity(),
    outboundRecipientEntity(),
    approvalActionEntity(),
    oaContactEntity(),
    auditEventEntity(dialect), auditHeadEntity(),
    leaseEntity(), upstreamTokenEntity(dialect),
    msgauditCursorEntity(dialect),
    consentEntryEntity(), piiBindingEntity(dialect), pageStateEntity(dialect),
    complianceAlertEntity(dialect),
    msgauditPermitEntity(dialect),
    wecomContactPairEntity(dialect), wecomRoomEntity(),
    msgauditRecallEntity(),
    contentItemEntity(dialect), contentFingerprintEntity(), contentItemUseEntity(), // content library
    handoverJobEntity(dialect), handoverItemEntity(dialect), handoverRecordEntity(), // RM departure (handover)
  ];
}
