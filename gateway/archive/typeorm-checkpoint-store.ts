/** CheckpointStore over TypeORM: chain heads in, signed checkpoints out. The stored body is the exact canonical JSON that was signed. */
import type { DataSource } from 'typeorm';
import { CHAIN_HEAD_ENTITY, CHECKPOINT_ENTITY, type ChainHeadRow, type CheckpointRow } from '../db/entities';
import type { CheckpointBody, SignedCheckpoint } from './crypto/checkpoint';
import { canonicalJson } from '../../connectors/canonical/json';
import type { CheckpointStore } from './checkpointer';
import { ConnectionGate } from '../db/connection-gate';

/** A stored checkpoint row back as a SignedCheckpoint (body parsed from its canonical JSON). */
export function checkpointFromRow(row: CheckpointRow): SignedCheckpoint {
  return { body: JSON.parse(row.body) as CheckpointBody, hash: row.bodyHash, signature: row.signature, signerFingerprint: row.signerFingerprint, signerCertPem: row.signerCert };
}

export class TypeOrmCheckpointStore implements CheckpointStore {
  constructor(private readonly dataSource: DataSource, private readonly gate: ConnectionGate = ConnectionGate.for(dataSource)) {}

  async heads(): Promise<{ shard: number; seq: number; hash: string }[]> {
    const rows = await this.gate.run(() => this.dataSource.getRepository<ChainHeadRow>(CHAIN_HEAD_ENTITY).find({ order: { shard: 'ASC' } }));
    return rows.map((r) => ({ shard: r.shard, seq: r.seq, hash: r.headHash }));
  }

  async latest(): Promise<SignedCheckpoint | null> {
    const [row] = await this.gate.run(() => this.dataSource.getRepository<CheckpointRow>(CHECKPOINT_ENTITY).find({ order: { checkpointSeq: 'DESC' }, take: 1 }));
    return row ? checkpointFromRow(row) : null;
  }

  async insert(cp: SignedCheckpoint): Promise<void> {
    await this.gate.run(() => this.dataSource.getRepository<CheckpointRow>(CHECKPOINT_ENTITY).insert({
      checkpointSeq: cp.body.checkpointSeq,
      createdAt: cp.body.createdAt,
      body: canonicalJson(cp.body),
      bodyHash: cp.hash,
      signature: cp.signature,
      signerFingerprint: cp.signerFingerprint,
      signerCert: cp.signerCertPem,
      prevCheckpointHash: cp.body.prevCheckpointHash ?? '',
    }));
  }

  /** Every checkpoint, oldest first. */
  async all(): Promise<SignedCheckpoint[]> {
    const rows = await this.dataSource.getRepository<CheckpointRow>(CHECKPOINT_ENTITY).find({ order: { checkpointSeq: 'ASC' } });
    return rows.map(checkpointFromRow);
  }
}
