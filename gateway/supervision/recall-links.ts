/**
 * Recalls and the messages they recalled. The archive keeps both records
 * (the recall is a message of its own, msgtype revoke); `msgaudit_recall`
 * says which recalled which. The original is found by its archive dedupe
 * index, corp + msgid (connectors/wecom/msgaudit/parse/dedupe-key.ts), so the
 * link is written without decrypting anything; if the original is not in
 * the archive yet (it was archived raw, or pulled before the archive
 * started), the row keeps the index and the link resolves once it is.
 */
import type { DataSource } from 'typeorm';
import { msgauditDedupeKey } from '../../connectors/wecom/msgaudit/parse/dedupe-key';
import type { EffectTransaction } from '../archive/types';
import type { ConnectionGate } from '../db/connection-gate';
import { ARCHIVE_RECORD_ENTITY, MSGAUDIT_RECALL_ENTITY, type ArchiveRecordRow, type MsgauditRecallRow } from '../db/entities';

/** A recall as the archive transaction sees it. */
export interface RecallFacts {
  accountId: string;
  corpId: string;
  recalledMsgid: string;
  recalledAt: number;
}

/**
 * Write the link of recall record `recallRecordId` in the archive transaction; resolves with the original's record id, or null when it is not archived (yet).
 * `dedupeIndex` is the archive's blind index of a dedupe key.
 */
export async function linkRecall(tx: EffectTransaction, recallRecordId: string, facts: RecallFacts, dedupeIndex: (key: string) => string, now: number): Promise<string | null> {
  const originalDedupeBidx = dedupeIndex(msgauditDedupeKey(facts.corpId, facts.recalledMsgid));
  const original = await tx.findOne<Pick<ArchiveRecordRow, 'id'>>(ARCHIVE_RECORD_ENTITY, { dedupeBidx: originalDedupeBidx });
  const row: MsgauditRecallRow = { recallRecordId, accountId: facts.accountId, originalDedupeBidx, originalRecordId: original?.id ?? null, recalledAt: facts.recalledAt, createdAt: now };
  await tx.insert(MSGAUDIT_RECALL_ENTITY, row as unknown as Record<string, unknown>);
  return row.originalRecordId;
}

/** Queries over the recall links. */
export class RecallLinks {
  constructor(private readonly deps: { dataSource: DataSource; gate: ConnectionGate }) {}

  /** The record the recall record `recallRecordId` recalled, or null (not a recall, or the original is not archived). */
  async originalOf(recallRecordId: string): Promise<string | null> {
    const link = await this.deps.gate.run(() => this.deps.dataSource.getRepository<MsgauditRecallRow>(MSGAUDIT_RECALL_ENTITY).findOneBy({ recallRecordId }));
    if (!link) return null;
    if (link.originalRecordId) return link.originalRecordId;
    const original = await this.deps.gate.run(() => this.records().findOne({ select: { id: true }, where: { dedupeBidx: link.originalDedupeBidx } }));
    return original?.id ?? null;
  }

  /** The recall records that recalled the message record `originalRecordId` (usually none or one). */
  async recallsOf(originalRecordId: string): Promise<string[]> {
    const original = await this.deps.gate.run(() => this.records().findOne({ select: { id: true, dedupeBidx: true }, where: { id: originalRecordId } }));
    if (!original) return [];
    const links = await this.deps.gate.run(() => this.deps.dataSource.getRepository<MsgauditRecallRow>(MSGAUDIT_RECALL_ENTITY).find({ where: { originalDedupeBidx: original.dedupeBidx }, order: { recalledAt: 'ASC' } }));
    return links.map((l) => l.recallRecordId);
  }

  private records() {
    return this.deps.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
  }
}
