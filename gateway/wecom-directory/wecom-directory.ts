/**
 * What the chat archive needs to know about the corp's directory (issue 6
 * items 2 and 4):
 *
 * - Group chats: when a roomid is first seen in the archive (per process),
 *   its name, owner, members and notice are fetched — `msgaudit/groupchat/get`
 *   for internal groups, `externalcontact/groupchat/get` for customer groups
 *   (301059 from the first) — and archived as a `wecom.room` snapshot. The
 *   dedupe key holds the answer's hash, so an unchanged group is one record
 *   and a changed one a new record. A failed fetch is retried the next time
 *   the room is seen, never blocks ingestion.
 * - Permit-list coverage: `get_permit_user_list` against the members the
 *   gateway has seen dealing with customers (the RMs of the RM–customer pairs
 *   learned from the archive and callbacks): members missing from the list
 *   chat with customers unarchived. Stored per corp for `cgw msgaudit
 *   status`, refreshed on the status interval.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { canonicalJson } from '../../connectors/canonical/json';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import type { ArchiveWriter } from '../archive/writer';
import type { KeyStore } from '../archive/crypto/key-store';
import { openRecord } from '../archive/crypto/envelope';
import type { ConnectionGate } from '../db/connection-gate';
import { MSGAUDIT_PERMIT_ENTITY, WECOM_CONTACT_PAIR_ENTITY, type MsgauditPermitRow, type WecomContactPairRow } from '../db/entities';
import type { MsgauditEventHooks } from '../msgaudit/archive-entries';

export interface DirectoryCorp {
  id: string;
  corpId: string;
  /** Whether the corp has a customer-contact secret (externalcontact/groupchat/get). */
  hasContactSecret: boolean;
}

export interface WecomDirectoryDeps {
  corps: readonly DirectoryCorp[];
  dataSource: DataSource;
  gate: ConnectionGate;
  keyStore: KeyStore;
  archive: Pick<ArchiveWriter, 'append'>;
  /** POST a WeCom API with the corp's `msgaudit` or `contacts` secret; resolves with the JSON (errcode 0) or rejects with an error carrying `errcode`. */
  call(corpConfigId: string, secret: 'msgaudit' | 'contacts', path: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  intervalMs: number;
  now(): number;
  logger: Logger;
}

export interface PermitCoverage {
  corp: string;
  permittedCount: number;
  membersSeen: number;
  uncovered: string[];
  checkedAt: number;
  error: string | null;
}

export interface WecomDirectory {
  msgauditHooks: MsgauditEventHooks;
  /** Fetch and archive a snapshot of the room now (idempotent on an unchanged answer). */
  snapshotRoom(corpConfigId: string, roomid: string): Promise<{ recordId: string; source: string } | null>;
  refreshPermitCoverage(corpConfigId: string): Promise<PermitCoverage>;
  settled(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function wecomDirectory(deps: WecomDirectoryDeps): WecomDirectory {
  const corps = new Map(deps.corps.map((c) => [c.id, c]));
  const seenRooms = new Set<string>();
  const inflight = new Set<Promise<unknown>>();

  async function fetchRoom(corp: DirectoryCorp, roomid: string): Promise<{ source: string; answer: Record<string, unknown> }> {
    try {
      return { source: 'msgaudit/groupchat/get', answer: await deps.call(corp.id, 'msgaudit', '/cgi-bin/msgaudit/groupchat/get', { roomid }) };
    } catch (err) {
      // 301059: not an internal group; a customer group is read through customer contact.
      if ((err as { errcode?: unknown }).errcode !== 301059 || !corp.hasContactSecret) throw err;
      return { source: 'externalcontact/groupchat/get', answer: await deps.call(corp.id, 'contacts', '/cgi-bin/externalcontact/groupchat/get', { chat_id: roomid, need_name: 1 }) };
    }
  }

  async function snapshotRoom(corpConfigId: string, roomid: string): Promise<{ recordId: string; source: string } | null> {
    const corp = corps.get(corpConfigId);
    if (!corp || roomid.length === 0 || roomid.length > 128) return null;
    const { source, answer } = await fetchRoom(corp, roomid);
    const { errcode: _e, errmsg: _m, ...room } = answer;
    const hash = createHash('sha256').update(canonicalJson(room)).digest('hex');
    const result = await deps.archive.append({
      recordType: 'wecom.room', accountId: corp.id, subject: null, occurredAtMs: deps.now(),
      dedupeKey: canonicalJson(['v1', 'wecom-room', corp.corpId, roomid, hash]),
      payload: { corpId: corp.corpId, roomid, source, room },
      outbox: [],
    });
    return { recordId: result.recordId, source };
  }

  const track = (p: Promise<unknown>): void => {
    const t = p.finally(() => inflight.delete(t));
    inflight.add(t);
  };

  const msgauditHooks: MsgauditEventHooks = {
    afterCommit(accountId, events: readonly MsgauditEvent[]) {
      for (const event of events) {
        if (!event.roomid) continue;
        const key = `${accountId}|${event.roomid}`;
        if (seenRooms.has(key)) continue;
        seenRooms.add(key);
        const roomid = event.roomid;
        track(snapshotRoom(accountId, roomid).catch((err: unknown) => {
          // Seen again later: tried again then.
          seenRooms.delete(key);
          deps.logger.warn({ corp: accountId, errcode: (err as { errcode?: unknown }).errcode ?? null, err: (err as Error).message }, 'group chat snapshot not fetched; retried when the room is seen again');
        }));
      }
    },
  };

  async function refreshPermitCoverage(corpConfigId: string): Promise<PermitCoverage> {
    const corp = corps.get(corpConfigId);
    if (!corp) throw new Error(`no WeCom corp "${corpConfigId}" with a msgaudit block`);
    const pairs = await deps.gate.run(() => deps.dataSource.getRepository<WecomContactPairRow>(WECOM_CONTACT_PAIR_ENTITY).findBy({ corpId: corpConfigId }));
    const members = new Set<string>();
    for (const row of pairs) {
      const ids = JSON.parse(openRecord(deps.keyStore, row, Buffer.from(canonicalJson(['cgw-wecom-pair/v1', row.pairBidx]), 'utf8')).toString('utf8')) as { userid: string };
      members.add(ids.userid);
    }
    let permitted: string[] = [];
    let error: string | null = null;
    try {
      const answer = await deps.call(corp.id, 'msgaudit', '/cgi-bin/msgaudit/get_permit_user_list', {});
      permitted = Array.isArray(answer.ids) ? answer.ids.filter((x): x is string => typeof x === 'string') : [];
    } catch (err) {
      error = `get_permit_user_list failed: ${(err as { errcode?: unknown }).errcode ?? (err as Error).message}`.slice(0, 256);
    }
    const permittedSet = new Set(permitted);
    const uncovered = error ? [] : [...members].filter((m) => !permittedSet.has(m)).sort();
    const row: MsgauditPermitRow = {
      corpId: corp.id, permittedCount: permitted.length, membersSeen: members.size, uncoveredCount: uncovered.length,
      uncoveredUserids: JSON.stringify(uncovered.slice(0, 200)), lastError: error, checkedAt: deps.now(),
    };
    await deps.gate.run(() => deps.dataSource.getRepository<MsgauditPermitRow>(MSGAUDIT_PERMIT_ENTITY).save(row));
    if (uncovered.length > 0) deps.logger.warn({ corp: corp.id, uncovered: uncovered.length }, 'members who deal with customers are not on the chat archive permit list: their chats are not archived');
    return { corp: corp.id, permittedCount: permitted.length, membersSeen: members.size, uncovered, checkedAt: row.checkedAt, error };
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    msgauditHooks, snapshotRoom, refreshPermitCoverage,
    async settled() {
      await Promise.all([...inflight]);
    },
    start() {
      if (timer || deps.corps.length === 0) return;
      const refresh = () => {
        running = Promise.all(deps.corps.map((c) => refreshPermitCoverage(c.id).catch((err: unknown) => deps.logger.warn({ corp: c.id, err: (err as Error).message }, 'permit coverage not refreshed'))));
      };
      timer = setInterval(refresh, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      await Promise.all([...inflight]);
    },
  };
}
