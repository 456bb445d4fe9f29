/**
 * AuditLog over TypeORM, the same code on SQLite, PostgreSQL and SQL Server.
 * Each append locks the one audit_head row, links the new event to it and
 * moves it, all in one transaction, so concurrent writers (requests, gateway
 * replicas) queue on that row instead of forking the chain; seq is the
 * primary key, so even a writer that skipped the lock could not fork it.
 * SQLite has no row locks and one shared connection: there the ConnectionGate
 * makes each append run alone.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AUDIT_EVENT_ENTITY, AUDIT_HEAD_ENTITY, type AuditEventRow, type AuditHeadRow } from '../db/entities';
import { ConnectionGate } from '../db/connection-gate';
import { isUniqueViolation } from '../db/errors';
import type { AuditEvent, AuditEventInput, AuditLog, AuditPage, AuditQuery } from './audit-log';
import { auditEventHash, auditGenesisHash } from './chain';
import { AuditDetailsError, serialiseDetails } from './details';
import { rowToEvent } from './rows';

/** The id of the one audit_head row. */
export const AUDIT_HEAD_ID = 1;
const MAX_ATTEMPTS = 5;

/** Options of the TypeORM audit log. */
export interface TypeOrmAuditLogOptions {
  /** The gate every store of this data source shares (create-gateway's); default: a new one. */
  gate?: ConnectionGate;
  now?: () => number;
}

export class TypeOrmAuditLog implements AuditLog {
  private readonly gate: ConnectionGate;
  private readonly now: () => number;
  private readonly lockHead: boolean;

  constructor(private readonly dataSource: DataSource, options: TypeOrmAuditLogOptions = {}) {
    this.gate = options.gate ?? ConnectionGate.for(dataSource);
    this.now = options.now ?? Date.now;
    // TypeORM refuses row locks on SQLite; the gate serialises there instead.
    this.lockHead = dataSource.options.type !== 'better-sqlite3';
  }

  /** Create the head row at the genesis hash when missing; call once at start (idempotent, replica-safe). */
  async init(): Promise<void> {
    const repo = this.dataSource.getRepository<AuditHeadRow>(AUDIT_HEAD_ENTITY);
    await this.gate.run(async () => {
      if (await repo.findOneBy({ id: AUDIT_HEAD_ID })) return;
      try {
        await repo.insert({ id: AUDIT_HEAD_ID, seq: 0, headHash: auditGenesisHash(), updatedAt: this.now() });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // another replica created it
      }
    });
  }

  async record(event: AuditEventInput): Promise<AuditEvent> {
    // Validated before the transaction: a refused event must not hold the head lock.
    const detailsText = serialiseDetails(event.details ?? {});
    checkLengths(event);
    const details = JSON.parse(detailsText) as Record<string, unknown>;
    const at = event.at ?? this.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.gate.run(() => this.dataSource.transaction((m) => this.append(m, event, at, details, detailsText)));
      } catch (err) {
        if (isUniqueViolation(err) && attempt < MAX_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const qb = this.dataSource.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY).createQueryBuilder('e');
    if (query.type) qb.andWhere('e.eventType = :type', { type: query.type });
    if (query.actor) qb.andWhere('e.actorSubject = :actor', { actor: query.actor });
    if (query.target) qb.andWhere('e.target = :target', { target: query.target });
    if (query.outcome) qb.andWhere('e.outcome = :outcome', { outcome: query.outcome });
    if (query.fromMs !== undefined) qb.andWhere('e.occurredAt >= :fromMs', { fromMs: query.fromMs });
    if (query.toMs !== undefined) qb.andWhere('e.occurredAt < :toMs', { toMs: query.toMs });
    if (query.cursorSeq !== undefined) qb.andWhere(query.order === 'asc' ? 'e.seq > :cursor' : 'e.seq < :cursor', { cursor: query.cursorSeq });
    // One more than asked: tells whether another page exists without a COUNT.
    const rows = await this.gate.run(() => qb.orderBy('e.seq', query.order === 'asc' ? 'ASC' : 'DESC').take(query.limit + 1).getMany());
    const items = rows.slice(0, query.limit).map(rowToEvent);
    return { items, nextCursorSeq: rows.length > query.limit ? items[items.length - 1]!.seq : null };
  }

  private async append(m: EntityManager, event: AuditEventInput, at: number, details: Record<string, unknown>, detailsText: string): Promise<AuditEvent> {
    const heads = m.getRepository<AuditHeadRow>(AUDIT_HEAD_ENTITY);
    const qb = heads.createQueryBuilder('h').where('h.id = :id', { id: AUDIT_HEAD_ID });
    const head = await (this.lockHead ? qb.setLock('pessimistic_write') : qb).getOne();
    if (!head) throw new Error('audit_head row missing (call TypeOrmAuditLog.init at start)');
    const row: AuditEventRow = {
      seq: head.seq + 1,
      id: randomUUID(),
      occurredAt: at,
      eventType: event.type,
      actorSubject: event.actor.subject,
      actorVia: event.actor.via,
      target: event.target ?? null,
      contentHash: event.contentHash ?? null,
      outcome: event.outcome,
      details: detailsText,
      prevHash: head.headHash,
      eventHash: '',
    };
    row.eventHash = auditEventHash({ ...row, at, type: row.eventType, details });
    await m.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY).insert(row);
    await heads.update({ id: AUDIT_HEAD_ID }, { seq: row.seq, headHash: row.eventHash, updatedAt: at });
    return rowToEvent(row);
  }
}

/** The columns' bounds, checked before the database would refuse (or, worse, truncate) a value. */
function checkLengths(event: AuditEventInput): void {
  const too = (value: string | null | undefined, max: number) => value !== null && value !== undefined && value.length > max;
  if (event.actor.subject.length === 0 || too(event.actor.subject, 255)) throw new AuditDetailsError('audit actor subject must be 1-255 characters');
  if (too(event.target, 255)) throw new AuditDetailsError('audit target must be at most 255 characters');
  if (event.contentHash && !/^[0-9a-f]{64}$/.test(event.contentHash)) throw new AuditDetailsError('audit contentHash must be 64 lower-case hex digits');
}
