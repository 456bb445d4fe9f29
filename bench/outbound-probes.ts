/**
 * What the outbound benchmark reads besides its own answers: the archive
 * writer's counters from the gateway's /metrics, the CPU of the gateway's
 * PostgreSQL backends, and — after the runs — the outbound_message states
 * and window counters, and the fate of every message answered "queued".
 */
import { Client } from 'pg';
import { createDataSource, type DatabaseConfig } from '../gateway/db/data-source';
import { OA_CONTACT_ENTITY, OUTBOUND_MESSAGE_ENTITY, type OutboundMessageRow } from '../gateway/db/entities';
import { processCpuMs } from './child';

/** outbound_message rows by status, and the followers' window counters summed: every delivered customer-service message must be counted once. */
export async function messageStates(database: DatabaseConfig): Promise<Record<string, number>> {
  const ds = await createDataSource(database).initialize();
  try {
    const rows = await ds.getRepository(OUTBOUND_MESSAGE_ENTITY).createQueryBuilder('m').select('m.status', 'status').addSelect('COUNT(1)', 'n').groupBy('m.status').getRawMany<{ status: string; n: string | number }>();
    const counted = await ds.getRepository(OA_CONTACT_ENTITY).createQueryBuilder('c').select('SUM(c.sentSince)', 'n').getRawOne<{ n: string | number | null }>();
    return { ...Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])), windowSentSinceSum: Number(counted?.n ?? 0) };
  } finally {
    await ds.destroy();
  }
}

/** For each message answered "queued": received by the simulator how often, its final state and how long after submission it finished. */
export async function queuedFates(database: DatabaseConfig, queued: { msgid: string; received: number }[]): Promise<string[]> {
  if (queued.length === 0) return [];
  const ds = await createDataSource(database).initialize();
  try {
    const out: string[] = [];
    for (const q of queued.slice(0, 20)) {
      const m = await ds.getRepository<OutboundMessageRow>(OUTBOUND_MESSAGE_ENTITY).findOneBy({ id: Number(q.msgid) });
      out.push(`msgid ${q.msgid}: received ${q.received}×, ${m ? `${m.status}${m.finishedAt !== null ? ` ${m.finishedAt - m.createdAt} ms after submission` : ''}` : 'no row'}`);
    }
    return out;
  } finally {
    await ds.destroy();
  }
}

/** The archive writer's counters from the gateway's /metrics. */
export async function archiveMetrics(port: number): Promise<{ commits: number; records: number; seconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { commits: value('cgw_archive_commit_seconds_count'), records: value('cgw_archive_batch_size_sum'), seconds: value('cgw_archive_commit_seconds_sum') };
}

/** CPU ms so far of every PostgreSQL backend connected to the benchmark's database (the gateway's pool), by pid; undefined on SQLite. */
export async function postgresBackendCpu(database: DatabaseConfig): Promise<Map<number, number> | undefined> {
  if (database.type !== 'postgres') return undefined;
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        out.set(pid, processCpuMs(pid));
      } catch {
        // exited meanwhile
      }
    }
    return out;
  } finally {
    await client.end();
  }
}
