/** Reads of outbound_message and its recipients: status, approvals queue, expiry, and the counters policy needs. */
import { In, LessThanOrEqual, MoreThanOrEqual, type DataSource } from 'typeorm';
import { APPROVAL_ACTION_ENTITY, OUTBOUND_MESSAGE_ENTITY } from '../db/entities';
import type { ApprovalActionRow, OutboundMessageRow, OutboundStatus } from '../db/entities';
import type { ConnectionGate } from '../db/connection-gate';
import { runStatement } from '../db/statements';

export class OutboundMessageStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate) {}

  private get repo() {
    return this.dataSource.getRepository<OutboundMessageRow>(OUTBOUND_MESSAGE_ENTITY);
  }

  /** One message by its gateway msgid. */
  get(id: number): Promise<OutboundMessageRow | null> {
    return this.gate.run(() => this.repo.findOneBy({ id }));
  }

  /** Messages by status and submission outcome (newest first), with keyset pagination on id. */
  list(filter: { statuses?: OutboundStatus[]; outcome?: string; accountId?: string; appId?: string; beforeId?: number; limit: number }): Promise<OutboundMessageRow[]> {
    return this.gate.run(() =>
      this.repo.find({
        where: {
          ...(filter.statuses ? { status: In(filter.statuses) } : {}),
          ...(filter.outcome ? { outcome: filter.outcome } : {}),
          ...(filter.accountId ? { accountId: filter.accountId } : {}),
          ...(filter.appId ? { appId: filter.appId } : {}),
          ...(filter.beforeId !== undefined ? { id: LessThanOrEqual(filter.beforeId - 1) } : {}),
        },
        order: { id: 'DESC' },
        take: filter.limit,
      }),
    );
  }

  /** How many messages are in `status` (the held gauge). */
  count(status: OutboundStatus): Promise<number> {
    return this.gate.run(() => this.repo.countBy({ status }));
  }

  /** Held messages whose expiry has passed. */
  dueForExpiry(nowMs: number, limit: number): Promise<OutboundMessageRow[]> {
    return this.gate.run(() => this.repo.find({ where: { status: 'held', expiresAt: LessThanOrEqual(nowMs) }, order: { expiresAt: 'ASC' }, take: limit }));
  }

  /** Messages of `kinds` an app submitted since `sinceMs` (denied ones do not use quota). */
  async countForApp(appId: string, sinceMs: number, kinds: readonly string[]): Promise<number> {
    if (kinds.length === 0) return 0;
    return this.gate.run(() =>
      this.repo.createQueryBuilder('m').where('m.appId = :appId AND m.createdAt >= :sinceMs AND m.status <> :denied AND m.kind IN (:...kinds)', { appId, sinceMs, denied: 'denied', kinds: [...kinds] }).getCount(),
    );
  }

  /** Distinct recipients the same content went (or is held to go) to since `sinceMs`, other than message `excludeId`. One prepared statement per message (FINRA 2210 count). */
  async distinctRecipients(contentHash: string, sinceMs: number, excludeId: number): Promise<number> {
    const { rows } = await this.gate.run(() => runStatement(this.dataSource.manager, this.distinctSql(), [contentHash, sinceMs, excludeId]));
    return Number(rows[0]?.n ?? 0);
  }

  private distinctSqlText?: string;

  private distinctSql(): string {
    if (this.distinctSqlText) return this.distinctSqlText;
    const { driver } = this.dataSource;
    const q = (name: string) => driver.escape(name);
    const p = (i: number) => driver.createParameter(`p${i}`, i);
    return (this.distinctSqlText = `SELECT COUNT(DISTINCT ${q('recipient_bidx')}) AS ${q('n')} FROM ${q('outbound_recipient')} WHERE ${q('content_hash')} = ${p(0)} AND ${q('created_at')} >= ${p(1)} AND ${q('message_id')} <> ${p(2)}`);
  }

  /** Approvals, rejections and comments on a message, oldest first. */
  actions(messageId: number): Promise<ApprovalActionRow[]> {
    return this.gate.run(() => this.dataSource.getRepository<ApprovalActionRow>(APPROVAL_ACTION_ENTITY).find({ where: { messageId }, order: { at: 'ASC' } }));
  }

  /** Messages created since `sinceMs` (for tests and status pages). */
  since(sinceMs: number): Promise<OutboundMessageRow[]> {
    return this.gate.run(() => this.repo.find({ where: { createdAt: MoreThanOrEqual(sinceMs) }, order: { id: 'ASC' } }));
  }
}
