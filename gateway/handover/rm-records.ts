/**
 * "Everything involving RM X" in a corp. The archive's subject index is the
 * sender, so the RM's own records (what they sent, events about them) carry
 * their userid's index; a hand-over adds two more sets:
 *
 * - every customer handed to or from X whose transfer WeCom accepted, with
 *   the customer's whole history (the records whose subject is the customer:
 *   what they wrote to either RM, callbacks about them, their hand-over
 *   outcome), so a supervisor looking at the takeover RM sees what came
 *   before, and one looking at the handover RM sees what came after;
 * - every `wecom.handover` record of a job X was part of (linked in
 *   `handover_record`), including customers refused or skipped.
 *
 * One query, in the archive's own order (chain shard, then position), paged
 * like a customer's records. What it does not reach: messages the *other* RM
 * sent to a handed-over customer are under that RM's subject (query them as
 * that RM), and group chats' messages from other senders (the hand-over
 * records name the chat ids).
 */
import { createHash } from 'node:crypto';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { blindIndex } from '../archive/crypto/blind-index';
import { openStored } from '../archive/reader';
import type { StoredRecord } from '../archive/types';
import { ARCHIVE_RECORD_ENTITY, HANDOVER_ITEM_ENTITY, HANDOVER_JOB_ENTITY, HANDOVER_RECORD_ENTITY, type ArchiveRecordRow, type HandoverJobRow } from '../db/entities';
import type { HandoverDeps } from './deps';
import { subjectIndex } from './sealing';
import type { HandoverMode, JobStatus } from './types';

/** Why a record is in the answer (several can hold). */
export type Involvement = 'rm' | 'customer' | 'handover';

/** One record of the answer. */
export interface RmRecord {
  recordId: string;
  recordType: string;
  occurredAt: string;
  accountId: string;
  involvement: Involvement[];
  /** The decrypted content (decrypt only). */
  payload?: Record<string, unknown>;
}

/** A hand-over the RM was part of. */
export interface RmHandover {
  id: string;
  role: 'handover' | 'takeover';
  mode: HandoverMode;
  status: JobStatus;
  createdAt: string;
}

export interface RmRecordPage {
  corp: string;
  handovers: RmHandover[];
  items: RmRecord[];
  nextCursor: string | null;
  decrypted: boolean;
}

/** A cursor this query did not issue. */
export class BadRmCursor extends Error {
  override readonly name = 'BadRmCursor';
}

/** What the read's audit event records: the RM as a blind index, never the userid. */
export interface RmRecordsAudit {
  rmIndex: string;
  corp: string;
  decrypt: boolean;
  count: number;
  recordIdsHash: string;
  handovers: number;
  after?: string;
}

/** One page of the records involving RM `userid` of corp `corpConfigId`. @throws BadRmCursor */
export async function recordsInvolvingRm(deps: HandoverDeps, corpConfigId: string, userid: string, query: { decrypt: boolean; cursor?: string; limit: number }): Promise<{ page: RmRecordPage; audit: RmRecordsAudit }> {
  const rm = subjectIndex(deps.keyStore, userid);
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const jobs = await deps.gate.run(() => deps.dataSource.getRepository<HandoverJobRow>(HANDOVER_JOB_ENTITY).find({
    where: [{ corpId: corpConfigId, fromBidx: rm }, { corpId: corpConfigId, toBidx: rm }],
    order: { createdAt: 'ASC', id: 'ASC' },
    take: 1000,
  }));
  const jobIds = jobs.map((j) => j.id);
  const accountBidx = blindIndex(deps.keyStore.indexKey(), 'account', corpConfigId);
  const rows = await deps.gate.run(() => {
    const qb: SelectQueryBuilder<ArchiveRecordRow> = deps.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).createQueryBuilder('r');
    qb.where('r.accountBidx = :accountBidx', { accountBidx }).andWhere(new Brackets((about) => {
      about.where('r.subjectBidx = :rm', { rm });
      if (jobIds.length > 0) {
        const customers = qb.subQuery().select('i.subjectBidx').from(HANDOVER_ITEM_ENTITY, 'i').where('i.jobId IN (:...jobIds)').andWhere('i.acceptedAt IS NOT NULL').getQuery();
        const records = qb.subQuery().select('hr.recordId').from(HANDOVER_RECORD_ENTITY, 'hr').where('hr.jobId IN (:...jobIds)').getQuery();
        about.orWhere(`r.subjectBidx IN ${customers}`, { jobIds }).orWhere(`r.id IN ${records}`, { jobIds });
      }
    }));
    if (after) qb.andWhere(new Brackets((b) => b.where('r.shard > :shard', { shard: after.shard }).orWhere('r.shard = :shard AND r.shardSeq > :seq', { shard: after.shard, seq: after.shardSeq })));
    return qb.orderBy('r.shard', 'ASC').addOrderBy('r.shardSeq', 'ASC').take(query.limit + 1).getMany();
  });
  const page = rows.slice(0, query.limit);
  const involvement = await involvementOf(deps, page, rm, jobIds);
  const items: RmRecord[] = page.map((row) => {
    const opened = openStored(deps.keyStore, row as StoredRecord);
    return {
      recordId: row.id, recordType: row.recordType, occurredAt: new Date(opened.occurredAtMs).toISOString(), accountId: opened.accountId,
      involvement: involvement.get(row.id) ?? [],
      ...(query.decrypt ? { payload: opened.payload } : {}),
    };
  });
  const last = page.at(-1);
  const ids = items.map((i) => i.recordId);
  return {
    page: {
      corp: corpConfigId,
      handovers: jobs.map((j) => ({ id: j.id, role: j.fromBidx === rm ? 'handover' : 'takeover', mode: j.mode as HandoverMode, status: j.status as JobStatus, createdAt: new Date(j.createdAt).toISOString() })),
      items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.shard, last.shardSeq) : null, decrypted: query.decrypt,
    },
    audit: {
      rmIndex: rm, corp: corpConfigId, decrypt: query.decrypt, count: ids.length, handovers: jobs.length,
      recordIdsHash: createHash('sha256').update(ids.join('\n')).digest('hex'),
      ...(after ? { after: `${after.shard}:${after.shardSeq}` } : {}),
    },
  };
}

/** Why each record of the page is there. */
async function involvementOf(deps: HandoverDeps, page: readonly ArchiveRecordRow[], rm: string, jobIds: readonly string[]): Promise<Map<string, Involvement[]>> {
  const result = new Map<string, Involvement[]>(page.map((r) => [r.id, r.subjectBidx === rm ? ['rm'] : []]));
  if (jobIds.length === 0 || page.length === 0) return result;
  const subjects = [...new Set(page.flatMap((r) => (r.subjectBidx && r.subjectBidx !== rm ? [r.subjectBidx] : [])))];
  const handed = subjects.length === 0 ? [] : await deps.gate.run(() => deps.dataSource.getRepository(HANDOVER_ITEM_ENTITY).createQueryBuilder('i')
    .select('i.subjectBidx', 'subjectBidx').where('i.jobId IN (:...jobIds)', { jobIds }).andWhere('i.subjectBidx IN (:...subjects)', { subjects }).andWhere('i.acceptedAt IS NOT NULL')
    .getRawMany<{ subjectBidx: string }>());
  const handedSet = new Set(handed.map((h) => h.subjectBidx));
  const linked = await deps.gate.run(() => deps.dataSource.getRepository(HANDOVER_RECORD_ENTITY).createQueryBuilder('hr')
    .select('hr.recordId', 'recordId').where('hr.jobId IN (:...jobIds)', { jobIds }).andWhere('hr.recordId IN (:...ids)', { ids: page.map((r) => r.id) })
    .getRawMany<{ recordId: string }>());
  const linkedSet = new Set(linked.map((l) => l.recordId));
  for (const row of page) {
    const list = result.get(row.id)!;
    if (row.subjectBidx && handedSet.has(row.subjectBidx)) list.push('customer');
    if (linkedSet.has(row.id)) list.push('handover');
  }
  return result;
}

function encodeCursor(shard: number, shardSeq: number): string {
  return Buffer.from(`pos:${shard}:${shardSeq}`).toString('base64url');
}

function decodeCursor(cursor: string): { shard: number; shardSeq: number } {
  const match = /^pos:(\d{1,9}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadRmCursor('the cursor is not one this API issued');
  return { shard: Number(match[1]), shardSeq: Number(match[2]) };
}
