/**
 * What a hand-over keeps sealed and how it is indexed. The RMs' userids and
 * the customers' external_userids are needed in clear for the transfer APIs,
 * so they are sealed with the archive's envelope (AAD binds the row id, so a
 * sealed value cannot be moved to another row), and blind-indexed with the
 * archive's `subject` index so they join with archive records.
 */
import { canonicalJson } from '../../connectors/canonical/json';
import { blindIndex } from '../archive/crypto/blind-index';
import { openRecord, sealRecord, type SealedRecord } from '../archive/crypto/envelope';
import type { KeyStore } from '../archive/crypto/key-store';
import type { HandoverItemRow, HandoverJobRow } from '../db/entities';
import { HANDOVER_MODES, type HandoverMode, type JobSecrets, type OpenItem, type OpenJob } from './types';

/** The archive's subject index of a userid or external_userid (archive_record.subject_bidx). */
export function subjectIndex(keyStore: KeyStore, id: string): string {
  return blindIndex(keyStore.indexKey(), 'subject', id);
}

const jobAad = (id: string): Buffer => Buffer.from(canonicalJson(['cgw-handover-job/v1', id]), 'utf8');
const itemAad = (id: string): Buffer => Buffer.from(canonicalJson(['cgw-handover-item/v1', id]), 'utf8');

/** Seal a job's userids (and message) for row `id`. */
export function sealJobSecrets(keyStore: KeyStore, id: string, secrets: JobSecrets): SealedRecord {
  return sealRecord(keyStore, Buffer.from(JSON.stringify(secrets), 'utf8'), jobAad(id));
}

/** Open a job row. @throws EnvelopeError when the row was tampered with */
export function openJob(keyStore: KeyStore, row: HandoverJobRow): OpenJob {
  const secrets = JSON.parse(openRecord(keyStore, row, jobAad(row.id)).toString('utf8')) as JobSecrets;
  const mode = (HANDOVER_MODES as readonly string[]).includes(row.mode) ? (row.mode as HandoverMode) : 'in-service';
  return { row, secrets, mode };
}

/** Seal a customer's external_userid for item row `id`. */
export function sealCustomerId(keyStore: KeyStore, id: string, externalUserId: string): SealedRecord {
  return sealRecord(keyStore, Buffer.from(externalUserId, 'utf8'), itemAad(id));
}

/** Open an item row: the external_userid of a customer, the chat_id of a group. @throws EnvelopeError when tampered with */
export function openItem(keyStore: KeyStore, row: HandoverItemRow): OpenItem {
  if (row.kind === 'group') return { row, ref: row.chatId ?? '' };
  const sealed = { keyId: row.keyId!, wrappedKey: row.wrappedKey!, iv: row.iv!, ciphertext: row.ciphertext! };
  return { row, ref: openRecord(keyStore, sealed, itemAad(row.id)).toString('utf8') };
}
