/**
 * What went wrong, as stable codes and safe text, at the two levels the
 * puller distinguishes:
 * - a record (its key, DecryptData, its plaintext, or the record itself):
 *   the record is archived raw with the failure, never skipped;
 * - a pull (GetChatData, the envelope, the archive transaction, the lease):
 *   nothing of the batch is committed and the same seq is pulled again
 *   (`backoff`), with a smaller batch (`reduce-limit`), or the corp stops
 *   until an operator fixes what `message` says (`never`).
 * Messages come from error types whose text is safe by construction
 * (FinanceSdkError, MsgauditKeyError, MsgauditParseError, MsgauditApiError);
 * anything else is named by its type only, because third-party messages
 * (database drivers) may quote data.
 */
import { FinanceSdkError } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk-error';
import { MsgauditKeyError } from '../../connectors/wecom/msgaudit/keys/errors';
import { MsgauditApiError, type ChatDataRetry } from '../../connectors/wecom/msgaudit/parse/api-error';
import { MsgauditParseError } from '../../connectors/wecom/msgaudit/parse/errors';
import { LeaseLostError } from '../upstream/lease-store';
import { ArchiveBusyError } from '../archive/writer';
import { UnwrapPoolError } from './unwrap-pool';

/** Where a record failed. */
export type RecordStage = 'envelope' | 'unwrap' | 'decrypt' | 'parse';

/** Why one record is archived raw: `code` is stable (`key.key-version-missing`, `finance-sdk.10006`, `parse.malformed-json`, …). */
export interface RecordFailure {
  code: string;
  stage: RecordStage;
  /** Safe to log and to store: names versions, fields and limits, never content. */
  reason: string;
}

/** The failure of one record at `stage`. */
export function recordFailure(stage: RecordStage, err: unknown): RecordFailure {
  if (err instanceof MsgauditKeyError) return { code: `key.${err.code}`, stage, reason: err.message };
  if (err instanceof FinanceSdkError) return { code: err.label, stage, reason: err.safeMessage };
  if (err instanceof MsgauditParseError) return { code: `${err.subject === 'envelope' ? 'envelope' : 'parse'}.${err.code}`, stage, reason: err.message };
  return { code: `${stage}.unexpected`, stage, reason: `unexpected ${errorName(err)} at ${stage}` };
}

/** What the puller does after a failed pull; `lease-lost` = another replica owns the corp now. */
export type PullRetry = ChatDataRetry | 'lease-lost';

/** A failed pull, classified. */
export interface PullFailure {
  code: string;
  retry: PullRetry;
  /** Safe text with what to fix. */
  reason: string;
}

/** The cursor moved under us: another puller committed first (this one's lease was taken over). */
export class CursorMovedError extends Error {
  override readonly name = 'CursorMovedError';
  readonly code = 'msgaudit.cursor-moved';

  constructor(readonly corpId: string, readonly expectedSeq: string) {
    super(`the msgaudit cursor of ${corpId} moved past seq ${expectedSeq} under this puller: another replica pulled the same batch`);
  }
}

/** Classify a failed pull. */
export function pullFailure(err: unknown): PullFailure {
  if (err instanceof MsgauditApiError) return { code: err.code, retry: err.retry, reason: err.message };
  if (err instanceof FinanceSdkError) return { code: err.label, retry: err.retryable ? 'backoff' : 'never', reason: err.safeMessage };
  if (err instanceof MsgauditParseError) return { code: `envelope.${err.code}`, retry: err.retryable ? 'backoff' : 'never', reason: err.message };
  if (err instanceof LeaseLostError || err instanceof CursorMovedError) return { code: err.code, retry: 'lease-lost', reason: err.message };
  if (err instanceof ArchiveBusyError) return { code: 'archive.busy', retry: 'backoff', reason: 'the archive writer is saturated; pulling again later' };
  if (err instanceof UnwrapPoolError) return { code: err.code, retry: 'backoff', reason: `${err.message}; nothing was committed, the same seq is pulled again` };
  // Database outages and the like: nothing was committed, the same seq is pulled again.
  return { code: `internal.${errorName(err)}`, retry: 'backoff', reason: `the pull failed with ${errorName(err)}; nothing was committed, the same seq is pulled again` };
}

function errorName(err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  return /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(name) ? name : 'error';
}
