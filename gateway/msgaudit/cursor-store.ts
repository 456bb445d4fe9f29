/**
 * The `msgaudit_cursor` rows. The seq moves only inside the archive
 * transaction of the records it covers (`advanceEffect`), guarded twice:
 * the puller's lease must still be held and unexpired (fenced, as
 * TypeOrmLeaseStore.fenced does), and the row must still be at the version
 * and seq this batch was pulled from (compare-and-set). A stale puller's
 * batch therefore rolls back whole. Bookkeeping that does not move the seq
 * (an empty pull, an error) is written outside it.
 */
import { MoreThan, type DataSource } from 'typeorm';
import { ConnectionGate } from '../db/connection-gate';
import { LEASE_ENTITY, MSGAUDIT_CURSOR_ENTITY, MSGAUDIT_LAST_ERROR_CHARS, type MsgauditCursorRow } from '../db/entities';
import { isUniqueViolation } from '../db/errors';
import type { EffectTransaction } from '../archive/types';
import { LeaseLostError, type Lease } from '../upstream/lease-store';
import { CursorMovedError } from './failures';

/** What a committed batch changes on the cursor. */
export interface CursorAdvance {
  /** The batch's last seq. */
  lastSeq: string;
  pulledAt: number;
  /** The pull returned fewer records than asked: the corp was drained at `pulledAt`. */
  caughtUp: boolean;
  /** Newest msgtime among the batch's messages, if any. */
  newestMessageAt: number | null;
  skippedSeqs: number;
  /** Raw records that were new in this transaction (read when the effect runs). */
  newRaw: () => number;
  /** The clock, read when the effect runs (the lease must be unexpired at commit, not at pull). */
  now: () => number;
  /** Told the row as the effect wrote it (valid once the transaction commits), so the next batch need not read it back. */
  onAdvanced?: (row: MsgauditCursorRow) => void;
}

/** The msgaudit_cursor rows, through the gateway's connection gate. */
export class MsgauditCursorStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate = ConnectionGate.for(dataSource)) {}

  private get repo() {
    return this.dataSource.getRepository<MsgauditCursorRow>(MSGAUDIT_CURSOR_ENTITY);
  }

  /** The corp's row, created at seq 0 on first use. */
  async open(corpId: string, accountId: string, nowMs: number): Promise<MsgauditCursorRow> {
    const existing = await this.read(corpId);
    if (existing) return existing;
    const row: MsgauditCursorRow = {
      corpId, accountId, lastSeq: '0', version: 0, lastPullAt: null, caughtUpAt: null, lastMessageAt: null,
      undecryptableCount: 0, skippedSeqs: 0, lastErrorCode: null, lastError: null, lastErrorAt: null, stoppedAt: null, createdAt: nowMs, updatedAt: nowMs,
    };
    try {
      await this.gate.run(() => this.repo.insert(row));
      return row;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Another replica created it first.
      const created = await this.read(corpId);
      if (!created) throw err;
      return created;
    }
  }

  /** The corp's row, or null. */
  read(corpId: string): Promise<MsgauditCursorRow | null> {
    return this.gate.run(() => this.repo.findOneBy({ corpId }));
  }

  /** Every row, by corp. */
  list(): Promise<MsgauditCursorRow[]> {
    return this.gate.run(() => this.repo.find({ order: { corpId: 'ASC' } }));
  }

  /**
   * The effect that moves the cursor from `from` in the archive transaction.
   * @throws LeaseLostError when the lease is gone, CursorMovedError when another puller moved the row (the transaction rolls back)
   */
  advanceEffect(from: MsgauditCursorRow, lease: Lease, advance: CursorAdvance): (tx: EffectTransaction) => Promise<void> {
    return async (tx) => {
      const nowMs = advance.now();
      // A no-op write that matches only while the lease is ours and unexpired; on PostgreSQL and SQL Server it also locks the lease row until commit.
      const held = await tx.update(LEASE_ENTITY, { name: lease.name, holder: lease.holder, fence: lease.fence, expiresAt: MoreThan(nowMs) }, { holder: lease.holder });
      if (held !== 1) throw new LeaseLostError(lease.name, lease.fence);
      const newest = advance.newestMessageAt === null ? from.lastMessageAt : Math.max(from.lastMessageAt ?? 0, advance.newestMessageAt);
      const changes = {
        lastSeq: advance.lastSeq,
        version: from.version + 1,
        lastPullAt: advance.pulledAt,
        ...(advance.caughtUp ? { caughtUpAt: advance.pulledAt } : {}),
        lastMessageAt: newest,
        undecryptableCount: from.undecryptableCount + advance.newRaw(),
        skippedSeqs: from.skippedSeqs + advance.skippedSeqs,
        lastErrorCode: null, lastError: null, lastErrorAt: null, stoppedAt: null,
        updatedAt: nowMs,
      };
      const moved = await tx.update(MSGAUDIT_CURSOR_ENTITY, { corpId: from.corpId, version: from.version, lastSeq: from.lastSeq }, changes);
      if (moved !== 1) throw new CursorMovedError(from.corpId, from.lastSeq);
      advance.onAdvanced?.({ ...from, ...changes });
    };
  }

  /** An empty pull: the seq stays where it is (never back to 0); the corp was drained at `pulledAt`. */
  async noteEmptyPull(corpId: string, pulledAt: number, nowMs: number): Promise<void> {
    await this.gate.run(() =>
      this.repo.update({ corpId }, { lastPullAt: pulledAt, caughtUpAt: pulledAt, lastErrorCode: null, lastError: null, lastErrorAt: null, stoppedAt: null, updatedAt: nowMs }),
    );
  }

  /** A failed pull, for `cgw msgaudit status`; `stopped` when the puller gave up until a fix. */
  async noteError(corpId: string, code: string, reason: string, stopped: boolean, nowMs: number): Promise<void> {
    await this.gate.run(() =>
      this.repo.update({ corpId }, { lastErrorCode: code.slice(0, 64), lastError: reason.slice(0, MSGAUDIT_LAST_ERROR_CHARS), lastErrorAt: nowMs, stoppedAt: stopped ? nowMs : null, updatedAt: nowMs }),
    );
  }
}
