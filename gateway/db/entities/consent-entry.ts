/**
 * The consent ledger and the PII binding history: append-only rows, never
 * updated. Persons are blind indexes (purpose `subject`, the same index the
 * archive files records under); the customer id is sealed and blind-indexed
 * (purpose `customer`).
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, sealedColumns, varcharColumn } from './columns';

/** A row of `consent_entry`. */
export interface ConsentEntryRow {
  id: string;
  personBidx: string;
  personKind: string;
  accountId: string;
  purpose: string;
  action: string;
  noticeVersion: string | null;
  language: string | null;
  channel: string;
  source: string;
  evidenceRecordId: string;
  occurredAt: number;
  recordedAt: number;
  actor: string | null;
}

export const CONSENT_ENTRY_ENTITY = 'ConsentEntry';

export function consentEntryEntity(): EntitySchema<ConsentEntryRow> {
  return new EntitySchema<ConsentEntryRow>({
    name: CONSENT_ENTRY_ENTITY,
    tableName: 'consent_entry',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_consent_entry' },
      personBidx: varcharColumn('person_bidx', 64),
      personKind: varcharColumn('person_kind', 16),
      accountId: varcharColumn('account_id', 64),
      purpose: varcharColumn('purpose', 16),
      action: varcharColumn('action', 16),
      noticeVersion: varcharColumn('notice_version', 64, { nullable: true }),
      language: varcharColumn('language', 8, { nullable: true }),
      channel: varcharColumn('channel', 32),
      source: varcharColumn('source', 16),
      evidenceRecordId: varcharColumn('evidence_record_id', 36),
      occurredAt: bigintColumn('occurred_at'),
      recordedAt: bigintColumn('recorded_at'),
      actor: varcharColumn('actor', 128, { nullable: true }),
    },
    indices: [
      { name: 'ix_consent_entry_person', columns: ['personBidx', 'purpose'] },
      { name: 'ix_consent_entry_recorded', columns: ['recordedAt'] },
    ],
  });
}

/** A row of `pii_binding`: one bind or unbind of one person id. */
export interface PiiBindingRow {
  id: string;
  personBidx: string;
  personKind: string;
  accountId: string;
  action: string;
  customerBidx: string | null;
  keyId: string | null;
  wrappedKey: Buffer | null;
  iv: Buffer | null;
  ciphertext: Buffer | null;
  source: string;
  evidenceRecordId: string;
  occurredAt: number;
  recordedAt: number;
  actor: string | null;
}

export const PII_BINDING_ENTITY = 'PiiBinding';

export function piiBindingEntity(dialect: Dialect): EntitySchema<PiiBindingRow> {
  return new EntitySchema<PiiBindingRow>({
    name: PII_BINDING_ENTITY,
    tableName: 'pii_binding',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_pii_binding' },
      personBidx: varcharColumn('person_bidx', 64),
      personKind: varcharColumn('person_kind', 16),
      accountId: varcharColumn('account_id', 64),
      action: varcharColumn('action', 8),
      customerBidx: varcharColumn('customer_bidx', 64, { nullable: true }),
      ...sealedColumns(dialect, { nullable: true }),
      source: varcharColumn('source', 16),
      evidenceRecordId: varcharColumn('evidence_record_id', 36),
      occurredAt: bigintColumn('occurred_at'),
      recordedAt: bigintColumn('recorded_at'),
      actor: varcharColumn('actor', 128, { nullable: true }),
    },
    indices: [
      { name: 'ix_pii_binding_person', columns: ['personBidx'] },
      { name: 'ix_pii_binding_customer', columns: ['customerBidx'] },
      { name: 'ix_pii_binding_recorded', columns: ['recordedAt'] },
    ],
  });
}

/** A row of `page_state`: a single-use state, stored hashed, its data sealed. */
export interface PageStateRow {
  stateHash: string;
  flow: string;
  accountId: string;
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export const PAGE_STATE_ENTITY = 'PageState';

export function pageStateEntity(dialect: Dialect): EntitySchema<PageStateRow> {
  return new EntitySchema<PageStateRow>({
    name: PAGE_STATE_ENTITY,
    tableName: 'page_state',
    columns: {
      stateHash: { ...varcharColumn('state_hash', 64, { primary: true }), primaryKeyConstraintName: 'pk_page_state' },
      flow: varcharColumn('flow', 16),
      accountId: varcharColumn('account_id', 64),
      ...sealedColumns(dialect),
      createdAt: bigintColumn('created_at'),
      expiresAt: bigintColumn('expires_at'),
      usedAt: bigintColumn('used_at', { nullable: true }),
    },
    indices: [{ name: 'ix_page_state_expires', columns: ['expiresAt'] }],
  });
}
