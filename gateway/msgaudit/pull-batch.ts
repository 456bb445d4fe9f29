/**
 * One pull of one corp, the command the puller repeats: read the cursor →
 * GetChatData after its seq → parse the envelope → decrypt and parse every
 * record (unreadable ones become raw records) → archive the whole batch and
 * move the cursor to the batch's last seq in ONE transaction. If anything
 * before the commit fails, nothing of the batch is archived and the cursor
 * stays: the next pull asks for the same records again, and whatever a
 * crashed earlier attempt did commit is answered as duplicates. An empty
 * batch leaves the seq where it is.
 *
 * The two halves are separate (fetchBatch writes nothing, commitBatch checks
 * the batch was fetched from where the cursor is) so the puller can fetch
 * and decrypt the next batch of a backlog while this one commits.
 */
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import type { SdkCallOptions } from '../../connectors/wecom/msgaudit/finance-sdk/validate-args';
import type { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';
import { parseChatDataEnvelope, type ChatDataItem } from '../../connectors/wecom/msgaudit/parse/envelope';
import type { ArchiveWriter } from '../archive/writer';
import type { Lease } from '../upstream/lease-store';
import { archiveEntryFor } from './archive-entries';
import type { MsgauditCursorRow } from '../db/entities';
import type { MsgauditCursorStore } from './cursor-store';
import { decryptBatch, type RawOutcome, type RecordOutcome } from './decrypt-batch';
import { CursorMovedError } from './failures';
import { seqSkips, type SeqSkips } from './seq-continuity';
import type { MsgauditEventHooks } from './archive-entries';
import type { UnwrapPool } from './unwrap-pool';

/** Everything one pull needs. */
export interface PullBatchDeps {
  /** The corp's configuration id (archive accountId) and WeCom CorpID. */
  corp: { accountId: string; corpId: string };
  sdk: Pick<FinanceSdk, 'getChatData' | 'decryptData'>;
  keyring: Pick<MsgauditKeyring, 'unwrapRandomKey'>;
  /** RSA unwrapping on worker threads (keys under the corp's CorpID); in-thread with `keyring` when absent. */
  unwrapPool?: Pick<UnwrapPool, 'unwrap'>;
  archive: Pick<ArchiveWriter, 'appendAll'>;
  cursors: Pick<MsgauditCursorStore, 'read' | 'advanceEffect' | 'noteEmptyPull'>;
  lease: Lease;
  /** Records asked for (1-1000). */
  limit: number;
  callOptions: SdkCallOptions;
  /** RSA unwraps per event-loop turn, or per message to an unwrap worker. */
  decryptChunk: number;
  now: () => number;
  hooks?: MsgauditEventHooks;
}

/** What one pull did. */
export interface PullResult {
  fromSeq: string;
  /** The cursor after the pull (unchanged for an empty batch). */
  toSeq: string;
  records: number;
  /** New messages archived (decrypted and parsed). */
  archived: number;
  /** Records already in the archive (a re-run). */
  duplicates: number;
  /** New records archived raw, with why. */
  raw: RawOutcome[];
  /** Fewer records than asked: nothing more is waiting now. */
  drained: boolean;
  skips: SeqSkips;
  /** Outbox rows created with the new records (media downloads), to schedule now. */
  outboxIds: string[];
  /** The cursor row as this batch's transaction wrote it (absent for an empty batch, which does not move it). */
  cursorAfter?: MsgauditCursorRow;
}

/** A batch read from the SDK, its envelope parsed, not yet decrypted. */
export interface ReadBatch {
  /** The seq it was fetched after. */
  fromSeq: string;
  /** When GetChatData was called. */
  pulledAt: number;
  /** The limit it was fetched with (fewer records than this: drained). */
  limit: number;
  items: ChatDataItem[];
}

/** A batch read from the SDK and decrypted, not yet archived: nothing of it is in the database. */
export interface FetchedBatch extends ReadBatch {
  /** One per item, in order. */
  outcomes: RecordOutcome[];
}

/**
 * Pull, decrypt and archive one batch: fetchBatch after the cursor's seq, then commitBatch.
 * @throws FinanceSdkError (GetChatData), MsgauditApiError (errcode ≠ 0), MsgauditParseError (envelope), UnwrapPoolError (unwrap workers died), LeaseLostError / CursorMovedError (another puller owns the corp), the database's error — in every case nothing was committed
 */
export async function pullBatch(deps: PullBatchDeps): Promise<PullResult> {
  const cursor = await readCursor(deps);
  return commitBatch(deps, cursor, await fetchBatch(deps, cursor.lastSeq));
}

/** The corp's cursor row. @throws Error when the puller has not opened it */
export async function readCursor(deps: Pick<PullBatchDeps, 'corp' | 'cursors'>): Promise<MsgauditCursorRow> {
  const cursor = await deps.cursors.read(deps.corp.corpId);
  if (!cursor) throw new Error(`msgaudit cursor of ${deps.corp.corpId} is missing (the puller opens it first)`);
  return cursor;
}

/**
 * GetChatData after `afterSeq`, the envelope parsed, every record decrypted
 * and parsed (or classified raw): readBatch, then decryptReadBatch. Writes
 * nothing, so it may run ahead of the commit of the batch before it.
 * @throws FinanceSdkError (GetChatData; DecryptData not-ready / out-of-memory), MsgauditApiError, MsgauditParseError (envelope), UnwrapPoolError
 */
export async function fetchBatch(deps: FetchDeps, afterSeq: string): Promise<FetchedBatch> {
  return decryptReadBatch(deps, await readBatch(deps, afterSeq));
}

/** What fetching needs: no database. */
export type FetchDeps = Omit<PullBatchDeps, 'archive' | 'cursors' | 'lease'>;

/**
 * GetChatData after `afterSeq` and the envelope parsed: the batch's records,
 * whose last seq is where the next batch starts (the puller asks for it
 * before this one is decrypted, so GetChatData never leaves the RSA workers idle).
 * @throws FinanceSdkError (GetChatData), MsgauditApiError, MsgauditParseError (envelope)
 */
export async function readBatch(deps: FetchDeps, afterSeq: string): Promise<ReadBatch> {
  const pulledAt = deps.now();
  const limit = deps.limit;
  const text = await deps.sdk.getChatData(BigInt(afterSeq), limit, deps.callOptions);
  const items = parseChatDataEnvelope(text, { afterSeq }).chatdata;
  return { fromSeq: afterSeq, pulledAt, limit, items };
}

/** Every record of a read batch decrypted and parsed (or classified raw). @throws FinanceSdkError (DecryptData not-ready / out-of-memory), UnwrapPoolError */
export async function decryptReadBatch(deps: FetchDeps, read: ReadBatch): Promise<FetchedBatch> {
  const { corp } = deps;
  const outcomes = read.items.length === 0 ? [] : await decryptBatch(read.items, {
    corpId: corp.corpId, keyring: deps.keyring, sdk: deps.sdk, chunkSize: deps.decryptChunk, ...(deps.unwrapPool ? { unwrapPool: deps.unwrapPool } : {}),
  });
  return { ...read, outcomes };
}

/**
 * Archive a fetched batch and move the cursor from `cursor` to its last seq in
 * ONE transaction (an empty batch only notes the pull).
 * @throws CursorMovedError when `cursor` is not where the batch was fetched from, or moved meanwhile; LeaseLostError; the database's error — in every case nothing was committed
 */
export async function commitBatch(deps: Pick<PullBatchDeps, 'corp' | 'archive' | 'cursors' | 'lease' | 'now' | 'hooks'>, cursor: MsgauditCursorRow, fetched: FetchedBatch): Promise<PullResult> {
  const { corp } = deps;
  const { items, outcomes, pulledAt } = fetched;
  if (cursor.lastSeq !== fetched.fromSeq) throw new CursorMovedError(corp.corpId, fetched.fromSeq);
  const noSkips: SeqSkips = { gaps: 0, missing: 0, largest: 0 };
  if (items.length === 0) {
    // Never back to 0: an empty answer says nothing new arrived, not that the archive restarted.
    await deps.cursors.noteEmptyPull(corp.corpId, pulledAt, deps.now());
    return { fromSeq: cursor.lastSeq, toSeq: cursor.lastSeq, records: 0, archived: 0, duplicates: 0, raw: [], drained: true, skips: noSkips, outboxIds: [] };
  }

  const newRaw = new Set<string>();
  const entries = outcomes.map((outcome) => archiveEntryFor(outcome, { accountId: corp.accountId, corpId: corp.corpId, pulledAtMs: pulledAt }, (seq) => newRaw.add(seq), deps.hooks));
  const lastSeq = items[items.length - 1]!.seq;
  const skips = seqSkips(cursor.lastSeq, items.map((item) => item.seq));
  let newest: number | null = null;
  for (const o of outcomes) if (o.kind === 'event' && o.event.msgtime !== null && o.event.msgtime > 0 && (newest === null || o.event.msgtime > newest)) newest = o.event.msgtime;
  const drained = items.length < fetched.limit;
  let cursorAfter: MsgauditCursorRow | undefined;
  const effect = deps.cursors.advanceEffect(cursor, deps.lease, {
    lastSeq,
    pulledAt,
    caughtUp: drained,
    newestMessageAt: newest,
    skippedSeqs: skips.missing,
    newRaw: () => newRaw.size,
    now: deps.now,
    onAdvanced: (row) => (cursorAfter = row),
  });
  const results = await deps.archive.appendAll(entries, effect);
  const fresh = outcomes.filter((_, i) => !results[i]!.duplicate);
  const freshEvents = fresh.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
  if (freshEvents.length > 0) deps.hooks?.afterCommit?.(corp.accountId, freshEvents);
  return {
    fromSeq: cursor.lastSeq, toSeq: lastSeq, records: items.length,
    archived: fresh.filter((o) => o.kind === 'event').length,
    duplicates: outcomes.length - fresh.length,
    raw: fresh.filter((o): o is RawOutcome => o.kind === 'raw'),
    drained, skips,
    outboxIds: results.filter((r) => !r.duplicate).flatMap((r) => r.outboxIds.map((o) => o.id)),
    ...(cursorAfter ? { cursorAfter } : {}),
  };
}
