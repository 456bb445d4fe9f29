/** The chained audit log on SQLite and PostgreSQL: appends, concurrency, listing, and verification against tampering. */
import type { DataSource } from 'typeorm';
import { describeEachDatabase } from '../db';
import { AUDIT_EVENT_ENTITY, AUDIT_HEAD_ENTITY, type AuditEventRow } from '../../gateway/db/entities';
import { ConnectionGate } from '../../gateway/db/connection-gate';
import { TypeOrmAuditLog, AUDIT_HEAD_ID } from '../../gateway/audit/typeorm-audit-log';
import { verifyAuditLog } from '../../gateway/audit/verify-audit-log';
import { auditEventDocument, auditEventHash, auditGenesisHash } from '../../gateway/audit/chain';
import { canonicalHash } from '../../connectors/canonical/json';
import type { AuditEventInput } from '../../gateway/audit/audit-log';

const officer = { subject: 'officer-1', via: 'oidc' as const };
const event = (n: number, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  type: 'admin.approval.approve',
  actor: officer,
  target: `msg-${n}`,
  contentHash: 'a'.repeat(64),
  outcome: 'success',
  details: { n, status: 'approved' },
  ...over,
});

async function rows(ds: DataSource): Promise<AuditEventRow[]> {
  return ds.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY).find({ order: { seq: 'ASC' } });
}
const update = (ds: DataSource, seq: number, set: Partial<AuditEventRow>) => ds.createQueryBuilder().update(AUDIT_EVENT_ENTITY).set(set).where({ seq }).execute();
const remove = (ds: DataSource, seq: number) => ds.createQueryBuilder().delete().from(AUDIT_EVENT_ENTITY).where({ seq }).execute();
const kinds = async (ds: DataSource) => (await verifyAuditLog(ds, { pageSize: 3 })).findings.map(({ kind, seq }) => ({ kind, seq }));

describeEachDatabase('audit log chain', (db) => {
  let log: TypeOrmAuditLog;
  let gate: ConnectionGate;
  let clock = Date.parse('2031-05-01T08:00:00Z');

  beforeAll(async () => {
    gate = ConnectionGate.for(db.dataSource);
    log = new TypeOrmAuditLog(db.dataSource, { gate, now: () => (clock += 1000) });
    await log.init();
    await log.init(); // idempotent
  });

  it('verifies an empty log as ok at the genesis hash', async () => {
    const report = await verifyAuditLog(db.dataSource);
    expect(report).toMatchObject({ ok: true, events: 0, head: { seq: 0, hash: auditGenesisHash() }, findings: [] });
  });

  it('links each event to its predecessor with a hash over the canonical JSON of its fields', async () => {
    const first = await log.record(event(1));
    const second = await log.record(event(2, { details: { 名: '审批' } }));
    expect(first).toMatchObject({ seq: 1, prevHash: auditGenesisHash() });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    const doc = auditEventDocument({ ...second, actorSubject: 'officer-1', actorVia: 'oidc' });
    expect(second.hash).toBe(canonicalHash(doc));
    expect(doc).toEqual({ v: 1, seq: 2, prevHash: first.hash, id: second.id, at: second.at, type: 'admin.approval.approve', actorSubject: 'officer-1', actorVia: 'oidc', target: 'msg-2', contentHash: 'a'.repeat(64), outcome: 'success', details: { 名: '审批' } });
  });

  it('keeps non-ASCII subjects and details byte-exact through the database', async () => {
    await log.record(event(3, { actor: { subject: 'zhang.wei@银行.cn', via: 'oidc' } }));
    expect((await verifyAuditLog(db.dataSource)).ok).toBe(true);
  });

  it('does not fork the chain under 40 concurrent writers', async () => {
    const writers = await Promise.all(Array.from({ length: 40 }, (_, i) => log.record(event(100 + i))));
    const seqs = writers.map((w) => w.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(40);
    expect(seqs[39]! - seqs[0]!).toBe(39);
    const report = await verifyAuditLog(db.dataSource);
    expect(report).toMatchObject({ ok: true, events: 43 });
  });

  it('does not fork the chain when a second log instance (another replica) writes at the same time', async () => {
    // PostgreSQL: two logs over the pool contend on the head row lock. SQLite: one connection, so one gate (as in the gateway).
    const other = new TypeOrmAuditLog(db.dataSource, { gate: db.kind === 'sqlite' ? gate : ConnectionGate.for(db.dataSource) });
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? log : other).record(event(200 + i))));
    expect((await verifyAuditLog(db.dataSource)).ok).toBe(true);
  });

  it('refuses details that would carry a token or message text, writing nothing', async () => {
    const before = (await rows(db.dataSource)).length;
    await expect(log.record(event(1, { details: { token: 'x' } }))).rejects.toThrow(/may not carry "token"/);
    await expect(log.record(event(1, { details: { nested: [{ text: 'hello' }] } }))).rejects.toThrow(/may not carry "text"/);
    await expect(log.record(event(1, { details: { ratio: 0.5 } }))).rejects.toThrow(/non-integer/);
    await expect(log.record(event(1, { contentHash: 'not-a-hash' }))).rejects.toThrow(/contentHash/);
    expect((await rows(db.dataSource)).length).toBe(before);
  });

  it('lists newest first with filters and keyset cursors', async () => {
    await log.record(event(300, { type: 'admin.auth.failed', actor: { subject: 'anonymous', via: 'anonymous' }, target: null, contentHash: null, outcome: 'failure', details: { authFailure: 'token-expired' } }));
    const page1 = await log.list({ order: 'desc', limit: 2 });
    expect(page1.items.map((e) => e.seq)).toEqual([...page1.items.map((e) => e.seq)].sort((a, b) => b - a));
    const page2 = await log.list({ order: 'desc', limit: 2, cursorSeq: page1.nextCursorSeq! });
    expect(page2.items[0]!.seq).toBe(page1.items[1]!.seq - 1);
    const failed = await log.list({ order: 'asc', limit: 10, type: 'admin.auth.failed' });
    expect(failed).toEqual({ items: [expect.objectContaining({ type: 'admin.auth.failed', outcome: 'failure', details: { authFailure: 'token-expired' } })], nextCursorSeq: null });
    expect((await log.list({ order: 'asc', limit: 100, actor: 'zhang.wei@银行.cn' })).items).toHaveLength(1);
    expect((await log.list({ order: 'asc', limit: 100, target: 'msg-101' })).items).toHaveLength(1);
  });

  describe('verification after tampering', () => {
    let pristine: AuditEventRow[];
    beforeAll(async () => {
      pristine = await rows(db.dataSource);
      expect((await verifyAuditLog(db.dataSource)).ok).toBe(true);
    });
    // Each test restores the rows it touched, so findings are exactly those of one tampering.
    afterEach(async () => {
      await db.dataSource.createQueryBuilder().delete().from(AUDIT_EVENT_ENTITY).execute();
      await db.dataSource.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY).insert(pristine);
      const last = pristine[pristine.length - 1]!;
      await db.dataSource.createQueryBuilder().update(AUDIT_HEAD_ENTITY).set({ seq: last.seq, headHash: last.eventHash }).where({ id: AUDIT_HEAD_ID }).execute();
      expect((await verifyAuditLog(db.dataSource)).ok).toBe(true);
    });

    it('detects an altered event (outcome changed) at that event only', async () => {
      await update(db.dataSource, 5, { outcome: 'failure' });
      expect(await kinds(db.dataSource)).toEqual([{ kind: 'hash-mismatch', seq: 5 }]);
    });

    it('detects altered details, even with the hash recomputed, at the next link', async () => {
      const row = pristine[4]!;
      const forged = { ...row, details: '{"n":999}' };
      const forgedHash = auditEventHash({ seq: row.seq, prevHash: row.prevHash, id: row.id, at: row.occurredAt, type: row.eventType, actorSubject: row.actorSubject, actorVia: row.actorVia, target: row.target, contentHash: row.contentHash, outcome: row.outcome, details: { n: 999 } });
      await update(db.dataSource, 5, { details: forged.details, eventHash: forgedHash });
      expect(await kinds(db.dataSource)).toEqual([{ kind: 'prev-mismatch', seq: 6 }]);
    });

    it('detects a deleted event', async () => {
      await remove(db.dataSource, 7);
      expect(await kinds(db.dataSource)).toEqual([{ kind: 'seq-gap', seq: 7 }, { kind: 'prev-mismatch', seq: 8 }]);
    });

    it('detects two swapped events', async () => {
      const [a, b] = [pristine[9]!, pristine[10]!];
      const fields = (r: AuditEventRow) => ({ id: r.id, occurredAt: r.occurredAt, target: r.target, details: r.details, prevHash: r.prevHash, eventHash: r.eventHash });
      await update(db.dataSource, a.seq, { id: `tmp-${a.id}`.slice(0, 36) });
      await update(db.dataSource, b.seq, fields(a));
      await update(db.dataSource, a.seq, fields(b));
      const found = await kinds(db.dataSource);
      expect(found).toEqual(expect.arrayContaining([{ kind: 'hash-mismatch', seq: a.seq }, { kind: 'hash-mismatch', seq: b.seq }, { kind: 'prev-mismatch', seq: a.seq }]));
    });

    it('detects an event inserted at the end without moving the head', async () => {
      const last = pristine[pristine.length - 1]!;
      const forged: AuditEventRow = { ...last, seq: last.seq + 1, id: '00000000-0000-4000-8000-000000000001', prevHash: last.eventHash, eventHash: '' };
      forged.eventHash = auditEventHash({ seq: forged.seq, prevHash: forged.prevHash, id: forged.id, at: forged.occurredAt, type: forged.eventType, actorSubject: forged.actorSubject, actorVia: forged.actorVia, target: forged.target, contentHash: forged.contentHash, outcome: forged.outcome, details: JSON.parse(forged.details) });
      await db.dataSource.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY).insert(forged);
      expect(await kinds(db.dataSource)).toEqual([{ kind: 'head-mismatch', seq: last.seq }]);
    });

    it('detects the newest event deleted without moving the head', async () => {
      await remove(db.dataSource, pristine[pristine.length - 1]!.seq);
      expect(await kinds(db.dataSource)).toEqual([{ kind: 'seq-gap', seq: pristine.length }]);
    });

    it('reports details that are no longer JSON as altered, without throwing', async () => {
      await update(db.dataSource, 3, { details: '{not json' });
      expect(await kinds(db.dataSource)).toEqual([{ kind: 'hash-mismatch', seq: 3 }]);
    });
  });
});
