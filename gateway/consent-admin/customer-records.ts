/**
 * "Everything with customer X": the archive records carrying the customer's
 * blind index, plus records of ids bound to the customer that a concurrent
 * write left without it (the same set as bindings.recordIdsOf), one page at a
 * time in the archive's own order (chain shard, then position). Every record
 * of the page is opened for its time and account; payloads are handed out
 * only when decryption was asked for (and allowed).
 */
import { createHash } from 'node:crypto';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { AdminError } from '../admin-api/admin-error';
import type { AuditFacts, CustomerRecordPage } from '../admin-api/ports';
import { openStored } from '../archive/reader';
import type { StoredRecord } from '../archive/types';
import { ARCHIVE_RECORD_ENTITY, type ArchiveRecordRow } from '../db/entities';
import type { ConsentAdminDeps } from './deps';

interface Position {
  shard: number;
  shardSeq: number;
}

/** One page of the customer's records. @throws AdminError forbidden (decrypt without consent:read), validation_failed (a cursor this API did not issue) */
export async function customerRecordsPage(
  deps: ConsentAdminDeps,
  customerId: string,
  query: { decrypt: boolean; cursor?: string; limit: number },
  mayDecrypt: boolean,
): Promise<{ page: CustomerRecordPage; audit: AuditFacts }> {
  const customerBidx = deps.consent.customerIndex(customerId);
  const facts: AuditFacts = { target: null, details: { customerIndex: customerBidx, decrypt: query.decrypt } };
  if (query.decrypt && !mayDecrypt) throw new AdminError('forbidden', 'decrypt=true needs the consent:read permission, which your roles do not hold', { audit: facts });
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const persons = (await deps.consent.bindings.personsOf(customerId)).slice(0, 1000);
  const rows = await deps.gate.run(() => {
    const qb: SelectQueryBuilder<ArchiveRecordRow> = deps.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).createQueryBuilder('r')
      .where(new Brackets((about) => {
        about.where('r.customerBidx = :customerBidx', { customerBidx });
        if (persons.length > 0) about.orWhere(new Brackets((b) => b.where('r.subjectBidx IN (:...persons)', { persons }).andWhere('r.customerBidx IS NULL')));
      }));
    if (after) qb.andWhere(new Brackets((b) => b.where('r.shard > :shard', { shard: after.shard }).orWhere('r.shard = :shard AND r.shardSeq > :seq', { shard: after.shard, seq: after.shardSeq })));
    return qb.orderBy('r.shard', 'ASC').addOrderBy('r.shardSeq', 'ASC').take(query.limit + 1).getMany();
  });
  const page = rows.slice(0, query.limit);
  const items = page.map((row) => {
    const opened = openStored(deps.keyStore, row as StoredRecord);
    return {
      recordId: row.id, recordType: row.recordType, occurredAt: new Date(opened.occurredAtMs).toISOString(), accountId: opened.accountId,
      ...(query.decrypt ? { payload: opened.payload } : {}),
    };
  });
  const last = page.at(-1);
  const ids = items.map((i) => i.recordId);
  return {
    page: { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null, decrypted: query.decrypt },
    // Which records were read: their count and a hash of their ids (the page can be listed again to match it).
    audit: { ...facts, details: { ...facts.details, count: ids.length, recordIdsHash: createHash('sha256').update(ids.join('\n')).digest('hex'), ...(after ? { after: `${after.shard}:${after.shardSeq}` } : {}) } },
  };
}

function encodeCursor(p: Position): string {
  return Buffer.from(`pos:${p.shard}:${p.shardSeq}`).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  const match = /^pos:(\d{1,9}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AdminError('validation_failed', '/query/cursor is not a cursor this API issued', { errors: [{ pointer: '/query/cursor', message: 'is not a cursor this API issued' }] });
  return { shard: Number(match[1]), shardSeq: Number(match[2]) };
}
