/** A hand-over as the admin API shows it (the spec's Handover). */
import type { Handover } from '../admin-api/ports';
import type { HandoverJobRow } from '../db/entities';
import type { HandoverDeps } from './deps';
import type { ItemCounts } from './job-store';
import { openItem, openJob } from './sealing';
import type { HandoverMode, JobStatus } from './types';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const STATUSES = ['pending', 'calling', 'waiting', 'succeeded', 'refused', 'limit_exceeded', 'rejected', 'skipped', 'failed'] as const;

function itemCounts(byStatus: Record<string, number>): Handover['customers'] {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, byStatus[s] ?? 0])) as Omit<Handover['customers'], 'total'>;
  return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), ...counts };
}

/** The job's view; with `detail`, every customer and group and the job's archive records. */
export async function handoverView(deps: HandoverDeps, row: HandoverJobRow, detail: boolean, counts?: ItemCounts): Promise<Handover> {
  const job = openJob(deps.keyStore, row);
  const c = counts ?? (await deps.store.counts(row.id));
  const view: Handover = {
    id: row.id, corp: row.corpId, mode: row.mode as HandoverMode, handoverUserid: job.secrets.handoverUserid, takeoverUserid: job.secrets.takeoverUserid,
    status: row.status as JobStatus, startedBy: row.startedBy, createdAt: iso(row.createdAt)!, updatedAt: iso(row.updatedAt)!,
    finishedAt: iso(row.finishedAt), nextRunAt: iso(row.nextRunAt),
    failure: row.failureCode ? { code: row.failureCode, detail: row.failureDetail ?? '' } : null,
    note: row.failureCode ? null : row.failureDetail,
    customers: itemCounts(c.customer), groups: itemCounts(c.group),
  };
  if (!detail) return view;
  const items = (await deps.store.itemsOf(row.id)).map((r) => openItem(deps.keyStore, r));
  view.customerItems = items.filter((i) => i.row.kind === 'customer').map((i) => ({
    externalUserId: i.ref, status: i.row.status as NonNullable<Handover['customerItems']>[number]['status'], errcode: i.row.errcode, reason: i.row.reason, detail: i.row.detail,
    acceptedAt: iso(i.row.acceptedAt), takeoverAt: iso(i.row.takeoverAt),
  }));
  view.groupItems = items.filter((i) => i.row.kind === 'group').map((i) => ({
    chatId: i.ref, status: i.row.status as NonNullable<Handover['groupItems']>[number]['status'], errcode: i.row.errcode, reason: i.row.reason, detail: i.row.detail, takeoverAt: iso(i.row.takeoverAt),
  }));
  view.recordIds = (await deps.store.recordsOf(row.id)).map((r) => r.recordId);
  return view;
}
