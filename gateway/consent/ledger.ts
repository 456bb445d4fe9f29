/**
 * The consent ledger over TypeORM: entries are appended in the transaction
 * that archives their evidence (or in the transaction of a record that
 * already is the evidence, through `effectsFor`), never updated; the current
 * state is derived (derive.ts) and cached per person.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ArchiveWriter } from '../archive/writer';
import type { EffectTransaction } from '../archive/types';
import type { ConnectionGate } from '../db/connection-gate';
import { CONSENT_ENTRY_ENTITY, type ConsentEntryRow } from '../db/entities';
import { canonicalJson } from '../../connectors/canonical/json';
import { CONSENT_LANGUAGES } from './config';
import { deriveConsent, LEDGER_PURPOSES } from './derive';
import { selectWhereIn } from '../db/statements';
import { PersonCache } from './person-cache';
import { PERSON_ID, personsChangedSince, type PersonIndex } from './person-index';
import type { ConsentEntry, ConsentLedger, PersonConsent, PersonRef, RecordConsentInput } from './ports';

export class ConsentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsentInputError';
  }
}

export interface LedgerDeps {
  dataSource: DataSource;
  gate: ConnectionGate;
  archive: ArchiveWriter;
  index: PersonIndex;
  currentVersions(): ReadonlyMap<string, string>;
  now(): number;
  cacheTtlMs: number;
  logger: Logger;
}

const CHANNELS = new Set(['oa_page', 'oa_keyword', 'wecom_msgaudit', 'wecom_callback', 'wecom_check', 'admin_api', 'cli', 'import']);
const SOURCES = new Set(['user', 'tencent', 'reconciliation', 'import', 'admin']);
const KINDS = new Set(['openid', 'unionid', 'external_userid']);

export class TypeOrmConsentLedger implements ConsentLedger {
  readonly cache: PersonCache<PersonConsent>;

  constructor(private readonly deps: LedgerDeps) {
    this.cache = new PersonCache({ ttlMs: deps.cacheTtlMs, maxEntries: 200_000, now: deps.now });
  }

  current(person: PersonRef): Promise<PersonConsent> {
    checkPerson(person);
    return this.currentByIndex(this.deps.index(person));
  }

  /** Derived state of a person blind index (through the cache). */
  currentByIndex(personBidx: string): Promise<PersonConsent> {
    return this.cache.get(personBidx, async () => deriveConsent((await this.rows(personBidx)).map(toEntry), this.deps.currentVersions()));
  }

  /** Derived state of many persons: cached ones from memory, the rest in one query per 1,000. */
  async currentOfMany(personBidxs: readonly string[]): Promise<Map<string, PersonConsent>> {
    return new Map(await Promise.all(personBidxs.map(async (b) => [b, await this.currentByIndex(b)] as const)));
  }

  async record(input: RecordConsentInput): Promise<{ evidenceRecordId: string; entries: ConsentEntry[]; duplicate: boolean }> {
    checkInput(input);
    const personBidx = this.deps.index(input.person);
    const recordedAt = this.deps.now();
    let entries: ConsentEntry[] = [];
    const build = (recordId: string): ConsentEntryRow[] => {
      const rows = this.rowsFor(input, personBidx, recordId, recordedAt);
      entries = rows.map(toEntry);
      return rows;
    };
    if ('recordId' in input.evidence) {
      const recordId = input.evidence.recordId;
      await this.deps.gate.run(() => this.deps.dataSource.getRepository<ConsentEntryRow>(CONSENT_ENTRY_ENTITY).insert(build(recordId)));
      this.invalidate([personBidx]);
      return { evidenceRecordId: recordId, entries, duplicate: false };
    }
    const result = await this.deps.archive.append({
      recordType: 'consent.evidence',
      accountId: input.person.accountId,
      subject: input.person.id,
      occurredAtMs: input.occurredAt,
      dedupeKey: canonicalJson(['v1', 'consent', input.person.accountId, input.evidence.dedupeKey]),
      payload: {
        ...input.evidence.payload,
        person: { kind: input.person.kind, id: input.person.id, accountId: input.person.accountId },
        changes: input.changes,
        channel: input.channel,
        source: input.source,
        actor: input.actor ?? null,
      },
      outbox: [],
      exclusive: true,
      effects: async (tx, recordId) => tx.insert(CONSENT_ENTRY_ENTITY, build(recordId) as unknown as Record<string, unknown>[]),
    });
    this.invalidate([personBidx]);
    return { evidenceRecordId: result.recordId, entries: result.duplicate ? [] : entries, duplicate: result.duplicate };
  }

  /**
   * Effects that append entries in the transaction of another archive entry
   * that is itself the evidence (a WeCom agree message, a keyword message).
   * Call `invalidate` for the person after that entry committed.
   */
  effectsFor(input: Omit<RecordConsentInput, 'evidence'>): (tx: EffectTransaction, recordId: string) => Promise<void> {
    checkInput({ ...input, evidence: { recordId: 'x' } });
    const personBidx = this.deps.index(input.person);
    return async (tx, recordId) => {
      await tx.insert(CONSENT_ENTRY_ENTITY, this.rowsFor({ ...input, evidence: { recordId } }, personBidx, recordId, this.deps.now()) as unknown as Record<string, unknown>[]);
    };
  }

  async history(person: PersonRef): Promise<ConsentEntry[]> {
    checkPerson(person);
    return (await this.rows(this.deps.index(person))).map(toEntry).sort((a, b) => a.occurredAt - b.occurredAt || a.recordedAt - b.recordedAt);
  }

  invalidate(personBidxs: Iterable<string>): void {
    this.cache.invalidate(personBidxs);
  }

  /** Person blind indexes with entries recorded at or after `since` (other replicas' changes). */
  changedSince(since: number): Promise<string[]> {
    return personsChangedSince(this.deps.dataSource, this.deps.gate, CONSENT_ENTRY_ENTITY, since);
  }

  // A cache miss on an outbound message's path: a prepared statement, not the query builder.
  private async rows(personBidx: string): Promise<ConsentEntryRow[]> {
    const properties = this.deps.dataSource.getMetadata(CONSENT_ENTRY_ENTITY).columns.map((c) => c.propertyName);
    return (await this.deps.gate.run(() => selectWhereIn(this.deps.dataSource.manager, CONSENT_ENTRY_ENTITY, properties, 'personBidx', [personBidx]))) as unknown as ConsentEntryRow[];
  }

  private rowsFor(input: RecordConsentInput, personBidx: string, recordId: string, recordedAt: number): ConsentEntryRow[] {
    return input.changes.map((c) => ({
      id: randomUUID(),
      personBidx,
      personKind: input.person.kind,
      accountId: input.person.accountId,
      purpose: c.purpose,
      action: c.action,
      noticeVersion: c.noticeVersion,
      language: c.language,
      channel: input.channel,
      source: input.source,
      evidenceRecordId: recordId,
      occurredAt: input.occurredAt,
      recordedAt,
      actor: input.actor ?? null,
    }));
  }
}

function toEntry(r: ConsentEntryRow): ConsentEntry {
  return {
    id: r.id,
    purpose: r.purpose as ConsentEntry['purpose'],
    action: r.action as ConsentEntry['action'],
    noticeVersion: r.noticeVersion,
    language: r.language as ConsentEntry['language'],
    channel: r.channel as ConsentEntry['channel'],
    source: r.source as ConsentEntry['source'],
    evidenceRecordId: r.evidenceRecordId,
    occurredAt: r.occurredAt,
    recordedAt: r.recordedAt,
    actor: r.actor,
  };
}

/** @throws ConsentInputError naming the first problem */
export function checkPerson(person: PersonRef): void {
  if (!person || !KINDS.has(person.kind)) throw new ConsentInputError('person.kind must be openid, unionid or external_userid');
  if (typeof person.id !== 'string' || !PERSON_ID.test(person.id)) throw new ConsentInputError('person.id is not a Tencent id (6-64 letters, digits, - or _)');
  if (typeof person.accountId !== 'string' || person.accountId.length === 0 || person.accountId.length > 64) throw new ConsentInputError('person.accountId is missing');
}

function checkInput(input: RecordConsentInput): void {
  checkPerson(input.person);
  if (!Array.isArray(input.changes) || input.changes.length === 0) throw new ConsentInputError('changes must list at least one purpose');
  if (input.changes.length > LEDGER_PURPOSES.length * 2) throw new ConsentInputError('too many changes');
  for (const c of input.changes) {
    if (!LEDGER_PURPOSES.includes(c.purpose)) throw new ConsentInputError(`unknown purpose ${JSON.stringify(String(c.purpose)).slice(0, 40)}`);
    if (c.action !== 'grant' && c.action !== 'withdraw') throw new ConsentInputError('action must be grant or withdraw');
    if (c.noticeVersion !== null && !/^[0-9a-f]{64}$/.test(c.noticeVersion)) throw new ConsentInputError('noticeVersion must be a sha256 hex or null');
    if (c.language !== null && !(CONSENT_LANGUAGES as readonly string[]).includes(c.language)) throw new ConsentInputError('language must be zh-CN, en or null');
  }
  if (new Set(input.changes.map((c) => c.purpose)).size !== input.changes.length) throw new ConsentInputError('a purpose appears twice');
  if (!CHANNELS.has(input.channel)) throw new ConsentInputError('unknown channel');
  if (!SOURCES.has(input.source)) throw new ConsentInputError('unknown source');
  if (!Number.isSafeInteger(input.occurredAt) || input.occurredAt <= 0) throw new ConsentInputError('occurredAt must be epoch milliseconds');
  if (input.actor !== undefined && (typeof input.actor !== 'string' || input.actor.length > 128)) throw new ConsentInputError('actor is too long');
}
