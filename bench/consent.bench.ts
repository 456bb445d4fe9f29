/**
 * Consent and binding on the policy hot path, and "everything with customer
 * X", on PostgreSQL (issue 5's benchmark):
 *
 * - Policy decisions/s through the gateway's policy gate (consent and binding
 *   views looked up per recipient, then evaluate) for a mix of single-recipient
 *   templates (binding + processing restriction) and 2-recipient mass sends
 *   (marketing + processing) over 20,000 people with ledger entries and
 *   bindings: cached (every person's answer in memory after a warm-up) and
 *   uncached (cacheTtlMs 0: every lookup reads the ledger and the bindings),
 *   beside pure evaluate() of the same messages with views precomputed
 *   (the baseline), all in the same run. Concurrency: 64 decisions in flight.
 * - Blind-index lookup of all archive records of one customer
 *   (bindings.recordIdsOf: pii_binding by customer index, archive_record by
 *   customer index) on an archive of 1,000,000 records over 10,000
 *   customers (~100 records each): p50/p95/p99 over 1,000 random
 *   customers. Target p95 < 50 ms.
 *
 *   tsx bench/run.ts --only consent [--consent-records 1000000] [--consent-seconds 5]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Client } from 'pg';
import type { OutboundMessage } from '../connectors/canonical/outbound-message';
import { MemoryKeyStore } from '../gateway/archive/crypto/memory-key-store';
import { ArchiveWriter } from '../gateway/archive/writer';
import { TypeOrmArchiveStore } from '../gateway/archive/typeorm-store';
import { ConnectionGate } from '../gateway/db/connection-gate';
import { createDataSource } from '../gateway/db/data-source';
import { PII_BINDING_ENTITY, CONSENT_ENTRY_ENTITY } from '../gateway/db/entities';
import { consentConfigSchema } from '../gateway/consent/config';
import { createConsent, type Consent } from '../gateway/consent/create-consent';
import { bindingView, consentView } from '../gateway/consent/policy-views';
import { createPolicyGate } from '../gateway/outbound/policy-gate';
import { parsePolicy } from '../policies/load-policy';
import { preparePolicy } from '../policies/prepare';
import { contextNeeds } from '../policies/prepare';
import { evaluate } from '../policies/evaluate';
import type { PolicyContext } from '../policies/context';
import { freshDatabase } from './fresh-database';

export interface ConsentBenchResult {
  people: number;
  decisions: { mode: string; decisions: number; seconds: number; decisionsPerSecond: number; p50Ms: number; p99Ms: number }[];
  customerLookup: { records: number; customers: number; lookups: number; recordsPerCustomer: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; loadSeconds: number };
}

const POLICY = `
format: 1
name: consent-bench
consent:
  - { id: marketing-consent, kinds: [oa.mass], purposes: [marketing], onMissing: deny, onWithdrawn: deny, onStale: deny, onUnknown: hold }
  - { id: processing-restriction, kinds: ['*'], purposes: [processing], onMissing: ignore, onWithdrawn: deny, onStale: ignore, onUnknown: ignore }
binding:
  - { id: bound-customers, kinds: [oa.template], onAbsent: deny, onUnknown: allow }
lexicons:
  - id: guarantees
    kinds: ['*']
    terms:
      - { id: g1, text: 保本保息, category: guarantee, action: deny }
      - { id: g2, text: 稳赚不赔, category: guarantee, action: deny }
      - { id: g3, text: guaranteed return, category: guarantee, action: hold }
`;

const PEOPLE = 20_000;
const silent = pino({ level: 'silent' });

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const openid = (i: number) => `oBench${String(i).padStart(22, '0')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function messages(count: number): OutboundMessage[] {
  const random = rng(7);
  return Array.from({ length: count }, (_, i) => {
    const a = Math.floor(random() * PEOPLE);
    const b = Math.floor(random() * PEOPLE);
    const mass = i % 2 === 0;
    const text = mass ? '本周理财讲座，欢迎报名参加。' : '您的账户于今日发生一笔交易，请留意。';
    return {
      id: String(i), kind: mass ? 'oa.mass' : 'oa.template', product: 'oa', accountId: 'bench-oa', appId: 'crm', msgtype: mass ? 'text' : 'template',
      recipients: mass ? [{ type: 'openid', id: openid(a) }, { type: 'openid', id: openid(b) }] : [{ type: 'openid', id: openid(a) }],
      texts: [{ path: '/text/content', text }], body: {}, contentHash: `h${i % 50}`, submittedAt: 1_800_000_000_000,
    } as unknown as OutboundMessage;
  });
}

/** Seed the ledger and the bindings: most people consented to marketing and are bound; some withdrew, some never answered. */
async function seed(consent: Consent, dataSource: import('typeorm').DataSource): Promise<void> {
  const random = rng(3);
  const entries: Record<string, unknown>[] = [];
  const bindings: Record<string, unknown>[] = [];
  let n = 0;
  for (let i = 0; i < PEOPLE; i++) {
    const personBidx = consent.index({ id: openid(i) });
    const r = random();
    const base = { personKind: 'openid', accountId: 'bench-oa', noticeVersion: null, language: null, channel: 'import', source: 'import', evidenceRecordId: '00000000-0000-0000-0000-000000000000', recordedAt: 1_800_000_000_000, actor: 'bench' };
    if (r < 0.8) entries.push({ ...base, id: `c-${n++}`, personBidx, purpose: 'marketing', action: 'grant', occurredAt: 1_700_000_000_000 });
    if (r >= 0.7 && r < 0.8) entries.push({ ...base, id: `c-${n++}`, personBidx, purpose: 'marketing', action: 'withdraw', occurredAt: 1_700_000_100_000 });
    if (r < 0.01) entries.push({ ...base, id: `c-${n++}`, personBidx, purpose: 'processing', action: 'withdraw', occurredAt: 1_700_000_200_000 });
    if (r < 0.9) bindings.push({ id: `b-${i}`, personBidx, personKind: 'openid', accountId: 'bench-oa', action: 'bind', customerBidx: consent.customerIndex(`CIF-${i}`), keyId: null, wrappedKey: null, iv: null, ciphertext: null, source: 'import', evidenceRecordId: '00000000-0000-0000-0000-000000000000', occurredAt: 1_700_000_000_000, recordedAt: 1_800_000_000_000, actor: 'bench' });
  }
  for (let i = 0; i < entries.length; i += 1000) await dataSource.getRepository(CONSENT_ENTRY_ENTITY).insert(entries.slice(i, i + 1000));
  for (let i = 0; i < bindings.length; i += 1000) await dataSource.getRepository(PII_BINDING_ENTITY).insert(bindings.slice(i, i + 1000));
}

async function runDecisions(decide: (m: OutboundMessage) => Promise<unknown> | unknown, list: OutboundMessage[], seconds: number, concurrency: number): Promise<{ decisions: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  let decisions = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const m = list[next++ % list.length]!;
      const t0 = process.hrtime.bigint();
      await decide(m);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      decisions++;
    }
  }));
  return { decisions, seconds: Number(process.hrtime.bigint() - started) / 1e9, latencies };
}

function row(mode: string, r: { decisions: number; seconds: number; latencies: number[] }): ConsentBenchResult['decisions'][number] {
  const sorted = r.latencies.sort((a, b) => a - b);
  return { mode, decisions: r.decisions, seconds: Number(r.seconds.toFixed(2)), decisionsPerSecond: Math.round(r.decisions / r.seconds), p50Ms: Number(percentile(sorted, 50).toFixed(3)), p99Ms: Number(percentile(sorted, 99).toFixed(3)) };
}

export async function benchConsent(options: { records: number; seconds: number }): Promise<ConsentBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cgw-bench-consent-'));
  const db = await freshDatabase('postgres', dir);
  const dataSource = await createDataSource(db.config).initialize();
  try {
    const keyStore = new MemoryKeyStore();
    const gate = ConnectionGate.for(dataSource);
    const writer = new ArchiveWriter({ store: new TypeOrmArchiveStore(dataSource, gate), keyStore, shards: 8, maxBatch: 256, now: Date.now });
    await writer.init();
    const make = (cacheTtlMs: number) => createConsent({ config: consentConfigSchema.parse({ cacheTtlMs }), dataSource, gate, archive: writer, keyStore, now: Date.now, logger: silent });
    const cached = make(3_600_000);
    const uncached = make(0);
    await seed(cached, dataSource);
    const prepared = preparePolicy(parsePolicy(POLICY).policy);
    const gateFor = (c: Consent) => createPolicyGate({
      prepared, contacts: undefined as never, messages: undefined as never, subjectIndex: (id) => c.index({ id }), ownerGroup: () => undefined, now: Date.now,
      consent: (m, purposes) => consentView(c.ledger, c.index, m, purposes),
      binding: (m) => bindingView(c.bindings, c.index, m),
    });
    const list = messages(20_000);

    // Baseline: evaluate() alone, views computed beforehand (what the engine costs without lookups).
    const contexts: PolicyContext[] = [];
    for (const m of list.slice(0, 2000)) {
      const needs = contextNeeds(prepared, m);
      contexts.push({
        message: m, now: 1_800_000_000_000,
        consent: await consentView(cached.ledger, cached.index, m, needs.consentPurposes),
        binding: needs.binding ? await bindingView(cached.bindings, cached.index, m) : { recipients: {} },
        window: undefined, usage: { appSentToday: 0, appSentThisMinute: 0, sameContentRetailRecipients: 0 }, requester: { appId: 'crm' },
      });
    }
    let i = 0;
    const pure = await runDecisions(() => evaluate(prepared, contexts[i++ % contexts.length]!), list, options.seconds, 1);
    // Warm the cache with every person, then measure.
    const cachedGate = gateFor(cached);
    for (const m of list) await cachedGate.decide(m);
    const hot = await runDecisions((m) => cachedGate.decide(m), list, options.seconds, 64);
    const uncachedGate = gateFor(uncached);
    const cold = await runDecisions((m) => uncachedGate.decide(m), list, options.seconds, 64);
    const decisions = [row('evaluate only (views precomputed)', pure), row('gate, cached lookups', hot), row('gate, uncached (every lookup reads PostgreSQL)', cold)];

    const customerLookup = await benchCustomerLookup(db.config.type === 'postgres' ? db.config.url : '', cached, options.records);
    return { people: PEOPLE, decisions, customerLookup };
  } finally {
    await dataSource.destroy();
    await db.drop();
  }
}

/** 1M archive rows generated in the database (random ciphertext of a realistic size), ~100 per customer, then lookups. */
async function benchCustomerLookup(url: string, consent: Consent, records: number): Promise<ConsentBenchResult['customerLookup']> {
  const customers = 10_000;
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    // The customer blind indexes and each customer's person index, computed with the real keys.
    await client.query('CREATE TEMP TABLE bench_customer (n int PRIMARY KEY, customer_bidx varchar(64), person_bidx varchar(64))');
    for (let i = 0; i < customers; i += 1000) {
      const values: string[] = [];
      const params: unknown[] = [];
      for (let n = i; n < Math.min(customers, i + 1000); n++) {
        params.push(n, consent.customerIndex(`CUST-${n}`), consent.index({ id: `oCustomer${String(n).padStart(19, '0')}` }));
        values.push(`($${params.length - 2}, $${params.length - 1}, $${params.length})`);
      }
      await client.query(`INSERT INTO bench_customer VALUES ${values.join(',')}`, params);
    }
    await client.query(`
      INSERT INTO pii_binding (id, person_bidx, person_kind, account_id, action, customer_bidx, source, evidence_record_id, occurred_at, recorded_at)
      SELECT 'bb-' || n, person_bidx, 'openid', 'bench-oa', 'bind', customer_bidx, 'import', '00000000-0000-0000-0000-000000000000', 1, 1 FROM bench_customer`);
    // Archive rows: shard 0..7, random hashes; every row about one customer's person, customer column filled (as written after binding).
    await client.query(`
      INSERT INTO archive_record (id, shard, shard_seq, record_type, account_bidx, subject_bidx, customer_bidx, time_bucket_bidx, dedupe_bidx, key_id, wrapped_key, iv, ciphertext, prev_hash, record_hash)
      SELECT md5('id' || g), g % 8, 1000000 + g / 8, 'oa.inbound', md5('acct') || md5('acct'), c.person_bidx, c.customer_bidx, md5('day' || (g / 5000)) || md5('d'),
             md5('dd' || g) || md5('de' || g), 'kek-1', decode(md5('k' || g) || md5('w' || g), 'hex'), decode(substr(md5('iv' || g), 1, 24), 'hex'),
             decode(repeat(md5('c' || g), 12), 'hex'), md5('p' || g) || md5('q' || g), md5('r' || g) || md5('s' || g)
      FROM generate_series(1, $1::int) AS g JOIN bench_customer c ON c.n = g % ${customers}`, [records]);
    // What autovacuum does to a table after a bulk load: statistics, and the visibility map index-only scans need.
    await client.query('VACUUM ANALYZE archive_record');
    await client.query('VACUUM ANALYZE pii_binding');
  } finally {
    await client.end();
  }
  const loadSeconds = (Date.now() - started) / 1000;
  const random = rng(11);
  const timings: number[] = [];
  let total = 0;
  for (let i = 0; i < 1000; i++) {
    const n = Math.floor(random() * customers);
    const t0 = process.hrtime.bigint();
    const ids = await consent.bindings.recordIdsOf(`CUST-${n}`);
    timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
    total += ids.length;
  }
  const sorted = timings.sort((a, b) => a - b);
  return {
    records, customers, lookups: 1000, recordsPerCustomer: Math.round(total / 1000),
    p50Ms: Number(percentile(sorted, 50).toFixed(2)), p95Ms: Number(percentile(sorted, 95).toFixed(2)), p99Ms: Number(percentile(sorted, 99).toFixed(2)), maxMs: Number(sorted.at(-1)!.toFixed(2)), loadSeconds,
  };
}
