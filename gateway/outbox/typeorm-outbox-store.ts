/** OutboxStore over TypeORM. Status changes are guarded by `status = 'pending'` so a late worker cannot undo a final state. */
import { LessThanOrEqual, type DataSource } from 'typeorm';
import { OUTBOX_ENTITY, type OutboxRow as OutboxEntityRow } from '../db/entities';
import { ConnectionGate } from '../db/connection-gate';
import type { OutboxRow, OutboxStore } from './outbox-store';

export class TypeOrmOutboxStore implements OutboxStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate = ConnectionGate.for(dataSource)) {}

  private get repo() {
    return this.dataSource.getRepository<OutboxEntityRow>(OUTBOX_ENTITY);
  }

  async get(id: string): Promise<OutboxRow | null> {
    return this.gate.run(() => this.repo.findOneBy({ id }));
  }

  async markDone(id: string, nowMs: number): Promise<void> {
    await this.gate.run(() => this.repo.update({ id, status: 'pending' }, { status: 'done', doneAt: nowMs, updatedAt: nowMs }));
  }

  async markAttemptFailed(id: string, attempts: number, nextAttemptAt: number, error: string, exhausted: boolean, nowMs: number): Promise<void> {
    await this.gate.run(() =>
      this.repo.update({ id, status: 'pending' }, { attempts, nextAttemptAt, lastError: error, status: exhausted ? 'failed' : 'pending', updatedAt: nowMs }),
    );
  }

  async claim(id: string, nowMs: number, claimMs: number): Promise<boolean> {
    const result = await this.gate.run(() => this.repo.update({ id, status: 'pending', nextAttemptAt: LessThanOrEqual(nowMs) }, { nextAttemptAt: nowMs + claimMs, updatedAt: nowMs }));
    return (result.affected ?? 0) === 1;
  }

  async due(nowMs: number, limit: number): Promise<OutboxRow[]> {
    return this.gate.run(() => this.repo.find({ where: { status: 'pending', nextAttemptAt: LessThanOrEqual(nowMs) }, order: { nextAttemptAt: 'ASC' }, take: limit }));
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    const [pending, failed] = await this.gate.run(() => Promise.all([this.repo.countBy({ status: 'pending' }), this.repo.countBy({ status: 'failed' })]));
    return { pending, failed };
  }

  /** Every row, for tests and `cgw` inspection. */
  async all(): Promise<OutboxEntityRow[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }
}
