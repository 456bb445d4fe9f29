/**
 * A PIPL access request (Art. 45) answered: everything the gateway holds
 * about a person, decrypted, as one JSON file — the person's ids, derived
 * consent and ledger history, binding history with customer ids, and every
 * archive record about the person (by the id's blind index, plus the records
 * of the customer the person is bound to now), oldest first.
 *
 * The file is built in memory as pieces, bounded by accessFileMaxBytes: it is
 * never written to disk (it is plaintext personal data), and its sha256 must
 * be known before it is handed out, because a `rights.access` record (who
 * asked, for whom, the sha256 and size — not the file) is archived first.
 * Records of customers the person was bound to earlier are not included:
 * such a binding may have named someone else.
 */
import { createHash, randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { AdminError } from '../admin-api/admin-error';
import type { AccessFileAnswer, ApiPersonRef } from '../admin-api/ports';
import type { Actor } from '../auth/actor';
import { openStored } from '../archive/reader';
import type { StoredRecord } from '../archive/types';
import { ARCHIVE_RECORD_ENTITY, type ArchiveRecordRow } from '../db/entities';
import type { PersonRef } from '../consent/ports';
import { bindingForApi, derivedState, entryForApi, inDerivationOrder } from './api-shapes';
import type { ConsentAdminDeps } from './deps';
import { personFacts, toApiPerson, toPersonRef } from './person-ref';

export const ACCESS_FILE_FORMAT = 'cgw-pipl-access/v1';

// Records are read this many at a time.
const LOAD_BATCH = 200;

interface Piece {
  occurredAtMs: number;
  recordId: string;
  json: Buffer;
}

/** Build the access file for `person`, archive its rights.access record, and return it in pieces. @throws AdminError invalid, result_too_large */
export async function answerAccessRequest(deps: ConsentAdminDeps, api: ApiPersonRef, options: { omitMediaBytes: boolean }, actor: Actor): Promise<AccessFileAnswer> {
  const person = toPersonRef(deps, api, '/body/person/account');
  const facts = personFacts(deps, person, { omitMediaBytes: options.omitMediaBytes });
  const [history, bindingHistory] = await Promise.all([deps.consent.ledger.history(person), deps.consent.bindings.history(person)]);
  const latest = bindingHistory.at(-1);
  const customerId = latest?.action === 'bind' ? latest.customerId : null;

  const ids = await recordIdsAbout(deps, person, customerId);
  let left = deps.accessFileMaxBytes;
  const tooLarge = () => new AdminError('result_too_large', `the access file would exceed admin.accessFileMaxBytes (${deps.accessFileMaxBytes} bytes): ask again with omitMediaBytes, or raise the limit`, { audit: facts });
  const pieces: Piece[] = [];
  const relatedIds = new Map<string, ApiPersonRef>();
  for (let i = 0; i < ids.length; i += LOAD_BATCH) {
    const rows = await deps.gate.run(() => deps.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).findBy({ id: In(ids.slice(i, i + LOAD_BATCH)) }));
    for (const row of rows) {
      const opened = openStored(deps.keyStore, row as StoredRecord);
      const payload = options.omitMediaBytes ? withoutMediaBytes(opened.payload) : opened.payload;
      if (opened.recordType === 'binding.evidence' && customerId !== null && payload.customerId === customerId && payload.action === 'bind') collectIds(payload.persons, relatedIds);
      const record = { recordId: row.id, recordType: opened.recordType, accountId: opened.accountId, subject: opened.subject, occurredAt: new Date(opened.occurredAtMs).toISOString(), payload };
      const json = Buffer.from(indent(JSON.stringify(record, null, 2), '    '), 'utf8');
      // Counted as it is read: a person with gigabytes of media fails here, not after filling memory.
      left -= json.length + SEPARATOR.length;
      if (left < 0) throw tooLarge();
      pieces.push({ occurredAtMs: opened.occurredAtMs, recordId: row.id, json });
    }
  }
  pieces.sort((a, b) => a.occurredAtMs - b.occurredAtMs || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));

  const self = toApiPerson(person);
  relatedIds.delete(personKey(self));
  const head = {
    format: ACCESS_FILE_FORMAT,
    generatedAt: new Date(deps.now()).toISOString(),
    requestedBy: actor.subject,
    person: self,
    ids: [self, ...[...relatedIds.values()].sort((a, b) => personKey(a).localeCompare(personKey(b)))],
    consent: { current: derivedState(history, deps.consent.notices.currentVersions()), history: inDerivationOrder(history).map(entryForApi) },
    bindings: { customerId, history: bindingHistory.map((b) => bindingForApi(b, true)) },
    records: RECORDS_MARK,
  };
  const [before, after] = JSON.stringify(head, null, 2).split(JSON.stringify(RECORDS_MARK)) as [string, string];
  const chunks = pieces.length === 0
    ? [Buffer.from(`${before}[]${after}\n`, 'utf8')]
    : [Buffer.from(`${before}[\n    `, 'utf8'), ...pieces.flatMap((p, i) => (i === 0 ? [p.json] : [SEPARATOR, p.json])), Buffer.from(`\n  ]${after}\n`, 'utf8')];
  const size = chunks.reduce((n, c) => n + c.length, 0);
  if (size > deps.accessFileMaxBytes) throw tooLarge();
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  const sha256 = hash.digest('hex');

  const archived = await deps.archive.append({
    recordType: 'rights.access',
    accountId: person.accountId,
    subject: person.id,
    occurredAtMs: deps.now(),
    dedupeKey: `rights.access|${randomUUID()}`,
    payload: {
      requestedBy: { subject: actor.subject, via: actor.via },
      person: { kind: person.kind, id: person.id, accountId: person.accountId },
      file: { format: ACCESS_FILE_FORMAT, sha256, size, records: pieces.length, omitMediaBytes: options.omitMediaBytes },
    },
    outbox: [],
  });
  return {
    recordId: archived.recordId, chunks, size, sha256,
    audit: { ...facts, details: { ...facts.details, recordId: archived.recordId, sha256, size, records: pieces.length } },
  };
}

const RECORDS_MARK = '\u0000records\u0000';
const SEPARATOR = Buffer.from(',\n    ', 'utf8');

/** Ids of every archive record about the person: by the id, and by the customer it is bound to now. */
async function recordIdsAbout(deps: ConsentAdminDeps, person: PersonRef, customerId: string | null): Promise<string[]> {
  const subjectBidx = deps.consent.index(person);
  const bySubject = await deps.gate.run(() => deps.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ select: { id: true }, where: { subjectBidx } }));
  const byCustomer = customerId === null ? [] : await deps.consent.bindings.recordIdsOf(customerId);
  return [...new Set([...bySubject.map((r) => r.id), ...byCustomer])];
}

/** Media bytes left out (their size and hashes stay in the payload). */
function withoutMediaBytes(payload: Record<string, unknown>): Record<string, unknown> {
  if (typeof payload.bytesBase64 !== 'string') return payload;
  return { ...payload, bytesBase64: null, bytesOmitted: true };
}

function collectIds(value: unknown, into: Map<string, ApiPersonRef>): void {
  if (!Array.isArray(value)) return;
  for (const p of value as { kind?: unknown; id?: unknown; accountId?: unknown }[]) {
    if (typeof p?.kind !== 'string' || typeof p.id !== 'string' || typeof p.accountId !== 'string') continue;
    const ref = { kind: p.kind as ApiPersonRef['kind'], id: p.id, account: p.accountId };
    into.set(personKey(ref), ref);
  }
}

function personKey(p: ApiPersonRef): string {
  return `${p.kind}\u0000${p.account}\u0000${p.id}`;
}

// JSON strings never hold a raw newline, so indenting every line is safe.
function indent(json: string, by: string): string {
  return json.replaceAll('\n', `\n${by}`);
}
