/** What the hand-over commands are built from (create-handover.ts wires it). */
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { KeyStore } from '../archive/crypto/key-store';
import type { AppendResult, ArchiveEntry, EffectTransaction } from '../archive/types';
import type { AuditLog } from '../audit/audit-log';
import type { AuditEventType } from '../audit/event-types';
import type { CorpConfig } from '../config/schema';
import type { ConnectionGate } from '../db/connection-gate';
import type { HandoverConfig } from './config';
import type { HandoverStore } from './job-store';
import type { OpenJob } from './types';
import type { ContactCall } from './wecom-api';

/** The archive as the hand-over uses it: one record, or several with shared effects in one transaction. */
export interface HandoverArchive {
  append(entry: ArchiveEntry): Promise<AppendResult>;
  appendAll(entries: readonly ArchiveEntry[], effects?: (tx: EffectTransaction) => Promise<void>): Promise<AppendResult[]>;
}

export interface HandoverDeps {
  config: HandoverConfig;
  corps: readonly CorpConfig[];
  dataSource: DataSource;
  gate: ConnectionGate;
  keyStore: KeyStore;
  archive: HandoverArchive;
  audit: AuditLog;
  store: HandoverStore;
  /** WeCom calls with the corp's contact secret. */
  call: ContactCall;
  now(): number;
  logger: Logger;
}

/** The actor of the runner's audit events. */
export const RUNNER_ACTOR = { subject: 'handover-runner', via: 'system' } as const;

/**
 * Record a step of the runner in the audit log. The step's archive record is
 * already committed (the evidence); a failed audit write is logged, not
 * retried into a second Tencent call.
 */
export async function auditStep(deps: HandoverDeps, type: AuditEventType, job: OpenJob, outcome: 'success' | 'failure', details: Record<string, unknown>): Promise<void> {
  try {
    await deps.audit.record({ type, actor: { ...RUNNER_ACTOR }, target: job.row.id, outcome, details: { corp: job.row.corpId, mode: job.mode, ...details } });
  } catch (err) {
    deps.logger.error({ err: (err as Error).message, auditType: type, handover: job.row.id }, 'hand-over audit event could not be written');
  }
}

/** The CorpID (ww…) of a configured corp. @throws Error when it is no longer configured */
export function corpIdOf(deps: HandoverDeps, corpConfigId: string): string {
  const corp = deps.corps.find((c) => c.id === corpConfigId);
  if (!corp) throw new Error(`no WeCom corp "${corpConfigId}" is configured`);
  return corp.corpId;
}

/** A state change lost a race (another replica moved the items first): nothing was written. */
export class StaleHandoverState extends Error {
  override readonly name = 'StaleHandoverState';
}

/** The delay before retry `attempts` (1, 2, …) of a step: exponential, capped. */
export function backoffMs(config: HandoverConfig, attempts: number): number {
  return Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.min(20, Math.max(0, attempts - 1)));
}
