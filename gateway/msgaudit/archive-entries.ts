/**
 * Record outcomes → archive entries. A parsed message becomes `wecom.msgaudit`
 * (its MsgauditEvent, deduplicated on the event's msgid key) with one `media`
 * outbox row per file it refers to; a record that
 * could not be read becomes `wecom.msgaudit.raw` (the ciphertext exactly as
 * received, deduplicated on corp + seq, so that once the missing key is
 * supplied a re-pull archives the readable message beside it rather than
 * being answered with the raw copy).
 */
import { canonicalJson } from '../../connectors/canonical/json';
import type { ArchiveEntry } from '../archive/types';
import type { RawOutcome, RecordOutcome } from './decrypt-batch';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';

/** The corp a batch belongs to, and when it was pulled. */
export interface EntryContext {
  /** The corp's configuration id: the archive's accountId. */
  accountId: string;
  /** The WeCom CorpID. */
  corpId: string;
  /** Epoch ms of the pull: the time of records that carry none (raw ones, msgtime 0). */
  pulledAtMs: number;
}

/** Dedupe key of a raw record: the seq is the only identity an unreadable record surely has. */
export function rawDedupeKey(corpId: string, seq: string): string {
  return canonicalJson(['v1', 'msgaudit-raw', corpId, seq]);
}

/**
 * What other parts of the gateway do with archived chat-archive messages:
 * state a message justifies, written in the transaction that archives it (an
 * agree/disagree in the consent ledger), and a look at each new batch after it
 * committed (learning RM–customer pairs, alerts). Neither may fail for business reasons.
 */
export interface MsgauditEventHooks {
  effects?(accountId: string, event: MsgauditEvent): ArchiveEntry['effects'] | undefined;
  afterCommit?(accountId: string, events: readonly MsgauditEvent[]): void;
}

/**
 * Several modules' hooks as one (consent ledger, supervision, …): every
 * module's effects run in the archive transaction, in the order given; every
 * module sees each committed batch, even when an earlier one threw (the first
 * error is rethrown after all ran).
 */
export function combineHooks(...hooks: readonly (MsgauditEventHooks | undefined)[]): MsgauditEventHooks {
  const present = hooks.filter((h): h is MsgauditEventHooks => h !== undefined);
  return {
    effects(accountId, event) {
      const effects = present.flatMap((h) => h.effects?.(accountId, event) ?? []);
      if (effects.length <= 1) return effects[0];
      return async (tx, recordId) => {
        for (const effect of effects) await effect(tx, recordId);
      };
    },
    afterCommit(accountId, events) {
      let failure: { error: unknown } | undefined;
      for (const h of present) {
        try {
          h.afterCommit?.(accountId, events);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
  };
}

/** The archive entry of one outcome; `onNewRaw` runs in the archive transaction when a raw record is new (not a re-run's duplicate). */
export function archiveEntryFor(outcome: RecordOutcome, context: EntryContext, onNewRaw?: (seq: string) => void, hooks?: MsgauditEventHooks): ArchiveEntry {
  if (outcome.kind === 'event') {
    const { event } = outcome;
    const effects = hooks?.effects?.(context.accountId, event);
    return {
      recordType: 'wecom.msgaudit',
      accountId: context.accountId,
      subject: event.from,
      // Tencent's own samples carry msgtime 0: such a record is filed under the day it was pulled.
      occurredAtMs: event.msgtime !== null && event.msgtime > 0 ? event.msgtime : context.pulledAtMs,
      dedupeKey: event.dedupeKey,
      payload: { event },
      // One download per file, created with the message so none is forgotten (fetch-media.ts).
      outbox: event.media.map((_, index) => ({ kind: 'media' as const, target: String(index) })),
      ...(effects ? { effects } : {}),
    };
  }
  return {
    recordType: 'wecom.msgaudit.raw',
    accountId: context.accountId,
    subject: null,
    occurredAtMs: context.pulledAtMs,
    dedupeKey: rawDedupeKey(context.corpId, outcome.seq),
    payload: rawPayload(outcome, context.corpId),
    outbox: [],
    ...(onNewRaw ? { effects: async () => onNewRaw(outcome.seq) } : {}),
  };
}

/** What a raw record keeps: everything needed to decrypt it later, and the typed failure. */
function rawPayload(outcome: RawOutcome, corpId: string): Record<string, unknown> {
  const { item, failure } = outcome;
  const error = { code: failure.code, stage: failure.stage, reason: failure.reason };
  if (item.kind === 'unreadable') {
    const msgid = item.record.msgid;
    const version = item.record.publickey_ver;
    return {
      corpId, seq: item.seq, msgid: typeof msgid === 'string' ? msgid : null, publickeyVer: typeof version === 'number' ? version : null,
      encryptRandomKey: null, encryptChatMsg: null, record: item.record, error,
    };
  }
  return {
    corpId, seq: item.seq, msgid: item.msgid, publickeyVer: item.publickey_ver,
    encryptRandomKey: item.encrypt_random_key, encryptChatMsg: item.encrypt_chat_msg, error,
  };
}
