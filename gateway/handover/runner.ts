/**
 * Works running hand-overs, one replica per job at a time (a lease per job;
 * the items' compare-and-set is the second guard against a double transfer).
 * Everything is read back from the database, so a restarted gateway picks up
 * where the last one stopped: calls whose answer was lost are settled first
 * (transfer_result, groupchat/get), then pending customers and groups are
 * sent, then — once a poll interval has passed — transfer_result is asked
 * until every customer is final, and the job ends.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Lease, LeaseStore } from '../upstream/lease-store';
import type { HandoverDeps } from './deps';
import { finishIfDone, openCount } from './finish';
import { pollResults } from './poll-results';
import { openJob } from './sealing';
import { resolveCustomersInDoubt, transferPendingCustomers } from './transfer-customers';
import { resolveGroupsInDoubt, transferPendingGroups } from './transfer-groups';
import type { OpenJob } from './types';

/** The lease that lets one replica work hand-over `jobId`. */
export function handoverLeaseName(jobId: string): string {
  return `handover:${jobId}`;
}

export class HandoverRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Set<string>();
  private stopped = false;

  constructor(
    private readonly deps: HandoverDeps,
    private readonly leases: LeaseStore,
    private readonly holder = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`,
  ) {}

  /** Look for due hand-overs every `tickMs` (none when 0). */
  start(): void {
    if (this.timer || this.deps.config.tickMs === 0) return;
    this.stopped = false;
    this.timer = setInterval(() => {
      this.running = this.runDue().catch((err: unknown) => this.deps.logger.warn({ err: (err as Error).message }, 'hand-over runner pass failed; the next tick retries'));
    }, this.deps.config.tickMs);
    this.timer.unref();
  }

  /** Stop looking and wait for the pass in flight (its job's lease is released). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: work every hand-over whose next look is due; resolves with how many were looked at. */
  async runDue(): Promise<number> {
    const due = await this.deps.store.dueJobs(this.deps.now(), 50);
    for (const row of due) {
      if (this.stopped) break;
      await this.runJob(row.id);
    }
    return due.length;
  }

  /** Work one hand-over now, if this replica can take its lease. */
  async runJob(jobId: string): Promise<void> {
    if (this.inflight.has(jobId)) return;
    this.inflight.add(jobId);
    let lease: Lease | null = null;
    try {
      lease = await this.leases.acquire(handoverLeaseName(jobId), this.holder, this.deps.config.leaseMs, this.deps.now());
      if (!lease) return;
      const row = await this.deps.store.job(jobId);
      if (!row || row.status === 'completed' || row.status === 'failed') return;
      const job = openJob(this.deps.keyStore, row);
      if (!this.deps.corps.some((c) => c.id === row.corpId)) {
        this.deps.logger.error({ handover: jobId, corp: row.corpId }, 'hand-over of a corp that is no longer configured; left as it is');
        return;
      }
      let current: Lease = lease;
      const keepLease = async (): Promise<boolean> => {
        if (this.stopped) return false;
        const renewed = await this.leases.renew(current, this.deps.config.leaseMs, this.deps.now());
        if (renewed) lease = current = renewed;
        return renewed !== null;
      };
      await this.work(job, keepLease);
    } finally {
      if (lease) await this.leases.release(lease).catch(() => undefined);
      this.inflight.delete(jobId);
    }
  }

  private async work(opened: OpenJob, keepLease: () => Promise<boolean>): Promise<void> {
    const { deps } = this;
    let job = opened;
    if (!(await this.steps(job, keepLease))) {
      // A step that stopped for good (failHandover) leaves only what WeCom already started: end now or wait for it.
      const row = await deps.store.job(job.row.id);
      if (!row?.failureCode || row.status === 'completed' || row.status === 'failed') return;
      job = { ...job, row };
    }
    if (await finishIfDone(deps, job)) return;
    const counts = await deps.store.counts(job.row.id);
    const moving = (counts.customer.pending ?? 0) + (counts.customer.calling ?? 0) + (counts.group.pending ?? 0) + (counts.group.calling ?? 0);
    const at = deps.now();
    if (moving > 0 && !job.row.failureCode) {
      // Left over only when this run stopped early (the lease or a race): look again soon.
      await deps.store.schedule(job.row.id, { status: 'transferring', nextRunAt: at, updatedAt: at });
      return;
    }
    if (openCount(counts) > 0) await deps.store.schedule(job.row.id, { status: 'waiting', attempts: 0, nextRunAt: at + deps.config.pollIntervalMs, updatedAt: at });
  }

  /** Settle lost answers, send what is pending, poll when due; false when a step stopped the run. */
  private async steps(job: OpenJob, keepLease: () => Promise<boolean>): Promise<boolean> {
    const { deps } = this;
    const wasWaiting = job.row.status === 'waiting';
    if ((await resolveCustomersInDoubt(deps, job)) === 'stop') return false;
    if ((await resolveGroupsInDoubt(deps, job)) === 'stop') return false;
    if (!job.row.failureCode) {
      if ((await transferPendingCustomers(deps, job, keepLease)) === 'stop') return false;
      if ((await transferPendingGroups(deps, job, keepLease)) === 'stop') return false;
    }
    // Takeovers come 24 h after a transfer starts: the first look is a poll interval after the calls.
    if (wasWaiting && (await pollResults(deps, job)) === 'stop') return false;
    return true;
  }
}
