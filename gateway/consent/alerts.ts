/**
 * Compliance alerts: causes an officer must look at (a WeCom "Disagree" on a
 * contact RMs message, a supervised message that tripped a rule). One alert
 * per cause (dedupe key); the row carries codes only, the reviewer's note is
 * archived with the closing.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ConnectionGate } from '../db/connection-gate';
import { COMPLIANCE_ALERT_ENTITY, type ComplianceAlertRow } from '../db/entities';
import { isUniqueViolation } from '../db/errors';

export interface OpenAlert {
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  accountId: string;
  subjectBidx: string | null;
  recordId: string | null;
  /** Codes and counts only: never message text, names or ids. */
  summary: string;
  dedupeKey: string;
}

export class ComplianceAlerts {
  constructor(private readonly deps: { dataSource: DataSource; gate: ConnectionGate; now(): number; onOpen?(alert: OpenAlert): void }) {}

  /** Open an alert; resolves with its id and whether it is new (an existing alert for the same cause is returned instead). */
  async open(alert: OpenAlert): Promise<{ id: string; created: boolean }> {
    const repo = this.deps.dataSource.getRepository<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY);
    const row: ComplianceAlertRow = { id: randomUUID(), ...alert, status: 'open', createdAt: this.deps.now(), closedAt: null, closedBy: null, closeAction: null, closeRecordId: null };
    try {
      await this.deps.gate.run(() => repo.insert(row));
      this.deps.onOpen?.(alert);
      return { id: row.id, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.deps.gate.run(() => repo.findOneByOrFail({ dedupeKey: alert.dedupeKey }));
      return { id: existing.id, created: false };
    }
  }

  async list(filter: { status?: 'open' | 'closed'; kind?: string; limit?: number } = {}): Promise<ComplianceAlertRow[]> {
    const repo = this.deps.dataSource.getRepository<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY);
    return this.deps.gate.run(() => repo.find({
      where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}) },
      order: { createdAt: 'DESC' },
      take: Math.min(filter.limit ?? 100, 1000),
    }));
  }

  get(id: string): Promise<ComplianceAlertRow | null> {
    return this.deps.gate.run(() => this.deps.dataSource.getRepository<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY).findOneBy({ id }));
  }

  /** Close an open alert (compare-and-set on status); false when it is not open. */
  async close(id: string, by: string, action: string, closeRecordId: string | null): Promise<boolean> {
    const repo = this.deps.dataSource.getRepository<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY);
    const result = await this.deps.gate.run(() => repo.update({ id, status: 'open' }, { status: 'closed', closedAt: this.deps.now(), closedBy: by, closeAction: action, closeRecordId }));
    return (result.affected ?? 0) === 1;
  }
}
