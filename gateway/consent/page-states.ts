/**
 * Single-use page states (OAuth `state`, the bank-login state, a consent
 * form's token): random, stored only as a sha256, data sealed, consumed by a
 * compare-and-set on `used_at`, so a replay — even a concurrent one — finds
 * it used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, LessThan, type DataSource } from 'typeorm';
import type { KeyStore } from '../archive/crypto/key-store';
import { openRecord, sealRecord } from '../archive/crypto/envelope';
import type { ConnectionGate } from '../db/connection-gate';
import { PAGE_STATE_ENTITY, type PageStateRow } from '../db/entities';
import { canonicalJson } from '../../connectors/canonical/json';
import type { PageFlow, PageStates } from './ports';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const STATE = /^[A-Za-z0-9]{43}$/;

export class TypeOrmPageStates implements PageStates {
  constructor(private readonly deps: { dataSource: DataSource; gate: ConnectionGate; keyStore: KeyStore; ttlSeconds: number; now(): number }) {}

  async create(flow: PageFlow, accountId: string, data: Record<string, string>, ttlSeconds = this.deps.ttlSeconds): Promise<string> {
    const state = randomState();
    const stateHash = hash(state);
    const sealed = sealRecord(this.deps.keyStore, Buffer.from(JSON.stringify(data), 'utf8'), aad(stateHash, flow, accountId));
    const now = this.deps.now();
    const row: PageStateRow = { stateHash, flow, accountId, ...sealed, createdAt: now, expiresAt: now + ttlSeconds * 1000, usedAt: null };
    await this.deps.gate.run(() => this.deps.dataSource.getRepository<PageStateRow>(PAGE_STATE_ENTITY).insert(row));
    return state;
  }

  async consume(state: string, flow: PageFlow, accountId: string): Promise<Record<string, string> | null> {
    if (typeof state !== 'string' || !STATE.test(state)) return null;
    const stateHash = hash(state);
    const now = this.deps.now();
    const repo = this.deps.dataSource.getRepository<PageStateRow>(PAGE_STATE_ENTITY);
    return this.deps.gate.run(async () => {
      const row = await repo.findOneBy({ stateHash });
      if (!row || row.flow !== flow || row.accountId !== accountId || row.usedAt !== null || row.expiresAt <= now) return null;
      const taken = await repo.update({ stateHash, usedAt: IsNull() }, { usedAt: now });
      if ((taken.affected ?? 0) !== 1) return null;
      const data = JSON.parse(openRecord(this.deps.keyStore, { keyId: row.keyId, wrappedKey: row.wrappedKey, iv: row.iv, ciphertext: row.ciphertext }, aad(stateHash, flow, accountId)).toString('utf8')) as Record<string, string>;
      return data;
    });
  }

  /** Delete states that expired more than a day ago (used ones are kept that long to answer replays as "used"). */
  async purge(): Promise<number> {
    const result = await this.deps.gate.run(() => this.deps.dataSource.getRepository<PageStateRow>(PAGE_STATE_ENTITY).delete({ expiresAt: LessThan(this.deps.now() - 86_400_000) }));
    return result.affected ?? 0;
  }
}

function randomState(): string {
  // 43 characters of a 62-letter alphabet (> 256 bits), rejection-sampled so every letter is equally likely.
  let out = '';
  while (out.length < 43) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && out.length < 43) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function hash(state: string): string {
  return createHash('sha256').update(`cgw-page-state|${state}`).digest('hex');
}

function aad(stateHash: string, flow: string, accountId: string): Buffer {
  return Buffer.from(canonicalJson(['cgw-page-state/v1', stateHash, flow, accountId]), 'utf8');
}
