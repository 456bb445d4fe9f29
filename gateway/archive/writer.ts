/**
 * The archive writer. Every append is envelope-encrypted and blind-indexed up
 * front, then committed with group commit: appends that arrive while a batch is
 * committing form the next batch, so a busy gateway commits hundreds of
 * records per transaction and an idle one commits each at once. A second
 * batch starts beside a running one only once appends pile up
 * (parallelBatchMin): every transaction costs the same few round trips
 * whatever its size, so fewer, larger ones spend less CPU. Nobody's
 * promise resolves before the transaction holding its record, its outbox rows
 * and its nonce has committed (archive before effect; no ack before commit).
 *
 * Each batch takes one shard's chain head (a few shards, so concurrent
 * batches and replicas do not serialise on one row) and links its records in
 * order: record_hash = H(canonical(record fields, prev_hash)).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { KeyStore } from './crypto/key-store';
import { recordAad, sealRecord } from './crypto/envelope';
import { blindIndex, timeBucket } from './crypto/blind-index';
import { genesisHash, recordHash } from './crypto/chain';
import type { ArchiveStore, ArchiveTransaction, NonceInsert, OutboxInsert } from './store';
import type { AppendResult, ArchiveEntry, EffectTransaction, StoredRecord } from './types';
import { RecentKeys } from './recent-keys';

/** The callback's nonce was seen before with a different body: a replay. */
export class NonceReplayError extends Error {
  constructor() {
    super('nonce already used with a different body');
    this.name = 'NonceReplayError';
  }
}

/** Too many appends are already waiting for the database: refuse now rather than queue without bound. */
export class ArchiveBusyError extends Error {
  constructor() {
    super('archive writer is saturated');
    this.name = 'ArchiveBusyError';
  }
}

interface Pending {
  record: Omit<StoredRecord, 'shard' | 'shardSeq' | 'prevHash' | 'recordHash'>;
  entry: ArchiveEntry;
  /** On the first entry of an appendAll group: how many entries commit together, and the group's own effects. */
  group?: { size: number; effects?: (tx: EffectTransaction) => Promise<void> };
  eventId: string;
  /** Look the dedupe key and nonce up before inserting (else a clash reruns the batch with lookups). */
  lookUp: boolean;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export interface ArchiveWriterOptions {
  store: ArchiveStore;
  keyStore: KeyStore;
  shards: number;
  /**
   * This writer's place among the worker processes of one host: it writes
   * only the shards index, index + count, … (all of them when there are more
   * workers than shards), so the workers never wait on each other's
   * chain-head locks. Replicas on other hosts still share every shard.
   */
  worker?: { index: number; count: number };
  maxBatch: number;
  /** Appends that must be waiting before a batch starts while another is still committing (default 16). */
  parallelBatchMin?: number;
  /** Appends allowed to wait for a batch; beyond this, append rejects with ArchiveBusyError (default 20,000). */
  maxPending?: number;
  now: () => number;
  onBatch?: (size: number, seconds: number) => void;
  /** A batch is rerun after a unique violation (a key assumed new existed, or a concurrent writer got there first). */
  onRerun?: () => void;
}

/** Derive the id apps dedupe on from the dedupe blind index (so it never equals an index value). */
export function eventIdFor(dedupeBidx: string): string {
  return createHash('sha256').update(`cgw-event-id|${dedupeBidx}`).digest('hex').slice(0, 32);
}

export class ArchiveWriter {
  private pending: Pending[] = [];
  private inflight = 0;
  private nextShard = 0;
  private readonly busyShards = new Set<number>();
  private closed = false;
  private idle: (() => void)[] = [];
  private pumpScheduled = false;
  /** Dedupe keys and nonces appended lately: a 'unless-seen-here' entry repeating one is looked up. */
  private readonly recent = new RecentKeys(100_000);
  private fewValues: { key: Buffer | null; byValue: Map<string, string> } = { key: null, byValue: new Map() };

  constructor(private readonly opts: ArchiveWriterOptions) {}

  /** Create missing chain heads; call once at start. */
  async init(): Promise<void> {
    await this.opts.store.ensureChainHeads(this.opts.shards, genesisHash, this.opts.now());
  }

  /** Archive one entry; resolves after its transaction committed. @throws NonceReplayError, or the database's error (nothing was written). */
  append(entry: ArchiveEntry): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('archive writer is closed'));
    if (this.pending.length >= (this.opts.maxPending ?? 20_000)) return Promise.reject(new ArchiveBusyError());
    const record = this.prepare(entry);
    const lookUp = this.needsLookUp(entry, record.dedupeBidx);
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ record, entry, eventId: eventIdFor(record.dedupeBidx), lookUp, resolve, reject });
      this.schedulePump();
    });
  }

  /**
   * Archive `entries` in ONE transaction, in order, then run `effects` in it
   * (e.g. advance an ingestion checkpoint past exactly these records): all
   * commit or none does. Entries whose dedupe key exists are answered as
   * duplicates (a re-run after a crash), and `effects` still runs.
   * @throws the database's error or the effect's (nothing was written)
   */
  appendAll(entries: readonly ArchiveEntry[], effects?: (tx: EffectTransaction) => Promise<void>): Promise<AppendResult[]> {
    if (this.closed) return Promise.reject(new Error('archive writer is closed'));
    if (entries.length === 0) return Promise.resolve([]);
    if (entries.some((e) => e.nonce || e.exclusive)) return Promise.reject(new Error('appendAll entries carry neither nonces nor exclusive'));
    const prepared = entries.map((entry) => ({ entry, record: this.prepare(entry) }));
    return new Promise<AppendResult[]>((resolve, reject) => {
      const results: AppendResult[] = new Array(entries.length);
      let left = entries.length;
      let failed = false;
      prepared.forEach(({ entry, record }, i) => {
        this.pending.push({
          record, entry, eventId: eventIdFor(record.dedupeBidx), lookUp: this.needsLookUp(entry, record.dedupeBidx),
          ...(i === 0 ? { group: { size: entries.length, ...(effects ? { effects } : {}) } } : {}),
          resolve: (r) => {
            results[i] = r;
            if (--left === 0 && !failed) resolve(results);
          },
          reject: (e) => {
            if (!failed) reject(e);
            failed = true;
          },
        });
      });
      this.schedulePump();
    });
  }

  /** Stop accepting appends and wait for queued ones to commit. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inflight === 0 && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private needsLookUp(entry: ArchiveEntry, dedupeBidx: string): boolean {
    if (entry.fresh !== 'unless-seen-here') return entry.fresh !== true;
    const nonceKey = entry.nonce ? `nonce|${entry.nonce.key}` : undefined;
    const seen = this.recent.has(dedupeBidx) || (nonceKey !== undefined && this.recent.has(nonceKey));
    this.recent.add(dedupeBidx);
    if (nonceKey !== undefined) this.recent.add(nonceKey);
    return seen;
  }

  /** Blind indexes of columns with few distinct values (accounts, days), computed once each: an HMAC per record each was a measurable share of a callback. */
  private fewValuesIndex(indexKey: Buffer, purpose: 'account' | 'time-bucket', value: string): string {
    if (this.fewValues.key !== indexKey || this.fewValues.byValue.size >= 10_000) this.fewValues = { key: indexKey, byValue: new Map() };
    const cacheKey = `${purpose}|${value}`;
    let index = this.fewValues.byValue.get(cacheKey);
    if (index === undefined) this.fewValues.byValue.set(cacheKey, (index = blindIndex(indexKey, purpose, value)));
    return index;
  }

  private prepare(entry: ArchiveEntry): Pending['record'] {
    const { keyStore } = this.opts;
    const indexKey = keyStore.indexKey();
    const id = randomUUID();
    const aad = recordAad(id, entry.recordType);
    const body = Buffer.from(JSON.stringify({ v: 1, recordType: entry.recordType, accountId: entry.accountId, subject: entry.subject, occurredAtMs: entry.occurredAtMs, payload: entry.payload }), 'utf8');
    const sealed = sealRecord(keyStore, body, aad);
    return {
      id,
      recordType: entry.recordType,
      accountBidx: this.fewValuesIndex(indexKey, 'account', entry.accountId),
      subjectBidx: entry.subject === null ? null : blindIndex(indexKey, 'subject', entry.subject),
      timeBucketBidx: this.fewValuesIndex(indexKey, 'time-bucket', timeBucket(entry.occurredAtMs, 'day')),
      dedupeBidx: blindIndex(indexKey, 'dedupe', entry.dedupeKey),
      keyId: sealed.keyId,
      wrappedKey: sealed.wrappedKey,
      iv: sealed.iv,
      ciphertext: sealed.ciphertext,
    };
  }

  /**
   * Start batches on the next check phase, not now: every request whose bytes
   * arrived in this I/O phase then joins the same transaction. Without this a
   * synchronous driver (better-sqlite3) commits each append alone before the
   * next request is even read.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    // One batch at a time until appends pile up: a busy gateway then commits fewer, larger transactions
    // (each costs the same handful of round trips whatever its size), an idle one still commits each at once.
    const pileUp = this.opts.parallelBatchMin ?? 16;
    while (this.pending.length > 0 && this.inflight < this.opts.store.maxConcurrentBatches && (this.inflight === 0 || this.pending.length >= pileUp)) {
      const shard = this.takeShard();
      if (shard === undefined) return;
      const batch = this.pending.splice(0, this.batchLength());
      this.inflight++;
      void this.commit(batch, shard).finally(() => {
        this.inflight--;
        this.busyShards.delete(shard);
        this.schedulePump();
        if (this.inflight === 0 && this.pending.length === 0) this.idle.splice(0).forEach((f) => f());
      });
    }
  }

  // An exclusive entry commits alone; a batch stops before the next one.
  private batchLength(): number {
    const first = this.pending[0]!;
    if (first.group) return first.group.size;
    if (first.entry.exclusive) return 1;
    const limit = Math.min(this.opts.maxBatch, this.pending.length);
    for (let i = 1; i < limit; i++) if (this.pending[i]!.entry.exclusive || this.pending[i]!.group) return i;
    return limit;
  }

  private takeShard(): number | undefined {
    const { shards, worker } = this.opts;
    for (let i = 0; i < shards; i++) {
      const shard = (this.nextShard + i) % shards;
      const own = !worker || worker.count > shards || shard % worker.count === worker.index % worker.count;
      if (own && !this.busyShards.has(shard)) {
        this.nextShard = (shard + 1) % shards;
        this.busyShards.add(shard);
        return shard;
      }
    }
    return undefined;
  }

  private async commit(batch: Pending[], shard: number): Promise<void> {
    const started = process.hrtime.bigint();
    for (let attempt = 1; ; attempt++) {
      try {
        // A rerun after a unique violation looks up every key, fresh or not: the clash is then answered as a duplicate.
        const outcome = await this.opts.store.transaction(this.opts.now(), (tx) => this.writeBatch(tx, batch, shard, attempt > 1));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.opts.onBatch?.(batch.length, seconds);
        outcome.forEach((result, i) => (result instanceof Error ? batch[i]!.reject(result) : batch[i]!.resolve(result)));
        return;
      } catch (err) {
        // A concurrent writer (another replica, or a Tencent retry in another batch)
        // inserted one of our dedupe keys or nonces first: rerun, the lookups now see it.
        if (this.opts.store.isUniqueViolation(err) && attempt < 5) {
          this.opts.onRerun?.();
          continue;
        }
        batch.forEach((p) => p.reject(err));
        return;
      }
    }
  }

  private async writeBatch(tx: ArchiveTransaction, batch: Pending[], shard: number, lookUpFresh: boolean): Promise<(AppendResult | Error)[]> {
    const now = tx.nowMs;
    const head = await tx.lockChainHead(shard);
    const lookingUp = lookUpFresh ? batch : batch.filter((p) => p.lookUp);
    const lookUp = [...new Set(lookingUp.map((p) => p.record.dedupeBidx))];
    const existing = lookUp.length > 0 ? await tx.findByDedupe(lookUp) : new Map<string, string>();
    const nonceKeys = lookingUp.flatMap((p) => (p.entry.nonce ? [p.entry.nonce.key] : []));
    const seenNonces = nonceKeys.length > 0 ? await tx.findNonces([...new Set(nonceKeys)]) : new Map<string, string>();
    const existingOutbox = existing.size > 0 ? await tx.findOutbox([...new Set(existing.values())]) : new Map<string, { id: string; target: string }[]>();

    const results: (AppendResult | Error)[] = [];
    const records: StoredRecord[] = [];
    const outbox: OutboxInsert[] = [];
    const nonces: NonceInsert[] = [];
    const inBatch = new Map<string, AppendResult>();
    let { seq, hash } = head;
    for (const p of batch) {
      const n = p.entry.nonce;
      const seenBody = n ? seenNonces.get(n.key) : undefined;
      if (n && seenBody !== undefined && seenBody !== n.bodyHash) {
        results.push(new NonceReplayError());
        continue;
      }
      const prior = existing.get(p.record.dedupeBidx);
      if (prior !== undefined) {
        results.push({ recordId: prior, eventId: p.eventId, duplicate: true, outboxIds: existingOutbox.get(prior) ?? [] });
        continue;
      }
      const twin = inBatch.get(p.record.dedupeBidx);
      if (twin) {
        results.push({ ...twin, duplicate: true });
        continue;
      }
      seq += 1;
      const row: StoredRecord = { ...p.record, shard, shardSeq: seq, prevHash: hash, recordHash: '' };
      row.recordHash = recordHash(row);
      hash = row.recordHash;
      records.push(row);
      const outboxIds = p.entry.outbox.map((o) => ({ id: randomUUID(), target: o.target }));
      outboxIds.forEach((o, i) => {
        const spec = p.entry.outbox[i]!;
        outbox.push({ id: o.id, recordId: row.id, kind: spec.kind, target: o.target, nowMs: now, nextAttemptAtMs: now + (spec.claimMs ?? 0) });
      });
      if (n && seenBody === undefined) {
        nonces.push({ key: n.key, bodyHash: n.bodyHash, expiresAtMs: n.expiresAtMs });
        seenNonces.set(n.key, n.bodyHash);
      }
      const result: AppendResult = { recordId: row.id, eventId: p.eventId, duplicate: false, outboxIds };
      inBatch.set(p.record.dedupeBidx, result);
      results.push(result);
    }
    if (records.length > 0) {
      // The search column "everything with customer X": the subject's binding as of this transaction.
      const subjects = [...new Set(records.flatMap((r) => (r.subjectBidx === null ? [] : [r.subjectBidx])))];
      await tx.insertRecords(records, subjects.length > 0 ? await tx.findCustomers(subjects) : undefined);
      if (outbox.length > 0) await tx.insertOutbox(outbox);
      if (nonces.length > 0) await tx.insertNonces(nonces);
      for (const [i, p] of batch.entries()) {
        const result = results[i];
        if (p.entry.effects && result && !(result instanceof Error) && !result.duplicate) await p.entry.effects(tx, result.recordId);
      }
    }
    // A group's effects run even when every record was a duplicate: a re-run must still move its checkpoint.
    const groupEffects = batch[0]?.group?.effects;
    if (groupEffects) await groupEffects(tx);
    if (records.length > 0) {
      await tx.setChainHead(shard, seq, hash, now);
    }
    return results;
  }
}
