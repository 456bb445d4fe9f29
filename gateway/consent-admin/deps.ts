/** What the consent, bindings, rights and alerts commands of the admin API are built from (create-gateway wires them). */
import type { DataSource } from 'typeorm';
import type { ArchiveWriter } from '../archive/writer';
import type { KeyStore } from '../archive/crypto/key-store';
import type { ArchiveReader } from '../archive/reader';
import type { ConnectionGate } from '../db/connection-gate';
import type { AccountConfig, CorpConfig } from '../config/schema';
import type { Consent } from '../consent/create-consent';

export interface ConsentAdminDeps {
  consent: Consent;
  dataSource: DataSource;
  gate: ConnectionGate;
  /** Opens archive records (customer records, the access file). */
  keyStore: KeyStore;
  /** Opens one record by id (the record an alert points at). */
  reader: ArchiveReader;
  archive: ArchiveWriter;
  accounts: readonly AccountConfig[];
  corps: readonly CorpConfig[];
  /** Largest PIPL access file built (admin.accessFileMaxBytes). */
  accessFileMaxBytes: number;
  now(): number;
}
