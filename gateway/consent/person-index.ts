/** Blind indexes of persons: the archive's `subject` index, so ledger rows, bindings and archive records join on the same value. */
import { blindIndex } from '../archive/crypto/blind-index';
import type { KeyStore } from '../archive/crypto/key-store';
import type { DataSource } from 'typeorm';
import type { ConnectionGate } from '../db/connection-gate';
import type { PersonRef } from './ports';

export type PersonIndex = (person: Pick<PersonRef, 'id'>) => string;

/** Person blind indexes of the rows of an append-only person table (ledger, bindings) recorded at or after `since`. */
export async function personsChangedSince(dataSource: DataSource, gate: ConnectionGate, entity: string, since: number): Promise<string[]> {
  const rows = await gate.run(() =>
    dataSource.getRepository(entity).createQueryBuilder('r').select('DISTINCT r.personBidx', 'p').where('r.recordedAt >= :since', { since }).getRawMany<{ p: string }>(),
  );
  return rows.map((r) => r.p);
}

/**
 * The person index, memoised for the hot path (an HMAC per recipient per
 * lookup otherwise): a bounded map, in process memory only. The index key
 * does not rotate while the process runs.
 */
export function personIndex(keyStore: KeyStore, maxEntries = 100_000): PersonIndex {
  const memo = new Map<string, string>();
  return (person) => {
    let bidx = memo.get(person.id);
    if (bidx === undefined) {
      bidx = blindIndex(keyStore.indexKey(), 'subject', person.id);
      if (memo.size >= maxEntries) memo.delete(memo.keys().next().value!);
      memo.set(person.id, bidx);
    }
    return bidx;
  };
}

export function customerIndex(keyStore: KeyStore): (customerId: string) => string {
  return (customerId) => blindIndex(keyStore.indexKey(), 'customer', customerId);
}

/** Tencent ids are ASCII letters, digits, '-' and '_' (openid 28, unionid 29, external_userid 32 in practice). */
export const PERSON_ID = /^[A-Za-z0-9_-]{6,64}$/;

/** A bank customer id (CIF): letters, digits and . _ : - ; no spaces, at most 64. */
export const CUSTOMER_ID = /^[\p{L}\p{N}._:-]{1,64}$/u;
