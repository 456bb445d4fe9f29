/** Reads one archive record back and decrypts it (the forward worker, rights requests, exports). */
import type { KeyStore } from './crypto/key-store';
import { openRecord, recordAad } from './crypto/envelope';
import type { StoredRecord } from './types';

export interface OpenedRecord {
  stored: StoredRecord;
  recordType: string;
  accountId: string;
  subject: string | null;
  occurredAtMs: number;
  payload: Record<string, unknown>;
}

export class ArchiveReader {
  constructor(
    private readonly load: (id: string) => Promise<StoredRecord | null>,
    private readonly keyStore: KeyStore,
  ) {}

  /** Load and decrypt record `id`. @throws when it does not exist or fails authentication. */
  async open(id: string): Promise<OpenedRecord> {
    const stored = await this.load(id);
    if (!stored) throw new Error(`archive record ${id} not found`);
    return openStored(this.keyStore, stored);
  }
}

/** Decrypt a stored record; the AAD binds its id and type (the wrapped key binds its key id). */
export function openStored(keyStore: KeyStore, stored: StoredRecord): OpenedRecord {
  const aad = recordAad(stored.id, stored.recordType);
  const plain = openRecord(keyStore, { keyId: stored.keyId, wrappedKey: stored.wrappedKey, iv: stored.iv, ciphertext: stored.ciphertext }, aad);
  const doc = JSON.parse(plain.toString('utf8')) as { recordType: string; accountId: string; subject: string | null; occurredAtMs: number; payload: Record<string, unknown> };
  return { stored, recordType: doc.recordType, accountId: doc.accountId, subject: doc.subject, occurredAtMs: doc.occurredAtMs, payload: doc.payload };
}
