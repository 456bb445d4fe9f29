/** What callers hand to the archive, and what the archive hands back. */
import type { ArchiveRecordType } from './record-types';
import type { ChainRecord } from './crypto/chain';

/** One thing to archive, with the outbox work that must exist if (and only if) it is committed. */
export interface ArchiveEntry {
  recordType: ArchiveRecordType;
  accountId: string;
  /** openid / userid the record is about; blind-indexed, never stored in clear. */
  subject: string | null;
  /** When the thing happened (Tencent's CreateTime for pushes), epoch ms: drives the time bucket. */
  occurredAtMs: number;
  /** The complete dedupe key; a second entry with the same key is answered with the first record. */
  dedupeKey: string;
  /** The record's content; serialised, encrypted, never stored in clear. */
  payload: Record<string, unknown>;
  /**
   * Outbox rows to create in the same transaction (e.g. one forward per
   * subscribed app). `claimMs`: the row is created already claimed for that
   * long, for an appender that runs it itself right after the commit (inline
   * delivery); the sweeper takes it only if the claim lapses.
   */
  outbox: { kind: 'forward' | 'deliver' | 'notify' | 'media'; target: string; claimMs?: number }[];
  /** Nonce-replay record for the callback this entry came from. */
  nonce?: { key: string; bodyHash: string; expiresAtMs: number };
  /**
   * State the record justifies, written in the record's transaction (an
   * outbound message's row, an approval). Runs only when the record is new.
   * In a shared batch it must not fail for business reasons; see `exclusive`.
   */
  effects?: (tx: EffectTransaction, recordId: string) => Promise<void>;
  /** Commit this entry in a transaction of its own, so an effect that throws (a lost race, a state that moved on) fails only this entry. */
  exclusive?: boolean;
  /**
   * Skip looking the entry's dedupe key (and nonce) up before inserting:
   * `true` when the key is new by construction (it carries an id this process
   * just drew) or nearly always new (an outbound message's one delivery
   * record); `'unless-seen-here'` when it is new unless a retry or replay
   * repeats it (a Tencent push), which is then looked up if this writer
   * appended the same dedupe key or nonce recently (the last 100,000 keys).
   * Should a key exist after all, the insert breaks a unique index, the batch
   * reruns with every key looked up, and the entry is answered as a duplicate
   * (or a replayed nonce), as without this flag. Costs a rerun on a clash,
   * saves one or two reads per batch.
   */
  fresh?: boolean | 'unless-seen-here';
}

/** What an entry's effects may do inside the archive transaction: plain, portable row operations by entity name. */
export interface EffectTransaction {
  /**
   * Insert rows. Rows from the effects of a whole batch are gathered and
   * written table by table (multi-row statements) before the transaction's
   * next read or update and before it commits, in the order each table was
   * first inserted into: insert a referenced row before a row referencing it.
   * A failing insert fails the whole transaction, as it would unbuffered.
   */
  insert(entity: string, values: Record<string, unknown> | Record<string, unknown>[]): Promise<void>;
  /** Update matching rows; resolves with how many changed (guards such as `status: 'held'` make it a compare-and-set). */
  update(entity: string, where: Record<string, unknown>, set: Record<string, unknown>): Promise<number>;
  /**
   * Update the row whose `key` property equals `where[key]` (and whose other
   * `where` properties equal theirs), gathered with the same-shaped updates
   * of the rest of the batch (equal `set`, equal other `where` values) into
   * one UPDATE … WHERE key IN (…), written before the transaction's next read
   * or update and before it commits. For updates whose changed-row count the
   * caller does not need; the same key twice is applied twice. `where` and
   * `set` values are plain (no operators); a `set` value may be an SQL
   * expression function as in `update`. Use `nowMs` for timestamps so that
   * updates of one batch share their values.
   */
  updateGathered(entity: string, key: string, where: Record<string, unknown>, set: Record<string, unknown>): void;
  /** The batch's time (epoch ms): one value for every effect in the transaction. */
  readonly nowMs: number;
  findOne<T>(entity: string, where: Record<string, unknown>): Promise<T | null>;
}

export interface AppendResult {
  recordId: string;
  /** Stable id apps dedupe on: derived from the dedupe key, identical across Tencent retries. */
  eventId: string;
  /** True when an earlier record with the same dedupe key exists (a retry); nothing new was written. */
  duplicate: boolean;
  /** Outbox row ids created by this append (empty for duplicates). */
  outboxIds: { id: string; target: string }[];
}

/** A record row as stored: exactly the fields its chain hash covers, plus that hash. */
export type StoredRecord = ChainRecord;
