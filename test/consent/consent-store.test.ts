/**
 * The consent ledger, PII bindings and page states on real SQLite and
 * PostgreSQL: evidence archived with the entries, history kept, caches
 * invalidated across replicas, customer ids never in clear, archive records
 * findable by customer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ensureDevPki } from '../../certs/pki';
import { describeEachDatabase } from '../db';
import { MemoryKeyStore } from '../../gateway/archive/crypto/memory-key-store';
import { ArchiveWriter } from '../../gateway/archive/writer';
import { ArchiveReader } from '../../gateway/archive/reader';
import { TypeOrmArchiveStore } from '../../gateway/archive/typeorm-store';
import { ConnectionGate } from '../../gateway/db/connection-gate';
import { ARCHIVE_RECORD_ENTITY, CONSENT_ENTRY_ENTITY, PII_BINDING_ENTITY, type ArchiveRecordRow, type ConsentEntryRow, type PiiBindingRow } from '../../gateway/db/entities';
import { consentConfigSchema } from '../../gateway/consent/config';
import { createConsent, type Consent } from '../../gateway/consent/create-consent';
import { ConsentInputError } from '../../gateway/consent/ledger';
import { BindingConflictError } from '../../gateway/consent/bindings';
import { noticeVersion } from '../../gateway/consent/notices';
import type { PersonRef } from '../../gateway/consent/ports';
import { verifyArchive } from '../../gateway/archive/verify/verify-archive';

const logger = pino({ level: 'silent' });
const OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWx1';
const UNIONID = 'uAbCdEfGhIjKlMnOpQrStUvWxY2';
const person: PersonRef = { kind: 'openid', id: OPENID, accountId: 'retail-oa' };

describeEachDatabase('consent ledger, bindings and page states', (db) => {
  const keyStore = new MemoryKeyStore();
  let clock = 1_800_000_000_000;
  const now = () => clock;
  let writer: ArchiveWriter;
  let consent: Consent;
  let replica: Consent;
  const elsewhere = new Set<string>();

  beforeAll(async () => {
    writer = new ArchiveWriter({ store: new TypeOrmArchiveStore(db.dataSource), keyStore, shards: 2, maxBatch: 64, now });
    await writer.init();
    const config = consentConfigSchema.parse({ cacheTtlMs: 3_600_000 });
    const gate = ConnectionGate.for(db.dataSource);
    const make = () => createConsent({ config, dataSource: db.dataSource, gate, archive: writer, keyStore, now, logger, belongsElsewhere: async (p) => elsewhere.has(p.id) });
    consent = make();
    replica = make();
  });
  afterAll(async () => {
    await writer.close();
  });

  it('appends entries in the transaction that archives their evidence, and derives the state', async () => {
    const version = consent.notices.get('marketing', 'zh-CN')!.version;
    clock += 1000;
    const result = await consent.ledger.record({
      person, channel: 'oa_page', source: 'user', occurredAt: clock,
      changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: version, language: 'zh-CN' }, { purpose: 'cross_border', action: 'withdraw', noticeVersion: consent.notices.get('cross_border', 'zh-CN')!.version, language: 'zh-CN' }],
      evidence: { payload: { form: 'consent', choices: { marketing: 'agree', cross_border: 'disagree' } }, dedupeKey: 'form-1' },
    });
    expect(result.duplicate).toBe(false);
    expect(result.entries).toHaveLength(2);
    const rows = await db.dataSource.getRepository<ConsentEntryRow>(CONSENT_ENTRY_ENTITY).findBy({ evidenceRecordId: result.evidenceRecordId });
    expect(rows.map((r) => `${r.purpose}:${r.action}`).sort()).toEqual(['cross_border:withdraw', 'marketing:grant']);
    // No openid in clear anywhere in the ledger row.
    expect(JSON.stringify(rows)).not.toContain(OPENID);
    // The evidence record opens to the submission.
    const reader = new ArchiveReader((id) => new TypeOrmArchiveStore(db.dataSource).load(id), keyStore);
    const evidence = await reader.open(result.evidenceRecordId);
    expect(evidence.recordType).toBe('consent.evidence');
    expect(evidence.payload).toMatchObject({ choices: { marketing: 'agree' }, channel: 'oa_page', person: { id: OPENID } });

    const state = await consent.ledger.current(person);
    expect(state.purposes.marketing.state).toBe('granted');
    expect(state.purposes.cross_border.state).toBe('withdrawn');
    expect(state.purposes.archiving.state).toBe('missing');
  });

  it('answers a replayed submission (same dedupe key) as a duplicate and records nothing', async () => {
    const before = await db.dataSource.getRepository(CONSENT_ENTRY_ENTITY).count();
    const again = await consent.ledger.record({
      person, channel: 'oa_page', source: 'user', occurredAt: clock,
      changes: [{ purpose: 'marketing', action: 'withdraw', noticeVersion: null, language: null }],
      evidence: { payload: { form: 'consent' }, dedupeKey: 'form-1' },
    });
    expect(again.duplicate).toBe(true);
    expect(await db.dataSource.getRepository(CONSENT_ENTRY_ENTITY).count()).toBe(before);
    expect((await consent.ledger.current(person)).purposes.marketing.state).toBe('granted');
  });

  it('takes a withdrawal into account on the next lookup of this replica, and of another after its poll', async () => {
    // The other replica has the grant cached.
    expect((await replica.ledger.current(person)).purposes.marketing.state).toBe('granted');
    clock += 1000;
    await consent.ledger.record({
      person, channel: 'oa_keyword', source: 'user', occurredAt: clock,
      changes: [{ purpose: 'marketing', action: 'withdraw', noticeVersion: null, language: null }],
      evidence: { payload: { keyword: true }, dedupeKey: 'kw-1' },
    });
    expect((await consent.ledger.current(person)).purposes.marketing.state).toBe('withdrawn');
    expect((await replica.ledger.current(person)).purposes.marketing.state).toBe('granted');
    expect(await replica.pollChanges()).toBeGreaterThan(0);
    expect((await replica.ledger.current(person)).purposes.marketing.state).toBe('withdrawn');
    // History keeps every entry, oldest first.
    const history = await consent.ledger.history(person);
    expect(history.filter((h) => h.purpose === 'marketing').map((h) => h.action)).toEqual(['grant', 'withdraw']);
  });

  it('rejects malformed input with a clear error and records nothing', async () => {
    const before = await db.dataSource.getRepository(CONSENT_ENTRY_ENTITY).count();
    const base = { person, channel: 'oa_page' as const, source: 'user' as const, occurredAt: clock, evidence: { payload: {}, dedupeKey: 'bad' } };
    await expect(consent.ledger.record({ ...base, changes: [] })).rejects.toThrow(ConsentInputError);
    await expect(consent.ledger.record({ ...base, changes: [{ purpose: 'nonsense' as never, action: 'grant', noticeVersion: null, language: null }] })).rejects.toThrow(/unknown purpose/);
    await expect(consent.ledger.record({ ...base, changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: 'abc', language: null }] })).rejects.toThrow(/noticeVersion/);
    await expect(consent.ledger.record({ ...base, person: { ...person, id: "o'; DROP TABLE x" }, changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: null, language: null }] })).rejects.toThrow(/person.id/);
    await expect(consent.ledger.record({ ...base, changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: null, language: null }, { purpose: 'marketing', action: 'withdraw', noticeVersion: null, language: null }] })).rejects.toThrow(/twice/);
    expect(await db.dataSource.getRepository(CONSENT_ENTRY_ENTITY).count()).toBe(before);
  });

  it('reads a grant under an earlier notice text as stale', async () => {
    const other: PersonRef = { kind: 'openid', id: 'oStaleNoticePerson000000001', accountId: 'retail-oa' };
    clock += 1000;
    await consent.ledger.record({ person: other, channel: 'oa_page', source: 'user', occurredAt: clock, changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: noticeVersion('an older marketing text'), language: 'zh-CN' }], evidence: { payload: {}, dedupeKey: 'stale-1' } });
    expect((await consent.ledger.current(other)).purposes.marketing.state).toBe('stale');
  });

  it('binds with the customer id sealed, keeps unbind and re-bind history, and files archive records under the customer', async () => {
    const persons: PersonRef[] = [person, { kind: 'unionid', id: UNIONID, accountId: 'retail-oa' }];
    // A record about the person before any binding: filled in when the binding comes.
    clock += 1000;
    const before = await writer.append({ recordType: 'oa.inbound', accountId: 'retail-oa', subject: OPENID, occurredAtMs: clock, dedupeKey: 'msg-before', payload: { n: 1 }, outbox: [] });
    clock += 1000;
    await consent.bindings.bind({ persons, customerId: 'CIF-0012345', source: 'crm_api', occurredAt: clock, actor: 'crm', evidence: { payload: { kyc: 'branch 12' }, dedupeKey: 'bind-1' } });
    expect(await consent.bindings.customerOf(person)).toBe('CIF-0012345');
    expect(await consent.bindings.customerOf(persons[1]!)).toBe('CIF-0012345');
    const raw = await db.dataSource.getRepository<PiiBindingRow>(PII_BINDING_ENTITY).find();
    expect(raw).toHaveLength(2);
    for (const r of raw) expect(Buffer.from(r.ciphertext!).toString('latin1')).not.toContain('CIF-0012345');
    expect(JSON.stringify(raw.map((r) => ({ ...r, ciphertext: null, wrappedKey: null, iv: null })))).not.toMatch(/CIF-0012345|oAbCdEf/);

    // A record after binding is stamped at write.
    clock += 1000;
    const after = await writer.append({ recordType: 'oa.inbound', accountId: 'retail-oa', subject: OPENID, occurredAtMs: clock, dedupeKey: 'msg-after', payload: { n: 2 }, outbox: [] });
    const customerBidx = consent.customerIndex('CIF-0012345');
    const records = db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
    // Everything about the person: the two messages, the consent evidence recorded earlier, and the binding's own evidence.
    const aboutPerson = (await records.find()).filter((r) => r.subjectBidx === consent.index({ id: OPENID }) || r.subjectBidx === consent.index({ id: UNIONID })).map((r) => r.id).sort();
    expect(aboutPerson).toEqual(expect.arrayContaining([before.recordId, after.recordId]));
    expect(aboutPerson.length).toBeGreaterThanOrEqual(5);
    const stamped = await records.findBy({ customerBidx });
    expect(stamped.map((r) => r.id).sort()).toEqual(aboutPerson);
    expect((await consent.bindings.recordIdsOf('CIF-0012345')).sort()).toEqual(aboutPerson);
    // Nobody else's records.
    expect(await records.countBy({ customerBidx: consent.customerIndex('CIF-0099999') })).toBe(0);

    clock += 1000;
    const unbound = await consent.bindings.unbind({ persons: [person], source: 'crm_api', occurredAt: clock, evidence: { payload: { reason: 'closed account' }, dedupeKey: 'unbind-1' } });
    expect(await consent.bindings.customerOf(person)).toBeNull();
    clock += 1000;
    await consent.bindings.bind({ persons: [person], customerId: 'CIF-0099999', source: 'crm_api', occurredAt: clock, evidence: { payload: {}, dedupeKey: 'bind-2' } });
    expect(await consent.bindings.customerOf(person)).toBe('CIF-0099999');
    const history = await consent.bindings.history(person);
    expect(history.map((h) => `${h.action}:${h.customerId ?? '-'}`)).toEqual(['bind:CIF-0012345', 'unbind:-', 'bind:CIF-0099999']);
    // Records written under the first binding (the unbinding's evidence too) stay the first customer's; the re-binding's evidence is the second's.
    expect((await consent.bindings.recordIdsOf('CIF-0012345')).sort()).toEqual([...aboutPerson, unbound.evidenceRecordId].sort());
    expect(await records.countBy({ customerBidx: consent.customerIndex('CIF-0099999') })).toBe(1);
    // Binding columns are outside the hash chain: the archive still verifies.
    const pki = await ensureDevPki(mkdtempSync(join(tmpdir(), 'cgw-consent-pki-')));
    const report = await verifyArchive(db.dataSource, { trustedCaPem: pki.ca.certPem });
    expect(report.chainFindings).toEqual([]);
  });

  it('refuses to bind an openid that belongs to another account, or a malformed customer id, recording nothing', async () => {
    const before = await db.dataSource.getRepository(PII_BINDING_ENTITY).count();
    elsewhere.add('oOtherAccountPerson0000000001');
    await expect(consent.bindings.bind({ persons: [{ kind: 'openid', id: 'oOtherAccountPerson0000000001', accountId: 'retail-oa' }], customerId: 'CIF-1', source: 'crm_api', occurredAt: clock, evidence: { payload: {}, dedupeKey: 'x-1' } })).rejects.toThrow(BindingConflictError);
    await expect(consent.bindings.bind({ persons: [person], customerId: 'CIF 1; drop', source: 'crm_api', occurredAt: clock, evidence: { payload: {}, dedupeKey: 'x-2' } })).rejects.toThrow(ConsentInputError);
    await expect(consent.bindings.bind({ persons: [], customerId: 'CIF-1', source: 'crm_api', occurredAt: clock, evidence: { payload: {}, dedupeKey: 'x-3' } })).rejects.toThrow(/persons/);
    expect(await db.dataSource.getRepository(PII_BINDING_ENTITY).count()).toBe(before);
  });

  it('consumes a page state exactly once, within its lifetime, for its flow and account', async () => {
    const state = await consent.pageStates.create('bind-login', 'retail-oa', { openid: OPENID });
    expect(state).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(await consent.pageStates.consume(state, 'consent', 'retail-oa')).toBeNull();
    expect(await consent.pageStates.consume(state, 'bind-login', 'other-oa')).toBeNull();
    const both = await Promise.all([consent.pageStates.consume(state, 'bind-login', 'retail-oa'), replica.pageStates.consume(state, 'bind-login', 'retail-oa')]);
    expect(both.filter((d) => d !== null)).toEqual([{ openid: OPENID }]);
    expect(await consent.pageStates.consume(state, 'bind-login', 'retail-oa')).toBeNull();

    const expiring = await consent.pageStates.create('consent', 'retail-oa', {}, 60);
    clock += 61_000;
    expect(await consent.pageStates.consume(expiring, 'consent', 'retail-oa')).toBeNull();
    expect(await consent.pageStates.consume('not-a-state', 'consent', 'retail-oa')).toBeNull();
    expect(await consent.pageStates.consume('A'.repeat(43), 'consent', 'retail-oa')).toBeNull();
  });
});
