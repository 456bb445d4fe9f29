/**
 * Reads and plain updates of hand-over jobs and items. Writes that change an
 * item's status go through the archive (records.ts effects) so they commit
 * with their evidence; what is here are reads, the runner's scheduling
 * fields, and nothing an auditor would miss.
 */
import { In, LessThanOrEqual, Not, type DataSource } from 'typeorm';
import type { ConnectionGate } from '../db/connection-gate';
import { chunk } from '../db/chunk';
import { HANDOVER_ITEM_ENTITY, HANDOVER_JOB_ENTITY, HANDOVER_RECORD_ENTITY, type HandoverItemRow, type HandoverJobRow, type HandoverRecordRow } from '../db/entities';

/** How many items of a job are in each status, per kind. */
export type ItemCounts = Record<'customer' | 'group', Record<string, number>>;

/** The job and item tables. */
export class HandoverStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate) {}

  private get jobs() {
    return this.dataSource.getRepository<HandoverJobRow>(HANDOVER_JOB_ENTITY);
  }

  private get items() {
    return this.dataSource.getRepository<HandoverItemRow>(HANDOVER_ITEM_ENTITY);
  }

  job(id: string): Promise<HandoverJobRow | null> {
    return this.gate.run(() => this.jobs.findOneBy({ id }));
  }

  jobByRequestKey(requestKey: string): Promise<HandoverJobRow | null> {
    return this.gate.run(() => this.jobs.findOneBy({ requestKey }));
  }

  /** The running job of an RM (its active key), if any. */
  activeJob(activeKey: string): Promise<HandoverJobRow | null> {
    return this.gate.run(() => this.jobs.findOneBy({ activeKey }));
  }

  /** Jobs newest first. */
  listJobs(filter: { corpId?: string; status?: string; limit: number }): Promise<HandoverJobRow[]> {
    return this.gate.run(() => this.jobs.find({
      where: { ...(filter.corpId ? { corpId: filter.corpId } : {}), ...(filter.status ? { status: filter.status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
    }));
  }

  /** Running jobs whose next look is due, earliest first. */
  dueJobs(nowMs: number, limit: number): Promise<HandoverJobRow[]> {
    return this.gate.run(() => this.jobs.find({
      where: [{ status: 'transferring', nextRunAt: LessThanOrEqual(nowMs) }, { status: 'waiting', nextRunAt: LessThanOrEqual(nowMs) }],
      order: { nextRunAt: 'ASC', id: 'ASC' },
      take: limit,
    }));
  }

  /** Set the runner's scheduling fields (attempts, next look, status while running). */
  async schedule(id: string, set: Partial<Pick<HandoverJobRow, 'nextRunAt' | 'attempts' | 'status' | 'failureCode' | 'failureDetail' | 'updatedAt'>>): Promise<void> {
    await this.gate.run(() => this.jobs.update({ id, status: Not(In(['completed', 'failed'])) }, set));
  }

  /** A job's items of one kind, in order; only those in `statuses` when given. */
  itemsOf(jobId: string, kind?: 'customer' | 'group', statuses?: readonly string[], limit?: number): Promise<HandoverItemRow[]> {
    return this.gate.run(() => this.items.find({
      where: { jobId, ...(kind ? { kind } : {}), ...(statuses ? { status: In([...statuses]) } : {}) },
      order: { kind: 'ASC', seq: 'ASC' },
      ...(limit ? { take: limit } : {}),
    }));
  }

  /** Item counts per kind and status. */
  async counts(jobId: string): Promise<ItemCounts> {
    const rows = await this.gate.run(() => this.items.createQueryBuilder('i')
      .select('i.kind', 'kind').addSelect('i.status', 'status').addSelect('COUNT(*)', 'n')
      .where('i.jobId = :jobId', { jobId }).groupBy('i.kind').addGroupBy('i.status')
      .getRawMany<{ kind: string; status: string; n: string | number }>());
    const counts: ItemCounts = { customer: {}, group: {} };
    for (const r of rows) if (r.kind === 'customer' || r.kind === 'group') counts[r.kind][r.status] = Number(r.n);
    return counts;
  }

  /**
   * In-service transfers of these customers (subject indexes) in the corp that count towards
   * Tencent's 2 in 90 days: accepted since `sinceMs`, or planned (pending, calling) in another job.
   */
  async countingTransfers(corpId: string, subjectBidxes: readonly string[], sinceMs: number, excludeJobId?: string): Promise<Map<string, (number | null)[]>> {
    const found = new Map<string, (number | null)[]>();
    for (const part of chunk([...new Set(subjectBidxes)], 500)) {
      const rows = await this.gate.run(() => this.items.find({
        select: { subjectBidx: true, acceptedAt: true, status: true, jobId: true },
        where: { corpId, mode: 'in-service', kind: 'customer', subjectBidx: In(part) },
      }));
      for (const row of rows) {
        if (row.jobId === excludeJobId || row.subjectBidx === null) continue;
        const counts = row.acceptedAt !== null ? row.acceptedAt > sinceMs : row.status === 'pending' || row.status === 'calling';
        if (!counts) continue;
        const list = found.get(row.subjectBidx) ?? [];
        list.push(row.acceptedAt);
        found.set(row.subjectBidx, list);
      }
    }
    return found;
  }

  /** The archive records a job wrote, oldest first. */
  recordsOf(jobId: string): Promise<HandoverRecordRow[]> {
    return this.gate.run(() => this.dataSource.getRepository<HandoverRecordRow>(HANDOVER_RECORD_ENTITY).find({ where: { jobId }, order: { createdAt: 'ASC', recordId: 'ASC' } }));
  }
}
