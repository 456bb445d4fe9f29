/** The audit log's factory for the composition root: the TypeORM log, initialised, and its verifier. */
import type { DataSource } from 'typeorm';
import type { ConnectionGate } from '../db/connection-gate';
import { TypeOrmAuditLog } from './typeorm-audit-log';
import { verifyAuditLog, type AuditVerifyReport } from './verify-audit-log';

/** An initialised audit log and a verifier of its chain. */
export interface AuditLogService {
  log: TypeOrmAuditLog;
  verify(): Promise<AuditVerifyReport>;
}

/** Build and initialise (head row) the audit log on `dataSource`, sharing the stores' `gate`. */
export async function createAuditLog(dataSource: DataSource, gate: ConnectionGate, now: () => number = Date.now): Promise<AuditLogService> {
  const log = new TypeOrmAuditLog(dataSource, { gate, now });
  await log.init();
  return { log, verify: () => verifyAuditLog(dataSource, { gate }) };
}
