/**
 * Micro-measure of recordHash throughput (not a test): `archive verify` must
 * hash ≥100k records/s. Run: npx tsx gateway/archive/crypto/chain.bench.ts [records] [ciphertextBytes]
 */
import { randomBytes } from 'node:crypto';
import { ChainVerifier, genesisHash, recordHash, type ChainRecord } from './chain';

const count = Number(process.argv[2] ?? 200_000);
const ciphertextBytes = Number(process.argv[3] ?? 1024);
const shard = 0;

// A pool of distinct records, reused round-robin so the measure is hashing, not allocation of test data.
const pool: ChainRecord[] = [];
let prev = genesisHash(shard);
for (let seq = 1; seq <= 1000; seq++) {
  const input = {
    shard,
    shardSeq: seq,
    prevHash: prev,
    id: `01J${randomBytes(10).toString('hex').toUpperCase()}`,
    recordType: 'message.text',
    accountBidx: randomBytes(32).toString('hex'),
    subjectBidx: randomBytes(32).toString('hex'),
    timeBucketBidx: randomBytes(32).toString('hex'),
    dedupeBidx: randomBytes(32).toString('hex'),
    keyId: 'kek-1-0a0b0c0d',
    wrappedKey: randomBytes(40),
    iv: randomBytes(12),
    ciphertext: randomBytes(ciphertextBytes),
  };
  const record = { ...input, recordHash: recordHash(input) };
  pool.push(record);
  prev = record.recordHash;
}

function measure(label: string, run: () => void): void {
  run(); // warm-up
  const started = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label}: ${Math.round(count / seconds).toLocaleString('en')} records/s (${count} records, ${ciphertextBytes} B ciphertext, ${seconds.toFixed(2)} s)`);
}

let sink = 0;
measure('recordHash', () => {
  for (let i = 0; i < count; i++) sink ^= recordHash(pool[i % pool.length]!).charCodeAt(0);
});
measure('ChainVerifier.push (recordHash + checks)', () => {
  // A fresh verifier per pass over the pool keeps the chain valid (no findings piling up).
  let verifier = new ChainVerifier(shard);
  for (let i = 0; i < count; i++) {
    if (i % pool.length === 0) verifier = new ChainVerifier(shard);
    verifier.push(pool[i % pool.length]!);
  }
  if (verifier.finish().length > 0) throw new Error('the pool should verify cleanly');
});
if (sink === -1) console.log(sink);
