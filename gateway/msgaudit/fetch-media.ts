/**
 * The worker's command for a `media` outbox row: fetch one file of an
 * archived chat-archive message with GetMediaData, chunk by chunk, and
 * archive it as `wecom.msgaudit.media` (encrypted by the archive like every
 * record; the bytes never touch a file). The size the message announced is
 * checked as the chunks arrive (readMedia), the md5 at the end where Tencent
 * gave one. Retryable failures (network, a short or oversized download, an
 * md5 mismatch, which Tencent's SDK is known to produce now and then) back
 * off and try again up to mediaMaxAttempts; the rest (file id unknown, data
 * expired, a file above mediaMaxBytes) fail the row at once — visible as a
 * failed outbox row, an error log and a metric, never dropped silently.
 * The record and the row's `done` commit in one transaction.
 *
 * A file up to mediaPartBytes is one record holding the bytes. A larger one
 * is archived as it downloads, in `wecom.msgaudit.media.part` records of
 * mediaPartBytes each (so at most one part is in memory), and the media
 * record, written last with the row's `done`, names the parts in order. The
 * parts are keyed by download attempt: an attempt that fails after some parts
 * (a truncated download, an md5 mismatch) leaves them in the archive, named
 * by no media record, and the next attempt writes its own.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { MsgauditEvent, MsgauditMedia } from '../../connectors/canonical/msgaudit-event';
import { canonicalJson } from '../../connectors/canonical/json';
import { FinanceSdkError } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk-error';
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import { readMedia } from '../../connectors/wecom/msgaudit/finance-sdk/media-reader';
import type { SdkCallOptions } from '../../connectors/wecom/msgaudit/finance-sdk/validate-args';
import type { ArchiveReader } from '../archive/reader';
import type { ArchiveWriter } from '../archive/writer';
import { OUTBOX_ENTITY } from '../db/entities';
import { backoffMs, type OutboxStore } from '../outbox/outbox-store';
import type { MsgauditMetrics } from './metrics';

/** What fetchMedia needs. */
export interface FetchMediaDeps {
  outbox: Pick<OutboxStore, 'get' | 'claim' | 'markDone' | 'markAttemptFailed'>;
  reader: Pick<ArchiveReader, 'open'>;
  archive: Pick<ArchiveWriter, 'append'>;
  /** The SDK handle of a WeCom CorpID, or undefined when the corp is not (or no longer) pulled. */
  sdkFor: (corpId: string) => Promise<Pick<FinanceSdk, 'getMediaChunk'>> | undefined;
  policy: { mediaMaxBytes: number; mediaPartBytes: number; mediaMaxAttempts: number; mediaClaimMs: number; backoffBaseMs: number; backoffMaxMs: number; callOptions: SdkCallOptions };
  /** Run the row again after `delayMs`. */
  schedule: (outboxId: string, attempts: number, delayMs: number) => void;
  logger: Logger;
  metrics?: MsgauditMetrics;
  now: () => number;
}

/** Dedupe key of a media record: the file's place in its message. */
export function mediaDedupeKey(corpId: string, msgid: string, index: number): string {
  return canonicalJson(['v1', 'msgaudit-media', corpId, msgid, index]);
}

/** Dedupe key of one part of a large media file: its file, download attempt and position. */
export function mediaPartDedupeKey(corpId: string, msgid: string, index: number, attempt: number, part: number): string {
  return canonicalJson(['v1', 'msgaudit-media-part', corpId, msgid, index, attempt, part]);
}

/** Where a large file's bytes are: its part records in order. */
export interface MediaPartRef {
  recordId: string;
  offset: number;
  size: number;
}

/** A download that did not give the file; `retryable` says whether another attempt may. */
class MediaFailure extends Error {
  constructor(readonly code: string, readonly reason: string, readonly retryable: boolean) {
    super(reason);
  }
}

/** Fetch and archive the file of media outbox row `outboxId`; resolves when the outcome is recorded. Idempotent. */
export async function fetchMedia(deps: FetchMediaDeps, outboxId: string): Promise<void> {
  const row = await deps.outbox.get(outboxId);
  if (!row || row.status !== 'pending' || row.kind !== 'media') return;
  if (!(await deps.outbox.claim(outboxId, deps.now(), deps.policy.mediaClaimMs))) return;
  const record = await deps.reader.open(row.recordId);
  const event = record.payload.event as MsgauditEvent;
  const index = Number(row.target);
  const media = event.media[index];
  const corp = record.accountId;
  try {
    if (!media) throw new MediaFailure('media.no-descriptor', `the message has no media #${row.target}`, false);
    const attempt = row.attempts + 1;
    // A part of a large file is archived as soon as it is complete: the file never sits in memory whole.
    const archivePart = async (part: number, offset: number, bytes: Buffer): Promise<MediaPartRef> => {
      const appended = await deps.archive.append({
        recordType: 'wecom.msgaudit.media.part',
        accountId: record.accountId,
        subject: record.subject,
        occurredAtMs: record.occurredAtMs,
        dedupeKey: mediaPartDedupeKey(event.corpId, event.msgid, index, attempt, part),
        payload: { corpId: event.corpId, msgid: event.msgid, seq: event.seq, index, attempt, part, offset, size: bytes.length, bytesBase64: bytes.toString('base64') },
        outbox: [],
      });
      return { recordId: appended.recordId, offset, size: bytes.length };
    };
    const { bytes, parts, size, md5 } = await download(deps, event.corpId, media, archivePart);
    await deps.archive.append({
      recordType: 'wecom.msgaudit.media',
      accountId: record.accountId,
      subject: record.subject,
      occurredAtMs: record.occurredAtMs,
      dedupeKey: mediaDedupeKey(event.corpId, event.msgid, index),
      payload: {
        corpId: event.corpId, msgid: event.msgid, seq: event.seq, messageRecordId: row.recordId, index, path: media.path, msgtype: media.msgtype,
        sdkfileid: media.sdkfileid, fileext: media.fileext ?? null, size, md5,
        ...(parts ? { attempt, parts } : { bytesBase64: bytes!.toString('base64') }),
      },
      outbox: [],
      // The row is done in the transaction that archives its file: a crash between the two cannot fetch it twice.
      effects: async (tx) => {
        await tx.update(OUTBOX_ENTITY, { id: outboxId, status: 'pending' }, { status: 'done', doneAt: deps.now(), updatedAt: deps.now() });
      },
    });
    // Already archived (a retry after a lost answer): the effect did not run.
    await deps.outbox.markDone(outboxId, deps.now());
    deps.metrics?.media.inc({ corp, outcome: 'archived' });
  } catch (err) {
    const failure = asFailure(err);
    const attempts = row.attempts + 1;
    const exhausted = !failure.retryable || attempts >= deps.policy.mediaMaxAttempts;
    const delay = backoffMs(attempts, deps.policy.backoffBaseMs, deps.policy.backoffMaxMs);
    const now = deps.now();
    await deps.outbox.markAttemptFailed(outboxId, attempts, now + delay, `${failure.code}: ${failure.reason}`, exhausted, now);
    deps.metrics?.media.inc({ corp, outcome: exhausted ? 'failed' : 'retry' });
    const context = { corp, outboxId, seq: event.seq, index, code: failure.code, why: failure.reason, attempts };
    if (exhausted) deps.logger.error(context, 'msgaudit media could not be fetched: the outbox row failed and needs an operator');
    else {
      deps.logger.warn(context, 'msgaudit media fetch failed; retrying');
      deps.schedule(outboxId, attempts, delay);
    }
  }
}

/**
 * The file and its md5 (hex), computed as the chunks arrive: its bytes when it fits in one part, otherwise the
 * parts `archivePart` archived as each filled up (the last one at the end, if partly filled).
 */
async function download(
  deps: FetchMediaDeps,
  corpId: string,
  media: MsgauditMedia,
  archivePart: (part: number, offset: number, bytes: Buffer) => Promise<MediaPartRef>,
): Promise<{ bytes?: Buffer; parts?: MediaPartRef[]; size: number; md5: string }> {
  const sdk = await deps.sdkFor(corpId);
  if (!sdk) throw new MediaFailure('media.corp-not-pulled', `corp ${corpId} has no msgaudit block any more: its media cannot be fetched`, false);
  const announced = media.filesize !== undefined && media.filesize > 0 ? media.filesize : undefined;
  if (announced !== undefined && announced > deps.policy.mediaMaxBytes) {
    throw new MediaFailure('media.too-large', `the file has ${announced} bytes, above msgaudit.mediaMaxBytes ${deps.policy.mediaMaxBytes}`, false);
  }
  const partBytes = deps.policy.mediaPartBytes;
  const md5 = createHash('md5');
  const parts: MediaPartRef[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let archived = 0;
  const flush = async (bytes: Buffer) => {
    parts.push(await archivePart(parts.length, archived, bytes));
    archived += bytes.length;
  };
  for await (const chunk of readMedia(sdk, media.sdkfileid, { ...deps.policy.callOptions, ...(announced !== undefined ? { expectedSize: announced } : {}), maxBytes: deps.policy.mediaMaxBytes })) {
    md5.update(chunk);
    pending.push(chunk);
    pendingBytes += chunk.length;
    size += chunk.length;
    while (pendingBytes > partBytes) {
      // A full part goes to the archive; what is beyond it starts the next one.
      const joined = Buffer.concat(pending);
      await flush(joined.subarray(0, partBytes));
      pending = [joined.subarray(partBytes)];
      pendingBytes = joined.length - partBytes;
    }
  }
  const digest = md5.digest('hex');
  if (media.md5sum !== undefined && digest !== media.md5sum) {
    throw new MediaFailure('media.md5-mismatch', 'the downloaded file does not match the md5sum of the message', true);
  }
  const last = Buffer.concat(pending);
  if (parts.length === 0) return { bytes: last, size, md5: digest };
  if (last.length > 0) await flush(last);
  return { parts, size, md5: digest };
}

function asFailure(err: unknown): MediaFailure {
  if (err instanceof MediaFailure) return err;
  // not-ready: this replica's SDK handle is closing (shutdown); another attempt, here or elsewhere, will do.
  if (err instanceof FinanceSdkError) return new MediaFailure(err.label, err.safeMessage, err.retryable || err.kind === 'not-ready');
  // A database hiccup and the like: named by type only (driver messages may quote data), tried again.
  const name = err instanceof Error && /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(err.name) ? err.name : 'error';
  return new MediaFailure(`media.internal.${name}`, `the fetch failed with ${name}`, true);
}
