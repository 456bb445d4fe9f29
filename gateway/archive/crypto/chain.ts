/**
 * The archive hash chain (invariant 6). Records are spread over a few shards
 * so writers do not serialise on one row; within a shard each record carries
 * `shardSeq` (1, 2, 3, …) and the hash of its predecessor (`prevHash`; the
 * genesis hash before seq 1), and its own hash:
 *
 *   recordHash = canonicalHash({v:1, shard, shardSeq, prevHash, id, recordType,
 *                 accountBidx, subjectBidx, timeBucketBidx, dedupeBidx, keyId,
 *                 wrappedKey, iv, ciphertext})      binary fields as standard base64
 *
 * The chain alone shows alteration, deletion and insertion in the middle of
 * a shard; someone who rewrites a record and recomputes every later hash is
 * caught only by a signed checkpoint's head (`finish(expectedHead)`), and so
 * is deletion of the newest records.
 */
import { createHash } from 'node:crypto';
import { canonicalHash, canonicalInteger, canonicalString } from '../../../connectors/canonical/json';

/** The fields of a record the chain hash covers. */
export interface ChainRecordInput {
  shard: number;
  shardSeq: number;
  prevHash: string;
  id: string;
  recordType: string;
  accountBidx: string;
  subjectBidx: string | null;
  timeBucketBidx: string;
  dedupeBidx: string;
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
}

/** A record as stored: the covered fields plus the hash written with it (the archive row's record_hash). */
export interface ChainRecord extends ChainRecordInput {
  recordHash: string;
}

/** A point in a shard's chain: seq 0 with the genesis hash is the empty chain. */
export interface ChainPosition {
  seq: number;
  hash: string;
}

/**
 * The object a record's hash is defined over (the specification; independent verifiers
 * rebuild this). Binary fields as standard padded base64; every field is required.
 */
export function recordDocument(input: ChainRecordInput): Record<string, unknown> {
  // Listed field by field (not spread) so an extra property on the row can never slip into the hash.
  return {
    v: 1,
    shard: input.shard,
    shardSeq: input.shardSeq,
    prevHash: input.prevHash,
    id: input.id,
    recordType: input.recordType,
    accountBidx: input.accountBidx,
    subjectBidx: input.subjectBidx,
    timeBucketBidx: input.timeBucketBidx,
    dedupeBidx: input.dedupeBidx,
    keyId: input.keyId,
    wrappedKey: base64('wrappedKey', input.wrappedKey),
    iv: base64('iv', input.iv),
    ciphertext: base64('ciphertext', input.ciphertext),
  };
}

/**
 * Hex sha256 of the canonical JSON of `recordDocument(input)`. Written out by hand in sorted key
 * order because it runs over every record in `archive verify` (about twice as fast as the generic
 * serialiser, which rescans the base64 ciphertext for escapes); chain.test.ts pins it to
 * canonicalHash(recordDocument(input)) for arbitrary inputs.
 * @throws CanonicalJsonError or TypeError when a field is not of its declared type (e.g. a non-integer seq, a string for a Buffer)
 */
export function recordHash(input: ChainRecordInput): string {
  const json =
    '{"accountBidx":' + canonicalString(input.accountBidx, '$.accountBidx') +
    ',"ciphertext":"' + base64('ciphertext', input.ciphertext) + // base64 never needs escaping
    '","dedupeBidx":' + canonicalString(input.dedupeBidx, '$.dedupeBidx') +
    ',"id":' + canonicalString(input.id, '$.id') +
    ',"iv":"' + base64('iv', input.iv) +
    '","keyId":' + canonicalString(input.keyId, '$.keyId') +
    ',"prevHash":' + canonicalString(input.prevHash, '$.prevHash') +
    ',"recordType":' + canonicalString(input.recordType, '$.recordType') +
    ',"shard":' + canonicalInteger(input.shard, '$.shard') +
    ',"shardSeq":' + canonicalInteger(input.shardSeq, '$.shardSeq') +
    ',"subjectBidx":' + (input.subjectBidx === null ? 'null' : canonicalString(input.subjectBidx, '$.subjectBidx')) +
    ',"timeBucketBidx":' + canonicalString(input.timeBucketBidx, '$.timeBucketBidx') +
    ',"v":1,"wrappedKey":"' + base64('wrappedKey', input.wrappedKey) +
    '"}';
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/** The `prevHash` of a shard's first record. */
export function genesisHash(shard: number): string {
  return canonicalHash({ chain: 'cgw-archive', shard, v: 1 });
}

/** Where a shard's chain starts: before seq 1, at the genesis hash. */
export function genesisPosition(shard: number): ChainPosition {
  return { seq: 0, hash: genesisHash(shard) };
}

export type ChainFindingKind =
  | 'hash-mismatch' // the stored hash is not the hash of the stored fields: the record was altered
  | 'prev-mismatch' // prevHash is not the previous record's hash: reordered, inserted or deleted around here
  | 'seq-gap' // seqs missing before this record (or before the expected head): deleted
  | 'seq-duplicate' // the same seq again: inserted
  | 'seq-out-of-order' // a lower seq after a higher one: the input was not in seq order, or rows were moved
  | 'shard-mismatch' // the record claims another shard
  | 'head-mismatch'; // the chain does not end at the checkpointed head: rewritten, or records beyond it were pushed

/** One problem found in a shard's chain. Hashes and ids only; never record content. */
export interface ChainFinding {
  kind: ChainFindingKind;
  shard: number;
  /** The seq of the record where it was seen (for seq-gap: the first missing seq; for head-mismatch: the head's seq). */
  seq: number;
  /** The record's id, or null when the finding is about records that are absent. */
  recordId: string | null;
  detail: string;
}

/**
 * Verifies one shard's chain as records stream past, in shardSeq order, keeping only the
 * previous record's seq and hash. Findings are localised: an altered record yields
 * hash-mismatch at that record only, because links are checked against stored hashes.
 */
export class ChainVerifier {
  private readonly found: ChainFinding[] = [];
  private lastSeq: number;
  private lastHash: string;
  private highestSeq: number;
  private pushed = 0;

  /** `start` is the position before the first record pushed: the genesis (default) or a checkpointed head. */
  constructor(readonly shard: number, start: ChainPosition = genesisPosition(shard)) {
    this.lastSeq = start.seq;
    this.lastHash = start.hash;
    this.highestSeq = start.seq;
  }

  /** The last record seen (or the start): what the next record must link to. */
  get head(): ChainPosition {
    return { seq: this.lastSeq, hash: this.lastHash };
  }

  /** How many records were pushed (for progress). */
  get count(): number {
    return this.pushed;
  }

  /** Check one record against its predecessor and its own hash. */
  push(record: ChainRecord): void {
    this.pushed++;
    const { shardSeq: seq, id } = record;
    if (record.shard !== this.shard) this.report('shard-mismatch', seq, id, `record claims shard ${record.shard}`);

    let computed: string | null;
    try {
      computed = recordHash(record);
    } catch (err) {
      computed = null;
      this.report('hash-mismatch', seq, id, `record cannot be hashed: ${(err as Error).message}`);
    }
    if (computed !== null && computed !== record.recordHash) this.report('hash-mismatch', seq, id, `stored hash ${record.recordHash}, fields hash to ${computed}`);

    if (seq === this.highestSeq + 1) {
      // the expected next record
    } else if (seq > this.highestSeq + 1) {
      this.report('seq-gap', this.highestSeq + 1, id, `seqs ${this.highestSeq + 1}..${seq - 1} are missing before ${seq}`);
    } else if (seq === this.highestSeq) {
      this.report('seq-duplicate', seq, id, `seq ${seq} appears again`);
    } else {
      this.report('seq-out-of-order', seq, id, `seq ${seq} after seq ${this.highestSeq}`);
    }

    if (record.prevHash !== this.lastHash) {
      this.report('prev-mismatch', seq, id, `prevHash ${record.prevHash}, previous record (seq ${this.lastSeq}) has hash ${this.lastHash}`);
    }

    // Link the next record to the stored hash, so one altered record is one finding, not a cascade.
    this.lastSeq = seq;
    this.lastHash = record.recordHash;
    if (seq > this.highestSeq) this.highestSeq = seq;
  }

  /**
   * All findings so far, plus, when `expectedHead` (a checkpoint's head for this shard) is given,
   * whether the chain ends exactly there. Push only records up to the head's seq; verify the
   * unsealed tail with another verifier started at the head.
   */
  finish(expectedHead?: ChainPosition): ChainFinding[] {
    const found = [...this.found]; // the head check is not recorded, so finish can be asked again
    const head = (seq: number, detail: string, kind: ChainFindingKind = 'head-mismatch') => found.push({ kind, shard: this.shard, seq, recordId: null, detail });
    if (expectedHead) {
      if (this.highestSeq < expectedHead.seq) {
        head(this.highestSeq + 1, `seqs ${this.highestSeq + 1}..${expectedHead.seq} are missing before the checkpointed head`, 'seq-gap');
      } else if (this.highestSeq > expectedHead.seq) {
        head(expectedHead.seq, `records beyond the checkpointed head seq ${expectedHead.seq} were pushed (up to ${this.highestSeq})`);
      } else if (this.lastHash !== expectedHead.hash) {
        head(expectedHead.seq, `chain ends at hash ${this.lastHash}, checkpoint says ${expectedHead.hash}`);
      }
    }
    return found;
  }

  private report(kind: ChainFindingKind, seq: number, recordId: string | null, detail: string): void {
    this.found.push({ kind, shard: this.shard, seq, recordId, detail });
  }
}

/** Verify a whole segment of one shard at once (records in shardSeq order); see ChainVerifier. */
export function verifyChainSegment(shard: number, records: Iterable<ChainRecord>, start: ChainPosition = genesisPosition(shard), expectedHead?: ChainPosition): ChainFinding[] {
  const verifier = new ChainVerifier(shard, start);
  for (const record of records) verifier.push(record);
  return verifier.finish(expectedHead);
}

/** Standard base64 with padding. Rejects non-binary input: a string's toString would ignore 'base64' and hash the wrong text. */
function base64(field: string, bytes: Uint8Array): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('base64');
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  throw new TypeError(`${field} is not binary`);
}
