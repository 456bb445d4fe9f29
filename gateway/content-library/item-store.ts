/**
 * Reads over the content library tables: one item, a page of items, the
 * approved items the sidebar lists, the fingerprints the matcher's filter
 * holds, and a page of the messages that matched an item. Pages are ordered
 * newest first with opaque keyset cursors (base64url JSON of the last row's
 * sort key), so a page never skips or repeats a row that was there.
 */
import { Brackets, In, type DataSource } from 'typeorm';
import { AdminError } from '../admin-api/admin-error';
import type { ConnectionGate } from '../db/connection-gate';
import { CONTENT_ITEM_ENTITY, CONTENT_ITEM_USE_ENTITY, type ContentItemKind, type ContentItemRow, type ContentItemStatus, type ContentItemUseRow } from '../db/entities';

/** Keyset position: the sort time and the id of the last row of a page. */
interface Cursor {
  t: number;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** @throws AdminError validation_failed when the cursor is not one this store made */
function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof value.t === 'number' && Number.isSafeInteger(value.t) && typeof value.id === 'string' && value.id.length <= 64) return { t: value.t, id: value.id };
  } catch {
    // falls through
  }
  throw new AdminError('validation_failed', '/query/cursor is not a cursor of this list', { errors: [{ pointer: '/query/cursor', message: 'is not a cursor of this list' }] });
}

export class ContentItemStore {
  constructor(private readonly deps: { dataSource: DataSource; gate: ConnectionGate }) {}

  /** One item, or null. */
  get(itemId: string): Promise<ContentItemRow | null> {
    return this.deps.gate.run(() => this.items().findOneBy({ id: itemId }));
  }

  /** A page of items, most recently changed first. @throws AdminError validation_failed (a foreign cursor) */
  async page(query: { status?: ContentItemStatus; kind?: ContentItemKind; cursor?: string; limit: number }): Promise<{ rows: ContentItemRow[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.deps.gate.run(() => {
      const qb = this.items().createQueryBuilder('i');
      if (query.status) qb.andWhere('i.status = :status', { status: query.status });
      if (query.kind) qb.andWhere('i.kind = :kind', { kind: query.kind });
      if (after) qb.andWhere(new Brackets((w) => w.where('i.updatedAt < :t', { t: after.t }).orWhere('i.updatedAt = :t AND i.id < :id', { t: after.t, id: after.id })));
      return qb.orderBy('i.updatedAt', 'DESC').addOrderBy('i.id', 'DESC').take(query.limit + 1).getMany();
    });
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { rows: page, nextCursor: more && last ? encodeCursor({ t: last.updatedAt, id: last.id }) : null };
  }

  /** Every approved item, by label (what the sidebar lists). */
  approved(): Promise<ContentItemRow[]> {
    return this.deps.gate.run(() => this.items().find({ where: { status: 'approved' }, order: { label: 'ASC', id: 'ASC' } }));
  }

  /** Fingerprints of items that are or were submitted, approved or retired: the matcher's negative filter. */
  async matchableFingerprints(): Promise<string[]> {
    const rows = await this.deps.gate.run(() => this.items().find({ select: { fingerprint: true }, where: { status: In(['submitted', 'approved', 'retired']) } }));
    return rows.map((r) => r.fingerprint);
  }

  /** A page of the captured messages that matched `itemId`, newest first. @throws AdminError validation_failed (a foreign cursor) */
  async uses(itemId: string, query: { cursor?: string; limit: number }): Promise<{ rows: ContentItemUseRow[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.deps.gate.run(() => {
      const qb = this.deps.dataSource.getRepository<ContentItemUseRow>(CONTENT_ITEM_USE_ENTITY).createQueryBuilder('u').where('u.itemId = :itemId', { itemId });
      if (after) qb.andWhere(new Brackets((w) => w.where('u.sentAt < :t', { t: after.t }).orWhere('u.sentAt = :t AND u.recordId < :id', { t: after.t, id: after.id })));
      return qb.orderBy('u.sentAt', 'DESC').addOrderBy('u.recordId', 'DESC').take(query.limit + 1).getMany();
    });
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { rows: page, nextCursor: more && last ? encodeCursor({ t: last.sentAt, id: last.recordId }) : null };
  }

  private items() {
    return this.deps.dataSource.getRepository<ContentItemRow>(CONTENT_ITEM_ENTITY);
  }
}
