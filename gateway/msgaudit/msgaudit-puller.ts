/**
 * The chat-archive puller of one corp. Across replicas only the holder of the
 * lease `msgaudit:<CorpID>` pulls; the others retry the lease every third of
 * its TTL and take over when the holder dies. The holder pulls batch after
 * batch while a backlog lasts, then sleeps until `wakeUp()` (the
 * msgaudit_notify callback) or the backstop interval. A failed pull is
 * retried on the same seq after a backoff, with half the batch on
 * `reduce-limit`, and stops the corp on `never` (an error that needs a fix:
 * wrong secret, IP not allowed, archive not enabled…), with the fix in the
 * log, the cursor row (`cgw msgaudit status`) and a metric. A stopped corp
 * resumes after a restart.
 *
 * Read-ahead: while a full batch (a backlog) commits, the next ones (up to
 * READ_AHEAD_BATCHES) are already fetched and decrypted (fetching writes
 * nothing), so the RSA workers and DecryptData never wait for the database.
 * The next batch is asked for as soon as the envelope of a full one is read,
 * before that one is decrypted, so its records join the unwrap pool's queue
 * behind the current ones and the workers never wait for GetChatData either.
 * Each is committed only after the batch before it committed and only if the
 * cursor is where it was fetched from; on any failure they are dropped and
 * the same seq is pulled again, so batches still commit whole and in seq order.
 */
import type { MsgauditEventHooks } from './archive-entries';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import type { SdkCallOptions } from '../../connectors/wecom/msgaudit/finance-sdk/validate-args';
import type { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';
import type { ArchiveWriter } from '../archive/writer';
import type { Lease, LeaseStore } from '../upstream/lease-store';
import type { MsgauditCursorRow } from '../db/entities';
import type { MsgauditCursorStore } from './cursor-store';
import { pullFailure, type PullFailure } from './failures';
import type { MsgauditMetrics } from './metrics';
import { commitBatch, decryptReadBatch, readBatch, readCursor, type FetchedBatch, type PullBatchDeps, type PullResult, type ReadBatch } from './pull-batch';
import type { UnwrapPool } from './unwrap-pool';

/** A skip of this many seqs in one place is logged as a warning (smaller ones at info). */
export const LARGE_SEQ_SKIP = 1000;
/** Full batches fetched and decrypted ahead of the one committing (each up to batchLimit records in memory). */
export const READ_AHEAD_BATCHES = 2;

/** How a puller paces itself (from the `msgaudit:` configuration). */
export interface PullerPolicy {
  batchLimit: number;
  pullIntervalMs: number;
  leaseTtlMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  decryptChunk: number;
  callOptions: SdkCallOptions;
}

/** What a puller is built from. */
export interface PullerDeps {
  corp: { accountId: string; corpId: string };
  /** The corp's SDK handle (initialised once per process; a failed init is retried). */
  sdk: () => Promise<Pick<FinanceSdk, 'getChatData' | 'decryptData'>>;
  keyring: Pick<MsgauditKeyring, 'unwrapRandomKey'>;
  /** RSA unwrapping on worker threads, shared by the gateway's pullers; in-thread with `keyring` when absent. */
  unwrapPool?: Pick<UnwrapPool, 'unwrap'>;
  archive: Pick<ArchiveWriter, 'appendAll'>;
  cursors: MsgauditCursorStore;
  leases: LeaseStore;
  policy: PullerPolicy;
  logger: Logger;
  metrics?: MsgauditMetrics;
  /** Hand an outbox row created with a batch (a media download) to the queue; the sweeper catches any it misses. */
  schedule?: (outboxId: string) => void;
  now: () => number;
  /** Lease holder id; unique per puller unless given. */
  holder?: string;
  /** What the consent ledger and others do with archived messages (archive-entries.ts). */
  hooks?: MsgauditEventHooks;
}

/** A batch fetched ahead: from which seq, its envelope once read, and the fetch (decrypted). */
interface ReadAhead {
  fromSeq: string;
  read?: ReadBatch;
  batch: Promise<FetchedBatch>;
}

/** Where a puller is: waiting for the lease, holding it, stopped on an error, or closed. */
export type PullerState = 'standby' | 'holding' | 'stopped' | 'closed';

/** The puller of one corp (see the module comment). */
export class MsgauditPuller {
  readonly holder: string;
  private readonly leaseName: string;
  private lease: Lease | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private closing = false;
  private stoppedOn: PullFailure | undefined;
  private limit: number;
  private backoffMs: number;
  private wakeRequested = false;
  private interrupt: ((reason: 'wake' | 'close') => void) | undefined;
  private cursorOpened = false;
  private readonly listeners = new Set<(result: PullResult) => void>();
  /** The next batches, in seq order, fetched while the one before them commits. */
  private ahead: ReadAhead[] = [];
  /** The cursor row as the last committed batch left it: the next batch read ahead commits from it without reading it back. */
  private committed: MsgauditCursorRow | undefined;

  constructor(private readonly deps: PullerDeps) {
    this.holder = deps.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseName = `msgaudit:${deps.corp.corpId}`;
    this.limit = deps.policy.batchLimit;
    this.backoffMs = deps.policy.backoffBaseMs;
  }

  /** Where the puller is now. */
  get state(): PullerState {
    if (this.closing) return 'closed';
    if (this.stoppedOn) return 'stopped';
    return this.lease ? 'holding' : 'standby';
  }

  /** The failure that stopped the corp, if it stopped. */
  get stoppedReason(): PullFailure | undefined {
    return this.stoppedOn;
  }

  /** Start the loop (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Pull now instead of at the next interval (msgaudit_notify); a pull in progress is followed by another. */
  wakeUp(): void {
    this.wakeRequested = true;
    this.interrupt?.('wake');
  }

  /** Called after every committed or empty pull (tests and metrics). Returns the unsubscribe function. */
  onPull(listener: (result: PullResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Finish the pull in progress (its batch commits or rolls back whole), then release the lease. Idempotent. */
  async stop(): Promise<void> {
    this.closing = true;
    this.interrupt?.('close');
    await this.loop;
    this.stopRenewal();
    if (this.lease) await this.deps.leases.release(this.lease).catch(() => undefined);
    this.lease = undefined;
    this.deps.metrics?.leaseHeld.set({ corp: this.deps.corp.accountId }, 0);
  }

  private async run(): Promise<void> {
    const { corp, policy } = this.deps;
    while (!this.closing && !this.stoppedOn) {
      try {
        if (!(await this.holdLease())) {
          this.committed = undefined;
          await this.dropAhead();
          // A wake-up in standby is one more try for the lease, not a reason to spin.
          this.wakeRequested = false;
          await this.pause(Math.max(1000, Math.floor(policy.leaseTtlMs / 3)), true);
          continue;
        }
        if (!this.cursorOpened) {
          await this.deps.cursors.open(corp.corpId, corp.accountId, this.deps.now());
          this.cursorOpened = true;
        }
        this.wakeRequested = false;
        const started = process.hrtime.bigint();
        const result = await this.pull();
        this.deps.metrics?.batchSeconds.observe({ corp: corp.accountId }, Number(process.hrtime.bigint() - started) / 1e9);
        this.backoffMs = policy.backoffBaseMs;
        this.report(result);
        // A backlog is drained batch after batch; otherwise wait for a notify or the backstop.
        if (result.drained && !this.wakeRequested) await this.pause(policy.pullIntervalMs, true);
      } catch (err) {
        this.committed = undefined;
        await this.dropAhead();
        if (this.closing) break;
        await this.failed(pullFailure(err));
      }
    }
    await this.dropAhead();
  }

  /** One batch: the one read ahead if it starts at the cursor, else fetched now; the next one read ahead when this one is full. */
  private async pull(): Promise<PullResult> {
    const { corp, policy } = this.deps;
    const deps: PullBatchDeps = {
      corp, sdk: await this.deps.sdk(), keyring: this.deps.keyring, archive: this.deps.archive, cursors: this.deps.cursors, lease: this.lease!,
      limit: this.limit, callOptions: policy.callOptions, decryptChunk: policy.decryptChunk, now: this.deps.now,
      ...(this.deps.hooks ? { hooks: this.deps.hooks } : {}),
      ...(this.deps.unwrapPool ? { unwrapPool: this.deps.unwrapPool } : {}),
    };
    // In a backlog the row is the one our last commit wrote (its compare-and-set still guards the next commit); otherwise read it.
    const known = this.committed;
    this.committed = undefined;
    const cursor = known && known.lastSeq === this.ahead[0]?.fromSeq ? known : await readCursor(deps);
    let fetched: FetchedBatch;
    if (this.ahead[0]?.fromSeq === cursor.lastSeq) {
      const next = this.ahead.shift()!;
      // The queue has room again: the last batch read ahead, if its envelope is in, may call for the one after it.
      const last = this.ahead.at(-1);
      if (last?.read) this.readAfter(deps, last.read);
      fetched = await next.batch;
    } else {
      await this.dropAhead();
      const read = await readBatch(deps, cursor.lastSeq);
      if (this.ahead.length === 0) this.readAfter(deps, read);
      fetched = await decryptReadBatch(deps, read);
    }
    const result = await commitBatch(deps, cursor, fetched);
    this.committed = result.cursorAfter;
    return result;
  }

  /** Fetch the batch after `read` ahead of time when `read` was full (a backlog) and the queue has room; it chains on once its envelope is read. */
  private readAfter(deps: PullBatchDeps, read: ReadBatch): void {
    if (this.closing || read.items.length < read.limit || this.ahead.length >= READ_AHEAD_BATCHES) return;
    const fromSeq = read.items[read.items.length - 1]!.seq;
    const envelope = readBatch(deps, fromSeq);
    const entry: ReadAhead = { fromSeq, batch: envelope.then((next) => decryptReadBatch(deps, next)) };
    this.ahead.push(entry);
    // A failure is the pull's that awaits this batch; until then it is only held.
    entry.batch.catch(() => undefined);
    envelope.then((next) => {
      entry.read = next;
      if (this.ahead.at(-1) === entry) this.readAfter(deps, next);
    }, () => undefined);
  }

  /** Forget the batches read ahead, once their SDK calls and unwraps have finished. */
  private async dropAhead(): Promise<void> {
    const dropped = this.ahead;
    this.ahead = [];
    await Promise.all(dropped.map((entry) => entry.batch.catch(() => undefined)));
  }

  /** Acquire the lease if we do not hold it; true when we hold it. */
  private async holdLease(): Promise<boolean> {
    if (this.lease) return true;
    const lease = await this.deps.leases.acquire(this.leaseName, this.holder, this.deps.policy.leaseTtlMs, this.deps.now());
    if (!lease) return false;
    this.lease = lease;
    this.deps.metrics?.leaseHeld.set({ corp: this.deps.corp.accountId }, 1);
    this.deps.logger.info({ corp: this.deps.corp.accountId, fence: lease.fence }, 'msgaudit puller holds the lease for this corp');
    this.startRenewal();
    return true;
  }

  private startRenewal(): void {
    this.stopRenewal();
    const every = Math.max(500, Math.floor(this.deps.policy.leaseTtlMs / 3));
    this.renewTimer = setInterval(() => void this.renew(), every);
    this.renewTimer.unref();
  }

  private stopRenewal(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async renew(): Promise<void> {
    const current = this.lease;
    if (!current) return;
    const renewed = await this.deps.leases.renew(current, this.deps.policy.leaseTtlMs, this.deps.now()).catch((err: unknown) => {
      // Keep pulling: if the lease really expires, the commit's fence check refuses the batch.
      this.deps.logger.warn({ corp: this.deps.corp.accountId, err }, 'msgaudit lease renewal failed; retried at the next renewal');
      return current;
    });
    if (this.lease !== current) return;
    if (renewed) this.lease = renewed;
    else this.dropLease('renewal refused: another replica took the lease over');
  }

  private dropLease(why: string): void {
    if (!this.lease) return;
    this.lease = undefined;
    this.stopRenewal();
    this.deps.metrics?.leaseHeld.set({ corp: this.deps.corp.accountId }, 0);
    this.deps.logger.warn({ corp: this.deps.corp.accountId, why }, 'msgaudit puller lost the lease; standing by');
  }

  private async failed(failure: PullFailure): Promise<void> {
    const { corp, metrics, logger, policy } = this.deps;
    metrics?.pulls.inc({ corp: corp.accountId, outcome: 'error' });
    metrics?.pullErrors.inc({ corp: corp.accountId, code: failure.code, retry: failure.retry });
    if (failure.retry === 'lease-lost') {
      this.dropLease(failure.reason);
      return;
    }
    const stop = failure.retry === 'never';
    await this.deps.cursors.noteError(corp.corpId, failure.code, failure.reason, stop, this.deps.now()).catch(() => undefined);
    if (stop) {
      this.stoppedOn = failure;
      metrics?.stopped.set({ corp: corp.accountId }, 1);
      logger.error({ corp: corp.accountId, code: failure.code, fix: failure.reason }, 'msgaudit puller STOPPED for this corp until the problem is fixed and the gateway restarted; Tencent keeps unpulled data only a few days');
      // Another replica (perhaps already fixed in a rolling deploy) may take over.
      this.stopRenewal();
      if (this.lease) await this.deps.leases.release(this.lease).catch(() => undefined);
      this.lease = undefined;
      metrics?.leaseHeld.set({ corp: corp.accountId }, 0);
      return;
    }
    if (failure.retry === 'reduce-limit' && this.limit > 1) {
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      logger.warn({ corp: corp.accountId, code: failure.code, limit: this.limit }, 'msgaudit pull too large; pulling smaller batches from now on');
      return;
    }
    logger.warn({ corp: corp.accountId, code: failure.code, why: failure.reason, retryInMs: this.backoffMs }, 'msgaudit pull failed; nothing committed, pulling the same seq again');
    const wait = this.backoffMs;
    this.backoffMs = Math.min(policy.backoffMaxMs, this.backoffMs * 2);
    await this.pause(wait, false);
  }

  private report(result: PullResult): void {
    const { corp, metrics, logger } = this.deps;
    const label = { corp: corp.accountId };
    metrics?.pulls.inc({ ...label, outcome: result.records === 0 ? 'empty' : 'batch' });
    if (result.records > 0) {
      metrics?.records.inc({ ...label, outcome: 'archived' }, result.archived);
      metrics?.records.inc({ ...label, outcome: 'duplicate' }, result.duplicates);
    }
    const byCode = new Map<string, typeof result.raw>();
    for (const raw of result.raw) byCode.set(raw.failure.code, [...(byCode.get(raw.failure.code) ?? []), raw]);
    for (const [code, records] of byCode) {
      metrics?.undecryptable.inc({ ...label, code }, records.length);
      metrics?.records.inc({ ...label, outcome: 'raw' }, records.length);
      // Seqs, codes and safe reasons only: never a msgid's content, a key or a plaintext.
      logger.warn(
        { corp: corp.accountId, code, stage: records[0]!.failure.stage, why: records[0]!.failure.reason, count: records.length, seqs: records.slice(0, 20).map((r) => r.seq) },
        'msgaudit records could not be decrypted or parsed: archived raw (ciphertext kept), alert',
      );
    }
    if (result.skips.gaps > 0) {
      metrics?.skippedSeqs.inc(label, result.skips.missing);
      // Small skips are Tencent's numbering (seq-continuity.ts); a large one is worth a look at the corp's archive scope.
      const level = result.skips.largest >= LARGE_SEQ_SKIP ? 'warn' : 'info';
      logger[level]({ corp: corp.accountId, gaps: result.skips.gaps, missing: result.skips.missing, largest: result.skips.largest, fromSeq: result.fromSeq, toSeq: result.toSeq }, 'msgaudit seqs skipped by Tencent between archived records (recorded for reconciliation)');
    }
    for (const id of result.outboxIds) this.deps.schedule?.(id);
    for (const listener of this.listeners) listener(result);
  }

  /** Sleep `ms`; close always interrupts, a wake-up only when `wakeable`. */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.closing || (wakeable && this.wakeRequested)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = (reason) => {
        if (reason === 'close' || wakeable) done();
      };
    });
  }
}
