/**
 * One pull of one corp, the command the puller repeats: read the cursor →
 * GetChatData after its seq → parse the envelope → decrypt and parse every
 * record (unreadable ones become raw records) → archive the whole batch and
 * move the cursor to the batch's last seq in ONE transaction. If anything
 * before the commit fails, nothing of the batch is archived and the cursor
 * stays: the next pull asks for the same records again, and whatever a
 * crashed earlier attempt did commit is answered as duplicates. An empty
 * batch leaves the seq where it is.
 */
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import type { SdkCallOptions } from '../../connectors/wecom/msgaudit/finance-sdk/validate-args';
import type { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';
import { parseChatDataEnvelope } from '../../connectors/wecom/msgaudit/parse/envelope';
import type { ArchiveWriter } from '../archive/writer';
import type { Lease } from '../upstream/lease-store';
import { archiveEntryFor } from './archive-entries';
import type { MsgauditCursorStore } from './cursor-store';
import { decryptBatch, type RawOutcome } from './decrypt-batch';
import { seqSkips, type SeqSkips } from './seq-continuity';
import type { MsgauditEventHooks } from './archive-entries';

/** Everything one pull needs. */
export interface PullBatchDeps {
  /** The corp's configuration id (archive accountId) and WeCom CorpID. */
  corp: { accountId: string; corpId: string };
  sdk: Pick<FinanceSdk, 'getChatData' | 'decryptData'>;
  keyring: Pick<MsgauditKeyring, 'unwrapRandomKey'>;
  archive: Pick<ArchiveWriter, 'appendAll'>;
  cursors: Pick<MsgauditCursorStore, 'read' | 'advanceEffect' | 'noteEmptyPull'>;
  lease: Lease;
  /** Records asked for (1-1000). */
  limit: number;
  callOptions: SdkCallOptions;
  /** RSA unwraps per event-loop turn. */
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
}

/**
 * Pull, decrypt and archive one batch.
 * @throws FinanceSdkError (GetChatData), MsgauditApiError (errcode ≠ 0), MsgauditParseError (envelope), LeaseLostError / CursorMovedError (another puller owns the corp), the database's error — in every case nothing was committed
 */
export async function pullBatch(deps: PullBatchDeps): Promise<PullResult> {
  const { corp } = deps;
  const cursor = await deps.cursors.read(corp.corpId);
  if (!cursor) throw new Error(`msgaudit cursor of ${corp.corpId} is missing (the puller opens it first)`);
  const pulledAt = deps.now();
  const text = await deps.sdk.getChatData(BigInt(cursor.lastSeq), deps.limit, deps.callOptions);
  const envelope = parseChatDataEnvelope(text, { afterSeq: cursor.lastSeq });
  const items = envelope.chatdata;
  const noSkips: SeqSkips = { gaps: 0, missing: 0, largest: 0 };
  if (items.length === 0) {
    // Never back to 0: an empty answer says nothing new arrived, not that the archive restarted.
    await deps.cursors.noteEmptyPull(corp.corpId, pulledAt, deps.now());
    return { fromSeq: cursor.lastSeq, toSeq: cursor.lastSeq, records: 0, archived: 0, duplicates: 0, raw: [], drained: true, skips: noSkips, outboxIds: [] };
  }

  const outcomes = await decryptBatch(items, { corpId: corp.corpId, keyring: deps.keyring, sdk: deps.sdk, chunkSize: deps.decryptChunk });
  const newRaw = new Set<string>();
  const entries = outcomes.map((outcome) => archiveEntryFor(outcome, { accountId: corp.accountId, corpId: corp.corpId, pulledAtMs: pulledAt }, (seq) => newRaw.add(seq), deps.hooks));
  const lastSeq = items[items.length - 1]!.seq;
  const skips = seqSkips(cursor.lastSeq, items.map((item) => item.seq));
  const times = outcomes.flatMap((o) => (o.kind === 'event' && o.event.msgtime !== null && o.event.msgtime > 0 ? [o.event.msgtime] : []));
  const drained = items.length < deps.limit;
  const effect = deps.cursors.advanceEffect(cursor, deps.lease, {
    lastSeq,
    pulledAt,
    caughtUp: drained,
    newestMessageAt: times.length > 0 ? Math.max(...times) : null,
    skippedSeqs: skips.missing,
    newRaw: () => newRaw.size,
    now: deps.now,
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
  };
}
