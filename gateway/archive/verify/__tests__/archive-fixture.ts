/**
 * Test support: a real archive built the way the gateway builds it — ArchiveWriter
 * over TypeOrmArchiveStore with group commit, four shards, duplicates, and signed
 * checkpoints from the Checkpointer between phases — so verification and the CLI
 * are tested against what production writes, not against hand-made rows.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { PemPair } from '../../../../certs/pki';
import { Checkpointer } from '../../checkpointer';
import type { SignedCheckpoint } from '../../crypto/checkpoint';
import { MemoryKeyStore } from '../../crypto/memory-key-store';
import type { ArchiveRecordType } from '../../record-types';
import { TypeOrmArchiveStore } from '../../typeorm-store';
import { TypeOrmCheckpointStore } from '../../typeorm-checkpoint-store';
import type { ArchiveEntry } from '../../types';
import { ArchiveWriter } from '../../writer';

export const FIXTURE_SHARDS = 4;

export interface ArchiveFixtureOptions {
  /** Appends per phase; a checkpoint is written after each phase. */
  phases?: number[];
  /** Appends after the last checkpoint: the unsealed tail. */
  tail?: number;
}

export interface ArchiveFixture {
  keyStore: MemoryKeyStore;
  /** Distinct records written (appends less duplicates). */
  records: number;
  /** Appends answered as duplicates of an earlier record. */
  duplicates: number;
  checkpoints: SignedCheckpoint[];
  /** Write one more checkpoint now (seals the tail). */
  checkpoint(): Promise<SignedCheckpoint | null>;
}

const TYPES: ArchiveRecordType[] = ['oa.inbound', 'oa.reply', 'oa.inbound', 'oa.reply.late'];
const ACCOUNTS = ['retail-oa', 'wealth-oa', 'broker-oa'];

/** The n-th entry; every tenth repeats the dedupe key of an earlier one (a Tencent retry). */
export function fixtureEntry(n: number): ArchiveEntry {
  const retry = n % 10 === 9;
  return {
    recordType: TYPES[n % TYPES.length]!,
    accountId: ACCOUNTS[n % ACCOUNTS.length]!,
    subject: n % 9 === 4 ? null : `oUser${n % 11}`,
    occurredAtMs: 1_795_000_000_000 + n * 37_000,
    dedupeKey: retry ? `msg-${n - 5}` : `msg-${n}`,
    payload: { n, text: `消息 ${n}`.repeat(1 + (n % 5)) },
    outbox: n % 3 === 0 ? [{ kind: 'forward', target: 'crm' }] : [],
  };
}

/** Build an archive in `dataSource` (a migrated, empty database), checkpoints signed by `signer`. */
export async function buildArchive(dataSource: DataSource, signer: PemPair, options: ArchiveFixtureOptions = {}): Promise<ArchiveFixture> {
  const phases = options.phases ?? [120, 120, 60];
  const tail = options.tail ?? 40;
  const keyStore = new MemoryKeyStore();
  // A small maxBatch so appends spread over every shard in several batches each.
  const writer = new ArchiveWriter({ store: new TypeOrmArchiveStore(dataSource), keyStore, shards: FIXTURE_SHARDS, maxBatch: 8, now: Date.now });
  await writer.init();
  const checkpointer = new Checkpointer({
    store: new TypeOrmCheckpointStore(dataSource),
    signerKeyPem: signer.keyPem,
    signerCertPem: signer.certPem,
    intervalMs: 60_000,
    now: Date.now,
    logger: pino({ level: 'silent' }),
  });
  const checkpoints: SignedCheckpoint[] = [];
  let n = 0;
  let records = 0;
  let duplicates = 0;
  const append = async (count: number) => {
    for (let done = 0; done < count; ) {
      const wave = Math.min(20, count - done); // concurrent appends: group commit forms batches
      const results = await Promise.all(Array.from({ length: wave }, () => writer.append(fixtureEntry(n++))));
      results.forEach((r) => (r.duplicate ? duplicates++ : records++));
      done += wave;
    }
  };
  const checkpoint = async () => {
    const cp = await checkpointer.checkpoint();
    if (cp) checkpoints.push(cp);
    return cp;
  };
  for (const size of phases) {
    await append(size);
    await checkpoint();
  }
  await append(tail);
  await writer.close();
  return { keyStore, records, duplicates, checkpoints, checkpoint };
}
