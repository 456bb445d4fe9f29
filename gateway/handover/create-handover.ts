/**
 * Factory for RM departure, called by the composition root: the job store,
 * the runner (with its per-job lease), the admin port and the query of
 * everything involving an RM.
 */
import type { HandoverPort } from '../admin-api/ports';
import type { LeaseStore } from '../upstream/lease-store';
import { TypeOrmLeaseStore } from '../upstream/typeorm-lease-store';
import { handoverAdminPorts } from './admin-ports';
import type { HandoverDeps } from './deps';
import { HandoverStore } from './job-store';
import { recordsInvolvingRm, type RmRecordPage, type RmRecordsAudit } from './rm-records';
import { HandoverRunner } from './runner';
import { startHandover, type StartedHandover, type StartHandoverRequest } from './start-handover';
import type { HandoverActor } from './types';

export interface Handover {
  /** The admin API's operations. */
  port: HandoverPort;
  store: HandoverStore;
  runner: HandoverRunner;
  /** Start a hand-over (what POST /handovers does, without the HTTP). @throws HandoverRefusal */
  start(request: StartHandoverRequest, actor: HandoverActor): Promise<StartedHandover>;
  /** One runner pass over due hand-overs; resolves with how many were looked at. */
  runDue(): Promise<number>;
  /** Work one hand-over now. */
  runJob(jobId: string): Promise<void>;
  /** Everything involving RM `userid` of corp `corp`, one page. @throws BadRmCursor */
  recordsInvolvingRm(corp: string, userid: string, query: { decrypt: boolean; cursor?: string; limit: number }): Promise<{ page: RmRecordPage; audit: RmRecordsAudit }>;
  /** Begin the runner's ticks (config.handover.tickMs; none when 0). */
  startRunner(): void;
  /** Stop the runner and wait for the job in flight. */
  stop(): Promise<void>;
}

export type CreateHandoverDeps = Omit<HandoverDeps, 'store'> & { leases?: LeaseStore; holderId?: string };

/** Build RM departure. */
export function createHandover(input: CreateHandoverDeps): Handover {
  const { leases, holderId, ...rest } = input;
  const deps: HandoverDeps = { ...rest, store: new HandoverStore(rest.dataSource, rest.gate) };
  const runner = new HandoverRunner(deps, leases ?? new TypeOrmLeaseStore(rest.dataSource, rest.gate), ...(holderId ? [holderId] : []));
  return {
    port: handoverAdminPorts(deps),
    store: deps.store,
    runner,
    start: (request, actor) => startHandover(deps, request, actor),
    runDue: () => runner.runDue(),
    runJob: (jobId) => runner.runJob(jobId),
    recordsInvolvingRm: (corp, userid, query) => recordsInvolvingRm(deps, corp, userid, query),
    startRunner: () => runner.start(),
    stop: () => runner.stop(),
  };
}
