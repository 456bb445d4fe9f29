/**
 * What a fault left behind, read straight from the database and from the
 * internal app: inbound records and passive replies decrypted with the key
 * store file, outbox rows, and the pushes the app received per cgw_event_id.
 */
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseConfig } from '../../gateway/db/data-source';
import { ARCHIVE_RECORD_ENTITY, OUTBOX_ENTITY, type ArchiveRecordRow, type OutboxRow } from '../../gateway/db/entities';
import { FileKeyStore } from '../../gateway/archive/crypto/file-key-store';
import { openStored } from '../../gateway/archive/reader';
import { eventIdFor } from '../../gateway/archive/writer';
import type { StoredRecord } from '../../gateway/archive/types';
import type { TestInternalApp } from '../internal-apps';

/** One decrypted inbound archive record. */
export interface ArchivedPush {
  recordId: string;
  msgId: string;
  eventId: string;
}

/** A DataSource of its own on the gateway's database (the gateway keeps its pool). */
export async function inspect<T>(database: DatabaseConfig, fn: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await createDataSource(database).initialize();
  try {
    return await fn(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Every `oa.inbound` record, decrypted with the key store file, with the MsgId it archived. */
export async function archivedPushes(dataSource: DataSource, keysPath: string): Promise<ArchivedPush[]> {
  const keyStore = FileKeyStore.open(keysPath);
  const rows = await dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ where: { recordType: 'oa.inbound' } });
  return rows.map((row) => {
    const opened = openStored(keyStore, row as StoredRecord);
    const event = opened.payload.event as { msgId?: string };
    return { recordId: row.id, msgId: String(event.msgId), eventId: eventIdFor(row.dedupeBidx) };
  });
}

/** Every passive reply the gateway archived (`oa.reply`), decrypted: which inbound record it answers, and the XML. */
export async function archivedReplies(dataSource: DataSource, keysPath: string): Promise<{ inboundRecordId: string; replyXml: string }[]> {
  const keyStore = FileKeyStore.open(keysPath);
  const rows = await dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ where: { recordType: 'oa.reply' } });
  return rows.map((row) => {
    const payload = openStored(keyStore, row as StoredRecord).payload as { inboundRecordId: string; replyXml: string };
    return { inboundRecordId: payload.inboundRecordId, replyXml: payload.replyXml };
  });
}

/** Every outbox row. */
export function outboxRows(dataSource: DataSource): Promise<OutboxRow[]> {
  return dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY).find();
}

/** MsgIds that occur more than once in `list`. */
export function duplicates(list: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const x of list) (seen.has(x) ? twice : seen).add(x);
  return [...twice];
}

/** MsgIds the app received, per distinct cgw_event_id (at-least-once: repeats collapse here). */
export function receivedByEventId(app: TestInternalApp): Map<string, Set<string>> {
  const byEvent = new Map<string, Set<string>>();
  for (const push of app.received) {
    const eventId = push.eventId ?? '(none)';
    const msgIds = byEvent.get(eventId) ?? new Set<string>();
    msgIds.add(String(push.message.MsgId));
    byEvent.set(eventId, msgIds);
  }
  return byEvent;
}

/** Distinct MsgIds the app received. */
export function receivedMsgIds(app: TestInternalApp): Set<string> {
  return new Set(app.received.map((p) => String(p.message.MsgId)));
}
