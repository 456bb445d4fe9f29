/**
 * Seals all chain heads into a signed checkpoint every interval (when they
 * moved) and at shutdown. Checkpoints form their own chain (each names the
 * previous one's hash); two replicas racing for the same checkpoint number
 * collide on its primary key and the loser simply tries next time.
 */
import type { Logger } from 'pino';
import { signCheckpoint, type SignedCheckpoint } from './crypto/checkpoint';

export interface CheckpointStore {
  heads(): Promise<{ shard: number; seq: number; hash: string }[]>;
  latest(): Promise<SignedCheckpoint | null>;
  insert(cp: SignedCheckpoint): Promise<void>;
}

export interface CheckpointerOptions {
  store: CheckpointStore;
  signerKeyPem: string;
  signerCertPem: string;
  intervalMs: number;
  now(): number;
  logger: Logger;
  onResult?: (outcome: 'written' | 'unchanged' | 'failed') => void;
}

export class Checkpointer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: CheckpointerOptions) {}

  /** Checkpoint every interval. */
  start(): void {
    this.timer = setInterval(() => {
      this.checkpoint().catch((err: unknown) => {
        this.opts.onResult?.('failed');
        this.opts.logger.warn({ err }, 'checkpoint failed; will retry');
      });
    }, this.opts.intervalMs).unref();
  }

  /** Write a checkpoint now if any chain head moved since the last one. */
  async checkpoint(): Promise<SignedCheckpoint | null> {
    const [heads, latest] = await Promise.all([this.opts.store.heads(), this.opts.store.latest()]);
    const sorted = [...heads].sort((a, b) => a.shard - b.shard);
    if (latest && sameHeads(latest.body.heads, sorted)) {
      this.opts.onResult?.('unchanged');
      return null;
    }
    const signed = signCheckpoint(
      { v: 1, checkpointSeq: (latest?.body.checkpointSeq ?? 0) + 1, createdAt: this.opts.now(), heads: sorted, prevCheckpointHash: latest?.hash ?? null },
      this.opts.signerKeyPem,
      this.opts.signerCertPem,
    );
    await this.opts.store.insert(signed);
    this.opts.onResult?.('written');
    return signed;
  }

  /** Stop the timer and seal a final checkpoint. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checkpoint().catch((err: unknown) => this.opts.logger.warn({ err }, 'final checkpoint failed'));
  }
}

function sameHeads(a: { shard: number; seq: number; hash: string }[], b: { shard: number; seq: number; hash: string }[]): boolean {
  return a.length === b.length && a.every((h, i) => h.shard === b[i]!.shard && h.seq === b[i]!.seq && h.hash === b[i]!.hash);
}
