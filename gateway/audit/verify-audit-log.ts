/**
 * Verifies the audit log's chain end to end: every event's hash over its
 * stored fields, its link to the previous event, gap-free seqs from 1, and
 * that audit_head points at the last event. Finds altered, deleted, inserted
 * and reordered events. Like the archive's chain alone, it cannot see the
 * newest events removed by someone who also moves audit_head back (nor a
 * whole chain rewritten); sealing the head in a signed checkpoint closes that.
 */
import type { DataSource } from 'typeorm';
import type { ConnectionGate } from '../db/connection-gate';
import { AUDIT_EVENT_ENTITY, AUDIT_HEAD_ENTITY, type AuditEventRow, type AuditHeadRow } from '../db/entities';
import { auditEventHash, auditGenesisHash } from './chain';
import { chainInputOf } from './rows';
import { AUDIT_HEAD_ID } from './typeorm-audit-log';

/** What kind of problem a finding is (the archive verifier's names). */
export type AuditFindingKind = 'hash-mismatch' | 'prev-mismatch' | 'seq-gap' | 'seq-out-of-order' | 'head-mismatch';

/** One problem, located by seq and event id; never event content. */
export interface AuditFinding {
  kind: AuditFindingKind;
  seq: number;
  eventId: string | null;
  detail: string;
}

/** The verification summary. */
export interface AuditVerifyReport {
  ok: boolean;
  events: number;
  /** The last event of the chain as walked (seq 0 and the genesis hash when empty). */
  head: { seq: number; hash: string };
  findings: AuditFinding[];
  elapsedMs: number;
}

const PAGE = 1000;
/** Walks after the first, to catch up with a gateway still recording. */
const MAX_ROUNDS = 20;

/** Verify the whole audit log in `dataSource`. Never throws on tampering: it reports it. */
export async function verifyAuditLog(dataSource: DataSource, options: { pageSize?: number; gate?: ConnectionGate } = {}): Promise<AuditVerifyReport> {
  const started = Date.now();
  // Inside a running gateway on SQLite, a read must not join another caller's open transaction.
  const run = <T>(query: () => Promise<T>): Promise<T> => (options.gate ? options.gate.run(query) : query());
  const pageSize = options.pageSize ?? PAGE;
  const findings: AuditFinding[] = [];
  const report = (kind: AuditFindingKind, seq: number, eventId: string | null, detail: string) => findings.push({ kind, seq, eventId, detail });
  const repo = dataSource.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY);

  // seq is the primary key, so duplicates cannot exist; rows below 1 are outside any chain position.
  for (const row of await run(() => repo.createQueryBuilder('e').where('e.seq < 1').orderBy('e.seq', 'ASC').getMany())) {
    report('seq-out-of-order', row.seq, row.id, `seq ${row.seq} is outside the chain (seqs start at 1)`);
  }
  let last = { seq: 0, hash: auditGenesisHash() };
  let events = 0;
  const walk = async () => {
    for (;;) {
      // Keyset pages in seq order: flat cost per page on a large log.
      const rows = await run(() => repo.createQueryBuilder('e').where('e.seq > :after', { after: last.seq }).orderBy('e.seq', 'ASC').take(pageSize).getMany());
      for (const row of rows) {
        events++;
        if (row.seq !== last.seq + 1) report('seq-gap', last.seq + 1, row.id, `seqs ${last.seq + 1}..${row.seq - 1} are missing before ${row.seq}`);
        if (row.prevHash !== last.hash) report('prev-mismatch', row.seq, row.id, `prevHash ${row.prevHash}, previous event (seq ${last.seq}) has hash ${last.hash}`);
        let computed: string | null = null;
        try {
          computed = auditEventHash(chainInputOf(row));
        } catch (err) {
          report('hash-mismatch', row.seq, row.id, `event cannot be hashed: ${(err as Error).name}`);
        }
        if (computed !== null && computed !== row.eventHash) report('hash-mismatch', row.seq, row.id, `stored hash ${row.eventHash}, fields hash to ${computed}`);
        // Link the next event to the stored hash: one altered event is one finding, not a cascade.
        last = { seq: row.seq, hash: row.eventHash };
      }
      if (rows.length < pageSize) return;
    }
  };
  let head: AuditHeadRow | null;
  for (let round = 1; ; round++) {
    await walk();
    // The head is read after the walk: events and their head move in one transaction, so a head
    // beyond the walk means events were committed meanwhile (a live log): walk on to them.
    head = await run(() => dataSource.getRepository<AuditHeadRow>(AUDIT_HEAD_ENTITY).findOneBy({ id: AUDIT_HEAD_ID }));
    if (!head || head.seq <= last.seq || round >= MAX_ROUNDS) break;
  }
  if (!head) {
    // No head and no events: a database the gateway has not started on yet.
    if (events > 0) report('head-mismatch', last.seq, null, 'the audit_head row is missing');
  } else if (head.seq < last.seq) {
    // Every committed event moved the head with it: events beyond it were never written by the gateway.
    report('head-mismatch', head.seq, null, `audit_head says seq ${head.seq}, the chain goes on to seq ${last.seq}`);
  } else if (head.seq > last.seq) {
    report('seq-gap', last.seq + 1, null, `seqs ${last.seq + 1}..${head.seq} are missing at the end (audit_head says seq ${head.seq})`);
  } else if (head.headHash !== last.hash) {
    report('head-mismatch', head.seq, null, `the chain ends at hash ${last.hash}, audit_head says ${head.headHash}`);
  }
  return { ok: findings.length === 0, events, head: last, findings, elapsedMs: Date.now() - started };
}
