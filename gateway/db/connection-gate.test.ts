import { describeEachDatabase } from '../../test/db';
import { TypeOrmArchiveStore } from '../archive/typeorm-store';
import { TypeOrmCheckpointStore } from '../archive/typeorm-checkpoint-store';
import { ConnectionGate } from './connection-gate';

describeEachDatabase('ConnectionGate', (db) => {
  it('keeps a chain-head read from seeing (and later sealing) a batch that is rolled back', async () => {
    const gate = ConnectionGate.for(db.dataSource);
    const archive = new TypeOrmArchiveStore(db.dataSource, gate);
    const checkpoints = new TypeOrmCheckpointStore(db.dataSource, gate);
    await archive.ensureChainHeads(1, () => '0'.repeat(64), 0);
    const batch = archive
      .transaction(1, async (tx) => {
        await tx.setChainHead(0, 7, 'f'.repeat(64), 1);
        await new Promise((r) => setTimeout(r, 50));
        throw new Error('batch failed');
      })
      .catch((err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 10));
    const seen = await checkpoints.heads();
    expect(await batch).toBe('batch failed');
    expect(seen).toEqual([{ shard: 0, seq: 0, hash: '0'.repeat(64) }]);
  });

  it('runs work in order and keeps going after a failure', async () => {
    const gate = new ConnectionGate(true);
    const order: number[] = [];
    const slow = gate.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push(1);
      throw new Error('first fails');
    });
    const next = gate.run(async () => order.push(2));
    await expect(slow).rejects.toThrow('first fails');
    await next;
    expect(order).toEqual([1, 2]);
  });
});
