/**
 * The JobQueue contract, run against every back end (in-process, bull). A back
 * end that passes can stand behind the outbox: it delivers, deduplicates by
 * id while a job is pending, honours delays and concurrency, survives failing
 * handlers without retrying them, and drains on close.
 */
// Explicit imports: this file is not a *.test.ts, so `npm run build` compiles it without jest's ambient types.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type JobQueue, type QueueJob, type QueueLogger, QueueUnavailableError } from './job-queue';
import { type LogEntry, captureLogger, deferred, waitFor } from './queue-test-helpers';

/** Declare the contract suite for one back end; `factory` builds a fresh, empty queue per test. */
export function describeQueueContract(name: string, factory: (logger: QueueLogger) => JobQueue | Promise<JobQueue>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let queue: JobQueue;
    let log: LogEntry[];
    const job = (id: string, jobName = 'forward', payload: QueueJob['payload'] = { outboxId: id }): QueueJob => ({ id, name: jobName, payload });
    const idle = async () => {
      const c = await queue.counts();
      return c.waiting + c.delayed + c.active === 0;
    };

    beforeEach(async () => {
      log = [];
      queue = await factory(captureLogger(log));
    });
    afterEach(() => queue.close({ drainTimeoutMs: 1_000 }));

    it('delivers each job, payload intact, to the handler registered for its name', async () => {
      const forwarded: QueueJob[] = [];
      const delivered: QueueJob[] = [];
      queue.process('forward', 2, async (j) => void forwarded.push(j));
      queue.process('deliver', 2, async (j) => void delivered.push(j));
      await queue.enqueue(job('f1', 'forward', { outboxId: 'row-1', attempt: 0 }));
      await queue.enqueue(job('d1', 'deliver', { outboxId: 'row-2', attempt: 3 }));
      await queue.enqueue(job('f2', 'forward'));
      await waitFor('three deliveries', () => forwarded.length + delivered.length === 3);
      expect(forwarded.map((j) => j.id).sort()).toEqual(['f1', 'f2']);
      expect(forwarded.find((j) => j.id === 'f1')).toEqual({ id: 'f1', name: 'forward', payload: { outboxId: 'row-1', attempt: 0 } });
      expect(delivered).toEqual([{ id: 'd1', name: 'deliver', payload: { outboxId: 'row-2', attempt: 3 } }]);
    });

    it('ignores a second enqueue of a job id that is still waiting', async () => {
      await queue.enqueue(job('x'));
      await queue.enqueue(job('x'));
      await queue.enqueue(job('y'));
      expect(await queue.counts()).toEqual({ waiting: 2, delayed: 0, active: 0 });
      const seen: string[] = [];
      queue.process('forward', 1, async (j) => void seen.push(j.id));
      // FIFO with concurrency 1: a duplicate of x would run before y.
      await waitFor('y delivered', () => seen.includes('y'));
      expect(seen).toEqual(['x', 'y']);
    });

    it('ignores a second enqueue of a job id that is active', async () => {
      const gate = deferred();
      const seen: string[] = [];
      queue.process('forward', 1, async (j) => {
        seen.push(j.id);
        if (j.id === 'x') await gate.promise;
      });
      await queue.enqueue(job('x'));
      await waitFor('x active', () => seen.includes('x'));
      await queue.enqueue(job('x'));
      await queue.enqueue(job('y'));
      gate.resolve();
      await waitFor('y delivered', () => seen.includes('y'));
      expect(seen).toEqual(['x', 'y']);
    });

    it('schedules the same job id again once its earlier run completed or failed', async () => {
      const runs: string[] = [];
      queue.process('forward', 1, async (j) => {
        runs.push(j.id);
        if (j.id === 'bad') throw new Error('tencent said -1');
      });
      await queue.enqueue(job('ok'));
      await queue.enqueue(job('bad'));
      await waitFor('both ran and were forgotten', async () => runs.length === 2 && (await idle()));
      await queue.enqueue(job('ok'));
      await queue.enqueue(job('bad'));
      await waitFor('both ran again', () => runs.length === 4);
      expect(runs).toEqual(['ok', 'bad', 'ok', 'bad']);
    });

    it('holds a delayed job for at least delayMs, counting it as delayed meanwhile', async () => {
      const deliveredAt: number[] = [];
      queue.process('forward', 1, async () => void deliveredAt.push(Date.now()));
      const enqueuedAt = Date.now();
      await queue.enqueue(job('later'), { delayMs: 400 });
      await queue.enqueue(job('later'), { delayMs: 400 });
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 1, active: 0 });
      await waitFor('delayed job delivered', () => deliveredAt.length > 0);
      expect(deliveredAt[0]! - enqueuedAt).toBeGreaterThanOrEqual(400);
      await waitFor('queue idle', idle);
      expect(deliveredAt).toHaveLength(1);
    });

    it('never runs more handlers of one name at once than its concurrency', async () => {
      const gates: Array<() => void> = [];
      let running = 0;
      let maxRunning = 0;
      let finished = 0;
      queue.process('forward', 2, async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        const gate = deferred();
        gates.push(gate.resolve);
        await gate.promise;
        running -= 1;
        finished += 1;
      });
      for (let i = 0; i < 6; i += 1) await queue.enqueue(job(`c${i}`));
      while (finished < 6) {
        const expected = Math.min(2, 6 - finished);
        await waitFor(`${expected} handlers running`, () => gates.length === expected);
        if (expected === 2) expect(await queue.counts()).toMatchObject({ active: 2, waiting: 4 - finished });
        const target = finished + gates.length;
        gates.splice(0).forEach((release) => release());
        await waitFor('released handlers finished', () => finished === target);
      }
      expect(maxRunning).toBe(2);
    });

    it('keeps concurrency per job name: a busy name does not hold up another', async () => {
      const gate = deferred();
      const seen: string[] = [];
      queue.process('forward', 1, async (j) => {
        seen.push(j.id);
        await gate.promise;
      });
      queue.process('deliver', 1, async (j) => void seen.push(j.id));
      await queue.enqueue(job('stuck', 'forward'));
      await waitFor('forward busy', () => seen.includes('stuck'));
      await queue.enqueue(job('other', 'deliver'));
      await waitFor('deliver ran', () => seen.includes('other'));
      gate.resolve();
    });

    it('reports a throwing handler once, does not retry it, and keeps running later jobs', async () => {
      const calls: string[] = [];
      queue.process('forward', 1, (j): Promise<void> => {
        calls.push(j.id);
        if (j.id === 'bad-sync') throw new Error('thrown synchronously');
        if (j.id === 'bad-async') return Promise.reject(new Error('rejected'));
        return Promise.resolve();
      });
      await queue.enqueue(job('bad-sync', 'forward', { outboxId: 'row-9', phone: '13800138000' }));
      await queue.enqueue(job('bad-async'));
      await queue.enqueue(job('good'));
      await waitFor('good delivered and queue idle', async () => calls.includes('good') && (await idle()));
      expect(calls).toEqual(['bad-sync', 'bad-async', 'good']);
      const failures = log.filter((e) => e.level === 'warn' && e.details['jobId'] !== undefined);
      expect(failures.map((e) => e.details['jobId']).sort()).toEqual(['bad-async', 'bad-sync']);
      // Payloads may identify a client: they never reach the log.
      expect(JSON.stringify(log)).not.toContain('13800138000');
    });

    it('close() waits for active handlers, starts nothing new, then refuses enqueue', async () => {
      const gate = deferred();
      const events: string[] = [];
      queue.process('forward', 1, async (j) => {
        events.push(`started ${j.id}`);
        await gate.promise;
        events.push(`finished ${j.id}`);
      });
      await queue.enqueue(job('a'));
      await waitFor('a started', () => events.includes('started a'));
      await queue.enqueue(job('b'));
      const closed = queue.close({ drainTimeoutMs: 10_000 }).then(() => events.push('closed'));
      await new Promise((r) => setTimeout(r, 100)); // room for a wrong close() to finish early
      events.push('released');
      gate.resolve();
      await closed;
      expect(events).toEqual(['started a', 'released', 'finished a', 'closed']);
      await expect(queue.enqueue(job('c'))).rejects.toBeInstanceOf(QueueUnavailableError);
    });

    it('close() stops waiting for a hung handler after drainTimeoutMs', async () => {
      const gate = deferred();
      let started = false;
      queue.process('forward', 1, async () => {
        started = true;
        await gate.promise;
      });
      await queue.enqueue(job('hung'));
      await waitFor('hung started', () => started);
      await queue.close({ drainTimeoutMs: 200 });
      expect(log.some((e) => e.message.includes('still running'))).toBe(true);
      gate.resolve();
    });

    it('reports healthy while open and unhealthy once closed', async () => {
      await waitFor('healthy', async () => (await queue.health()).ok);
      await queue.close();
      expect(await queue.health()).toMatchObject({ ok: false });
    });

    it('rejects a second handler for the same job name', () => {
      queue.process('forward', 1, async () => {});
      expect(() => queue.process('forward', 1, async () => {})).toThrow(/already registered/);
    });
  });
}
