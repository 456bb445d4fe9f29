import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { canonicalHash } from '../../../connectors/canonical/json';
import {
  ChainVerifier,
  genesisHash,
  genesisPosition,
  recordDocument,
  recordHash,
  verifyChainSegment,
  type ChainFinding,
  type ChainRecord,
  type ChainRecordInput,
} from './chain';

const SHARD = 2;

function fields(shard: number, seq: number, prevHash: string): ChainRecordInput {
  return {
    shard,
    shardSeq: seq,
    prevHash,
    id: `rec-${shard}-${seq}`,
    recordType: seq % 2 ? 'message.text' : 'event.subscribe',
    accountBidx: randomBytes(32).toString('hex'),
    subjectBidx: seq % 3 ? randomBytes(32).toString('hex') : null,
    timeBucketBidx: randomBytes(32).toString('hex'),
    dedupeBidx: randomBytes(32).toString('hex'),
    keyId: 'kek-1-0a0b0c0d',
    wrappedKey: randomBytes(40),
    iv: randomBytes(12),
    ciphertext: randomBytes(64 + seq),
  };
}

/** A valid chain of `length` records in shard SHARD, seqs 1..length. */
function buildChain(length: number): ChainRecord[] {
  const records: ChainRecord[] = [];
  let prev = genesisHash(SHARD);
  for (let seq = 1; seq <= length; seq++) {
    const input = fields(SHARD, seq, prev);
    const record = { ...input, recordHash: recordHash(input) };
    records.push(record);
    prev = record.recordHash;
  }
  return records;
}

/** What a forger without the checkpoint key can do: fix prevHash and hash of every record from `from` on. */
function relink(records: ChainRecord[], from: number): ChainRecord[] {
  const out = records.slice(0, from);
  let prev = from === 0 ? genesisHash(SHARD) : records[from - 1]!.recordHash;
  for (const record of records.slice(from)) {
    const fixed = { ...record, prevHash: prev };
    fixed.recordHash = recordHash(fixed);
    out.push(fixed);
    prev = fixed.recordHash;
  }
  return out;
}

const headOf = (records: ChainRecord[]) => ({ seq: records.at(-1)!.shardSeq, hash: records.at(-1)!.recordHash });
const summary = (findings: ChainFinding[]) => findings.map((f) => [f.kind, f.seq, f.recordId]);

describe('recordHash', () => {
  const vector: ChainRecordInput = {
    shard: 2,
    shardSeq: 7,
    prevHash: 'ab'.repeat(32),
    id: 'rec-7',
    recordType: 'message.text',
    accountBidx: '11'.repeat(32),
    subjectBidx: null,
    timeBucketBidx: '22'.repeat(32),
    dedupeBidx: '33'.repeat(32),
    keyId: 'kek-1-0a0b0c0d',
    wrappedKey: Buffer.from(Array.from({ length: 40 }, (_, i) => i)),
    iv: Buffer.from(Array.from({ length: 12 }, (_, i) => i)),
    ciphertext: Buffer.from(Array.from({ length: 55 }, (_, i) => 200 + i)),
  };

  it('matches the pinned vector (computed independently: python json sort_keys + sha256, binary as standard base64)', () => {
    expect(recordHash(vector)).toBe('889c1cb3e4980323a4f4705587093120014dbedfdf4092e3cd8d876b346d7cdb');
  });

  it('equals canonicalHash(recordDocument(input)) for arbitrary inputs (the hand-written serialiser matches the spec)', () => {
    const text = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('"', '\\', '\n', '\u0000', '\ud800', '\u2028')) });
    const bytes = fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a));
    const input = fc.record({
      shard: fc.maxSafeInteger(),
      shardSeq: fc.maxSafeInteger(),
      prevHash: text,
      id: text,
      recordType: text,
      accountBidx: text,
      subjectBidx: fc.option(text, { nil: null }),
      timeBucketBidx: text,
      dedupeBidx: text,
      keyId: text,
      wrappedKey: bytes,
      iv: bytes,
      ciphertext: bytes,
    });
    fc.assert(fc.property(input, (record) => recordHash(record) === canonicalHash(recordDocument(record))), { numRuns: 500 });
  });

  it.each([
    ['a missing id', { id: undefined }, /\$\.id/],
    ['a missing subjectBidx (null is required, not absent)', { subjectBidx: undefined }, /\$\.subjectBidx/],
    ['a fractional shardSeq', { shardSeq: 1.5 }, /non-integer.*\$\.shardSeq/],
    ['a numeric shard given as a string', { shard: '2' }, /\$\.shard/],
  ])('refuses to hash a record with %s', (_what, change, message) => {
    expect(() => recordHash({ ...vector, ...change } as unknown as ChainRecordInput)).toThrow(message);
  });

  it('ignores properties outside the chained fields (e.g. the stored hash column)', () => {
    expect(recordHash({ ...vector, recordHash: 'x', createdAt: 1 } as ChainRecordInput)).toBe(recordHash(vector));
  });

  const changes: Array<[keyof ChainRecordInput, unknown]> = [
    ['shard', 3],
    ['shardSeq', 8],
    ['prevHash', 'ab'.repeat(31) + 'ac'],
    ['id', 'rec-8'],
    ['recordType', 'message.image'],
    ['accountBidx', '11'.repeat(31) + '12'],
    ['subjectBidx', '44'.repeat(32)],
    ['timeBucketBidx', '22'.repeat(31) + '23'],
    ['dedupeBidx', '33'.repeat(31) + '34'],
    ['keyId', 'kek-2-0a0b0c0d'],
    ['wrappedKey', Buffer.from(Array.from({ length: 40 }, (_, i) => (i === 39 ? 0 : i)))],
    ['iv', Buffer.from(Array.from({ length: 12 }, (_, i) => (i === 0 ? 1 : i)))],
    ['ciphertext', Buffer.from(Array.from({ length: 55 }, (_, i) => (i === 54 ? 0 : 200 + i)))],
  ];
  it.each(changes)('changes when %s changes', (field, value) => {
    expect(recordHash({ ...vector, [field]: value })).not.toBe(recordHash(vector));
  });

  it('pins the genesis hash: canonicalHash({chain:"cgw-archive", shard, v:1})', () => {
    expect(genesisHash(0)).toBe('ed86e715bc2e5fc74449576e6154a3fd76542f57901ba81a24988b6130f64621');
    expect(genesisHash(3)).toBe('97d1b4f4ceb8a6e63362b8895ec2d6295d71f3fb75d6be1dc7d628c2df6d975a');
  });
});

describe('ChainVerifier', () => {
  it('finds nothing in an intact chain ending at the checkpointed head', () => {
    const records = buildChain(20);
    const verifier = new ChainVerifier(SHARD);
    for (const record of records) verifier.push(record);
    expect(verifier.finish(headOf(records))).toEqual([]);
    expect(verifier.count).toBe(20);
    expect(verifier.head).toEqual(headOf(records));
  });

  it('finds nothing in an empty shard checked against its genesis', () => {
    expect(new ChainVerifier(SHARD).finish(genesisPosition(SHARD))).toEqual([]);
  });

  const alterations: Array<[string, (r: ChainRecord) => ChainRecord]> = [
    ['id', (r) => ({ ...r, id: r.id.slice(0, -1) + 'X' })],
    ['recordType', (r) => ({ ...r, recordType: 'message.image' })],
    ['accountBidx', (r) => ({ ...r, accountBidx: flipHex(r.accountBidx) })],
    ['subjectBidx', (r) => ({ ...r, subjectBidx: r.subjectBidx === null ? 'ff'.repeat(32) : null })],
    ['timeBucketBidx', (r) => ({ ...r, timeBucketBidx: flipHex(r.timeBucketBidx) })],
    ['dedupeBidx', (r) => ({ ...r, dedupeBidx: flipHex(r.dedupeBidx) })],
    ['keyId', (r) => ({ ...r, keyId: 'kek-2-0a0b0c0d' })],
    ['wrappedKey', (r) => ({ ...r, wrappedKey: flipByte(r.wrappedKey, 17) })],
    ['iv', (r) => ({ ...r, iv: flipByte(r.iv, 11) })],
    ['ciphertext', (r) => ({ ...r, ciphertext: flipByte(r.ciphertext, 40) })],
  ];
  it.each(alterations)('reports hash-mismatch at exactly the record whose %s was altered', (_field, alter) => {
    const records = buildChain(10);
    records[4] = alter(records[4]!);
    expect(summary(verifyChainSegment(SHARD, records, undefined, headOf(records)))).toEqual([['hash-mismatch', 5, records[4].id]]);
  });

  it('reports an altered prevHash as hash-mismatch and prev-mismatch at that record', () => {
    const records = buildChain(10);
    records[4] = { ...records[4]!, prevHash: flipHex(records[4]!.prevHash) };
    expect(summary(verifyChainSegment(SHARD, records))).toEqual([
      ['hash-mismatch', 5, 'rec-2-5'],
      ['prev-mismatch', 5, 'rec-2-5'],
    ]);
  });

  it('reports an altered stored hash at that record and as a broken link at the next', () => {
    const records = buildChain(10);
    records[4] = { ...records[4]!, recordHash: flipHex(records[4]!.recordHash) };
    expect(summary(verifyChainSegment(SHARD, records))).toEqual([
      ['hash-mismatch', 5, 'rec-2-5'],
      ['prev-mismatch', 6, 'rec-2-6'],
    ]);
  });

  it('reports an altered shardSeq as hash-mismatch plus the seq findings it causes', () => {
    const records = buildChain(10);
    records[4] = { ...records[4]!, shardSeq: 4 };
    const kinds = summary(verifyChainSegment(SHARD, records));
    expect(kinds).toContainEqual(['hash-mismatch', 4, 'rec-2-5']);
    expect(kinds).toContainEqual(['seq-duplicate', 4, 'rec-2-5']);
  });

  it('reports a record moved to another shard', () => {
    const records = buildChain(5);
    records[2] = { ...records[2]!, shard: 7 };
    const kinds = summary(verifyChainSegment(SHARD, records));
    expect(kinds).toContainEqual(['shard-mismatch', 3, 'rec-2-3']);
    expect(kinds).toContainEqual(['hash-mismatch', 3, 'rec-2-3']);
  });

  it('reports a deleted middle record as seq-gap and prev-mismatch at the next record', () => {
    const records = buildChain(10);
    records.splice(4, 1); // seq 5
    expect(summary(verifyChainSegment(SHARD, records, undefined, { seq: 10, hash: records.at(-1)!.recordHash }))).toEqual([
      ['seq-gap', 5, 'rec-2-6'],
      ['prev-mismatch', 6, 'rec-2-6'],
    ]);
  });

  it('reports a deleted last record as seq-gap against the checkpointed head', () => {
    const records = buildChain(10);
    const head = headOf(records);
    records.pop();
    expect(summary(verifyChainSegment(SHARD, records, undefined, head))).toEqual([['seq-gap', 10, null]]);
  });

  it('cannot see a deleted last record without a checkpointed head (why checkpoints exist)', () => {
    const records = buildChain(10);
    records.pop();
    expect(verifyChainSegment(SHARD, records)).toEqual([]);
  });

  it('reports a forged record with a correct-looking hash inserted at an existing seq', () => {
    const records = buildChain(10);
    const forgedInput = { ...fields(SHARD, 6, records[4]!.recordHash), id: 'forged' };
    const forged = { ...forgedInput, recordHash: recordHash(forgedInput) };
    records.splice(5, 0, forged); // before the real seq 6
    expect(summary(verifyChainSegment(SHARD, records, undefined, { seq: 10, hash: records.at(-1)!.recordHash }))).toEqual([
      ['seq-duplicate', 6, 'rec-2-6'],
      ['prev-mismatch', 6, 'rec-2-6'],
    ]);
  });

  it('reports a forged record inserted with every later record renumbered and relinked only against the checkpointed head', () => {
    const original = buildChain(10);
    const head = headOf(original);
    const forgedInput = { ...fields(SHARD, 6, original[4]!.recordHash), id: 'forged' };
    const tampered = [...original.slice(0, 5), { ...forgedInput, recordHash: '' }, ...original.slice(5).map((r) => ({ ...r, shardSeq: r.shardSeq + 1 }))];
    const forged = relink(tampered, 5);
    expect(verifyChainSegment(SHARD, forged)).toEqual([]);
    expect(summary(verifyChainSegment(SHARD, forged, undefined, head))).toEqual([['head-mismatch', 10, null]]);
  });

  it('reports a record rewritten with all later hashes recomputed as head-mismatch', () => {
    const original = buildChain(10);
    const head = headOf(original);
    const tampered = [...original];
    tampered[3] = { ...tampered[3]!, ciphertext: flipByte(tampered[3]!.ciphertext, 0) };
    const relinked = relink(tampered, 3);
    expect(verifyChainSegment(SHARD, relinked)).toEqual([]);
    expect(summary(verifyChainSegment(SHARD, relinked, undefined, head))).toEqual([['head-mismatch', 10, null]]);
  });

  it('reports two swapped records (stream order) as out of order with broken links', () => {
    const records = buildChain(10);
    [records[4], records[5]] = [records[5]!, records[4]!];
    expect(summary(verifyChainSegment(SHARD, records, undefined, { seq: 10, hash: records.at(-1)!.recordHash }))).toEqual([
      ['seq-gap', 5, 'rec-2-6'],
      ['prev-mismatch', 6, 'rec-2-6'],
      ['seq-out-of-order', 5, 'rec-2-5'],
      ['prev-mismatch', 5, 'rec-2-5'],
      ['prev-mismatch', 7, 'rec-2-7'],
    ]);
  });

  it('reports two records whose contents were swapped between seqs as hash-mismatch at both', () => {
    const records = buildChain(10);
    const [a, b] = [records[4]!, records[5]!];
    records[4] = { ...b, shardSeq: 5 };
    records[5] = { ...a, shardSeq: 6 };
    const kinds = summary(verifyChainSegment(SHARD, records));
    expect(kinds).toContainEqual(['hash-mismatch', 5, 'rec-2-6']);
    expect(kinds).toContainEqual(['hash-mismatch', 6, 'rec-2-5']);
    expect(kinds.some(([kind]) => kind === 'prev-mismatch')).toBe(true);
  });

  it('reports a forged record appended after the checkpointed head', () => {
    const records = buildChain(5);
    const head = headOf(records);
    const extraInput = fields(SHARD, 6, head.hash);
    records.push({ ...extraInput, recordHash: recordHash(extraInput) });
    expect(summary(verifyChainSegment(SHARD, records, undefined, head))).toEqual([['head-mismatch', 5, null]]);
  });

  it('verifies a segment starting at a checkpointed head, and flags a wrong start', () => {
    const records = buildChain(10);
    const start = { seq: 4, hash: records[3]!.recordHash };
    expect(verifyChainSegment(SHARD, records.slice(4), start, headOf(records))).toEqual([]);
    expect(summary(verifyChainSegment(SHARD, records.slice(4), { seq: 4, hash: records[2]!.recordHash }))).toEqual([['prev-mismatch', 5, 'rec-2-5']]);
  });

  it.each([
    ['a string for a Buffer', { ciphertext: 'not a buffer' as unknown as Buffer }, /ciphertext is not binary/],
    ['a fractional seq', { shardSeq: 2.5 }, /shardSeq/],
  ])('reports a record with %s as unhashable instead of throwing', (_what, change, detail) => {
    const records = buildChain(3);
    records[1] = { ...records[1]!, ...change };
    const findings = verifyChainSegment(SHARD, records);
    expect(findings[0]).toMatchObject({ kind: 'hash-mismatch', seq: records[1].shardSeq, recordId: 'rec-2-2', detail: expect.stringMatching(/cannot be hashed/) });
    expect(findings[0]!.detail).toMatch(detail);
  });

  it('hashes a Uint8Array view exactly like a Buffer with the same bytes', () => {
    const [record] = buildChain(1);
    const bytes = new Uint8Array(record!.ciphertext.length + 8).fill(7);
    bytes.set(record!.ciphertext, 4);
    expect(recordHash({ ...record!, ciphertext: bytes.subarray(4, 4 + record!.ciphertext.length) as Buffer })).toBe(record!.recordHash);
  });

  it('gives the same findings streaming as all at once', () => {
    const records = buildChain(8);
    records.splice(2, 1);
    records[5] = { ...records[5]!, id: 'changed' };
    const verifier = new ChainVerifier(SHARD);
    for (const record of records) verifier.push(record);
    expect(verifier.finish()).toEqual(verifyChainSegment(SHARD, records));
  });
});

function flipByte(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index]! ^= 0x01;
  return copy;
}

function flipHex(hex: string): string {
  return hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
}
