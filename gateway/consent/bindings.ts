/**
 * PII binding: Tencent ids (openid, unionid, external_userid) bound to the
 * bank's customer id (CIF). Append-only history (bind, unbind, re-bind);
 * the customer id is sealed per row and blind-indexed, and binding fills the
 * archive's customer column for the person's earlier records, so "everything
 * with customer X" stays one indexed query.
 */
import { randomUUID } from 'node:crypto';
import { In, IsNull, type DataSource } from 'typeorm';
import type { ArchiveWriter } from '../archive/writer';
import type { KeyStore } from '../archive/crypto/key-store';
import { openRecord, sealRecord } from '../archive/crypto/envelope';
import type { ConnectionGate } from '../db/connection-gate';
import { ARCHIVE_RECORD_ENTITY, PII_BINDING_ENTITY, type ArchiveRecordRow, type PiiBindingRow } from '../db/entities';
import { canonicalJson } from '../../connectors/canonical/json';
import { ConsentInputError, checkPerson } from './ledger';
import { selectWhereIn } from '../db/statements';
import { PersonCache } from './person-cache';
import { CUSTOMER_ID, personsChangedSince, type PersonIndex } from './person-index';
import type { BindInput, BindingRecord, Bindings, PersonRef } from './ports';

export interface BindingDeps {
  dataSource: DataSource;
  gate: ConnectionGate;
  archive: ArchiveWriter;
  keyStore: KeyStore;
  index: PersonIndex;
  customerIndex(customerId: string): string;
  now(): number;
  cacheTtlMs: number;
  /** Whether an openid is known to belong to another OA account than `accountId` (binding it here is refused). */
  belongsElsewhere?(person: PersonRef): Promise<boolean>;
}

const SOURCES = new Set(['crm_api', 'bind_page', 'import', 'cli']);

export class BindingConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BindingConflictError';
  }
}

/** The current binding of a person: the customer blind index, or null. */
export interface CurrentBinding {
  customerBidx: string | null;
}

export class TypeOrmBindings implements Bindings {
  readonly cache: PersonCache<CurrentBinding>;

  constructor(private readonly deps: BindingDeps) {
    this.cache = new PersonCache({ ttlMs: deps.cacheTtlMs, maxEntries: 200_000, now: deps.now });
  }

  bind(input: BindInput): Promise<{ evidenceRecordId: string }> {
    if (typeof input.customerId !== 'string' || !CUSTOMER_ID.test(input.customerId)) return Promise.reject(new ConsentInputError('customerId must be 1-64 letters, digits, ".", "_", ":" or "-"'));
    return this.append('bind', input, input.customerId);
  }

  unbind(input: Omit<BindInput, 'customerId'>): Promise<{ evidenceRecordId: string }> {
    return this.append('unbind', input, null);
  }

  async customerOf(person: PersonRef): Promise<string | null> {
    checkPerson(person);
    const rows = await this.rows([this.deps.index(person)]);
    const latest = latestOf(rows);
    return latest?.action === 'bind' ? this.open(latest) : null;
  }

  /** Current binding of a person blind index (through the cache; no decryption). */
  currentByIndex(personBidx: string): Promise<CurrentBinding> {
    return this.cache.get(personBidx, async () => {
      const latest = latestOf(await this.rows([personBidx]));
      return { customerBidx: latest?.action === 'bind' ? latest.customerBidx : null };
    });
  }

  async history(person: PersonRef): Promise<BindingRecord[]> {
    checkPerson(person);
    const rows = (await this.rows([this.deps.index(person)])).sort(order);
    return rows.map((r) => ({
      id: r.id,
      kind: r.personKind as PersonRef['kind'],
      accountId: r.accountId,
      action: r.action as 'bind' | 'unbind',
      customerId: r.action === 'bind' ? this.open(r) : null,
      source: r.source as BindingRecord['source'],
      evidenceRecordId: r.evidenceRecordId,
      occurredAt: r.occurredAt,
      actor: r.actor,
    }));
  }

  /** Person blind indexes ever bound to the customer. */
  async personsOf(customerId: string): Promise<string[]> {
    const customerBidx = this.deps.customerIndex(customerId);
    const rows = await this.deps.gate.run(() => this.deps.dataSource.getRepository<PiiBindingRow>(PII_BINDING_ENTITY).find({ select: { personBidx: true }, where: { customerBidx } }));
    return [...new Set(rows.map((r) => r.personBidx))];
  }

  /**
   * Every archive record about the customer: one indexed query on the
   * customer column, plus records of ids bound to the customer whose column a
   * concurrent write left empty. Ids, oldest first by shard position.
   */
  async recordIdsOf(customerId: string): Promise<string[]> {
    const customerBidx = this.deps.customerIndex(customerId);
    const persons = await this.personsOf(customerId);
    const repo = this.deps.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
    const where = [{ customerBidx }, ...(persons.length > 0 ? [{ subjectBidx: In(persons.slice(0, 1000)), customerBidx: IsNull() }] : [])];
    const rows = await this.deps.gate.run(() => repo.find({ select: { id: true }, where }));
    return rows.map((r) => r.id);
  }

  /** Person blind indexes whose binding changed at or after `since`. */
  changedSince(since: number): Promise<string[]> {
    return personsChangedSince(this.deps.dataSource, this.deps.gate, PII_BINDING_ENTITY, since);
  }

  private async append(action: 'bind' | 'unbind', input: Omit<BindInput, 'customerId'>, customerId: string | null): Promise<{ evidenceRecordId: string }> {
    if (!Array.isArray(input.persons) || input.persons.length === 0 || input.persons.length > 4) throw new ConsentInputError('persons must list 1-4 ids');
    input.persons.forEach(checkPerson);
    if (!SOURCES.has(input.source)) throw new ConsentInputError('unknown binding source');
    if (!Number.isSafeInteger(input.occurredAt) || input.occurredAt <= 0) throw new ConsentInputError('occurredAt must be epoch milliseconds');
    if (this.deps.belongsElsewhere) {
      for (const p of input.persons) if (p.kind === 'openid' && (await this.deps.belongsElsewhere(p))) throw new BindingConflictError('the openid belongs to another Official Account');
    }
    const personBidxs = input.persons.map((p) => this.deps.index(p));
    const customerBidx = customerId === null ? null : this.deps.customerIndex(customerId);
    const recordedAt = this.deps.now();
    const first = input.persons[0]!;
    const result = await this.deps.archive.append({
      recordType: 'binding.evidence',
      accountId: first.accountId,
      subject: first.id,
      occurredAtMs: input.occurredAt,
      dedupeKey: 'recordId' in input.evidence ? canonicalJson(['v1', 'binding', action, input.evidence.recordId, personBidxs]) : canonicalJson(['v1', 'binding', first.accountId, input.evidence.dedupeKey]),
      payload: {
        ...('payload' in input.evidence ? input.evidence.payload : { evidenceRecordId: input.evidence.recordId }),
        action,
        persons: input.persons.map((p) => ({ kind: p.kind, id: p.id, accountId: p.accountId })),
        customerId,
        source: input.source,
        actor: input.actor ?? null,
      },
      outbox: [],
      exclusive: true,
      effects: async (tx, recordId) => {
        const rows = input.persons.map((p, i) => this.row(action, p, personBidxs[i]!, customerId, customerBidx, input, recordId, recordedAt));
        await tx.insert(PII_BINDING_ENTITY, rows as unknown as Record<string, unknown>[]);
        // Earlier records of these ids become findable under the customer (only where no customer is set: history stays as written).
        if (customerBidx) await tx.update(ARCHIVE_RECORD_ENTITY, { subjectBidx: In(personBidxs), customerBidx: IsNull() }, { customerBidx });
      },
    });
    this.cache.invalidate(personBidxs);
    return { evidenceRecordId: result.recordId };
  }

  private row(action: 'bind' | 'unbind', p: PersonRef, personBidx: string, customerId: string | null, customerBidx: string | null, input: Omit<BindInput, 'customerId'>, recordId: string, recordedAt: number): PiiBindingRow {
    const id = randomUUID();
    const sealed = customerId === null ? null : sealRecord(this.deps.keyStore, Buffer.from(customerId, 'utf8'), aad(id));
    return {
      id, personBidx, personKind: p.kind, accountId: p.accountId, action, customerBidx,
      keyId: sealed?.keyId ?? null, wrappedKey: sealed?.wrappedKey ?? null, iv: sealed?.iv ?? null, ciphertext: sealed?.ciphertext ?? null,
      source: input.source, evidenceRecordId: recordId, occurredAt: input.occurredAt, recordedAt, actor: input.actor ?? null,
    };
  }

  private open(r: PiiBindingRow): string | null {
    if (!r.keyId || !r.wrappedKey || !r.iv || !r.ciphertext) return null;
    return openRecord(this.deps.keyStore, { keyId: r.keyId, wrappedKey: r.wrappedKey, iv: r.iv, ciphertext: r.ciphertext }, aad(r.id)).toString('utf8');
  }

  private async rows(personBidxs: string[]): Promise<PiiBindingRow[]> {
    const properties = this.deps.dataSource.getMetadata(PII_BINDING_ENTITY).columns.map((c) => c.propertyName);
    return (await this.deps.gate.run(() => selectWhereIn(this.deps.dataSource.manager, PII_BINDING_ENTITY, properties, 'personBidx', personBidxs))) as unknown as PiiBindingRow[];
  }
}

function aad(rowId: string): Buffer {
  return Buffer.from(canonicalJson(['cgw-binding/v1', rowId]), 'utf8');
}

// Latest by when it happened, then by when it was recorded.
function order(a: PiiBindingRow, b: PiiBindingRow): number {
  return a.occurredAt - b.occurredAt || a.recordedAt - b.recordedAt;
}

function latestOf(rows: PiiBindingRow[]): PiiBindingRow | undefined {
  let latest: PiiBindingRow | undefined;
  for (const r of rows) if (!latest || order(latest, r) <= 0) latest = r;
  return latest;
}
