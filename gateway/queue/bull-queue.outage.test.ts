/**
 * Bull against a real Redis outage: a dedicated redis-server per test is
 * SIGKILLed and restarted (empty) on the same port, while the queue and its
 * worker keep running.
 */
import { BullQueue } from './bull-queue';
import { type QueueJob, QueueUnavailableError } from './job-queue';
import { type LogEntry, captureLogger, deferred, waitFor } from './queue-test-helpers';
import { RedisTestServer } from './redis-test-server';

const job = (id: string): QueueJob => ({ id, name: 'forward', payload: { outboxId: id } });

/** Milliseconds until `work` settles, and how. */
async function timed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work.then(() => undefined, (err: unknown) => err);
  return { ms: Date.now() - started, error };
}

describe('BullQueue during a Redis outage', () => {
  const servers: RedisTestServer[] = [];
  let redis: RedisTestServer;
  let queue: BullQueue;
  let log: LogEntry[];

  beforeEach(async () => {
    redis = await RedisTestServer.start();
    servers.push(redis);
    log = [];
    queue = new BullQueue({ redisUrl: redis.url, prefix: 'cgw-outage' }, captureLogger(log));
  });
  afterEach(() => queue.close({ drainTimeoutMs: 1_000 }));
  afterAll(async () => {
    for (const server of servers) await server.kill();
  });

  it('rejects enqueue with QueueUnavailableError within about a second while Redis is down', async () => {
    await queue.enqueue(job('before'));
    await redis.kill();
    // Right after the kill, and again once the client has seen the connection drop.
    for (const id of ['just-after-kill', 'later']) {
      const { ms, error } = await timed(queue.enqueue(job(id)));
      expect(error).toBeInstanceOf(QueueUnavailableError);
      expect(ms).toBeLessThanOrEqual(1_500);
    }
  });

  it('rejects counts with QueueUnavailableError while Redis is down, so metrics skip a scrape', async () => {
    await queue.enqueue(job('before'));
    await redis.kill();
    await expect(queue.counts()).rejects.toBeInstanceOf(QueueUnavailableError);
  });

  it('rejects enqueue within about a second while Redis hangs, and the late add still lands after it wakes', async () => {
    const seen: string[] = [];
    queue.process('forward', 1, async (j) => void seen.push(j.id));
    await queue.enqueue(job('before'));
    await waitFor('job before the hang', () => seen.includes('before'));
    redis.freeze();
    try {
      const { ms, error } = await timed(queue.enqueue(job('during-hang')));
      expect(error).toBeInstanceOf(QueueUnavailableError);
      expect(ms).toBeLessThanOrEqual(1_500);
      expect(await queue.health()).toMatchObject({ ok: false });
    } finally {
      redis.thaw();
    }
    // At-least-once: the timed-out add was already on the wire; the outbox tolerates the extra run.
    await waitFor('late add processed', () => seen.includes('during-hang'));
  });

  it('rejects enqueue within about a second when Redis was never reachable', async () => {
    await queue.close();
    await redis.kill();
    queue = new BullQueue({ redisUrl: redis.url, prefix: 'cgw-outage' }, captureLogger(log));
    const { ms, error } = await timed(queue.enqueue(job('never')));
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(ms).toBeLessThanOrEqual(1_500);
  });

  it('reports unhealthy while Redis is down and healthy again after it restarts on the same port', async () => {
    await waitFor('healthy', async () => (await queue.health()).ok);
    await redis.kill();
    await waitFor('unhealthy', async () => !(await queue.health()).ok);
    expect((await queue.health()).detail).toMatch(/redis|ping/);
    await redis.restart();
    await waitFor('healthy again', async () => (await queue.health()).ok);
    expect(log.map((e) => e.message)).toEqual(expect.arrayContaining(['queue redis connection lost', 'queue redis connection restored']));
  });

  it('keeps the running worker: jobs enqueued after Redis restarts are processed without restarting it', async () => {
    const seen: string[] = [];
    queue.process('forward', 2, async (j) => void seen.push(j.id));
    await queue.enqueue(job('before'));
    await waitFor('job before the outage', () => seen.includes('before'));

    await redis.kill();
    await expect(queue.enqueue(job('during'))).rejects.toBeInstanceOf(QueueUnavailableError);
    await redis.restart();
    await waitFor('healthy again', async () => (await queue.health()).ok);

    await queue.enqueue(job('after'));
    await queue.enqueue(job('after-delayed'), { delayMs: 200 });
    await waitFor('jobs after the outage', () => seen.includes('after') && seen.includes('after-delayed'));
    expect(seen).not.toContain('during');
  });

  it('starts processing once Redis comes up when the worker was registered during the outage', async () => {
    await waitFor('healthy', async () => (await queue.health()).ok);
    await redis.kill();
    const seen: string[] = [];
    queue.process('forward', 1, async (j) => void seen.push(j.id));
    await redis.restart();
    await waitFor('healthy again', async () => (await queue.health()).ok);
    await queue.enqueue(job('first'));
    await waitFor('first processed', () => seen.includes('first'));
  });

  it('close() completes while Redis is down', async () => {
    queue.process('forward', 1, async () => {});
    await queue.enqueue(job('before'));
    await redis.kill();
    await queue.close({ drainTimeoutMs: 2_000 });
    expect((await queue.health()).ok).toBe(false);
  });

  it('close() while Redis is down still waits for the active handler, without an unhandled rejection', async () => {
    const gate = deferred();
    const events: string[] = [];
    queue.process('forward', 1, async () => {
      events.push('started');
      await gate.promise;
      events.push('finished');
    });
    await queue.enqueue(job('in-hand'));
    await waitFor('handler started', () => events.includes('started'));
    await redis.kill();
    const closed = queue.close({ drainTimeoutMs: 5_000 }).then(() => events.push('closed'));
    await new Promise((r) => setTimeout(r, 300)); // bull's bclient reconnect fails meanwhile
    gate.resolve();
    await closed;
    expect(events).toEqual(['started', 'finished', 'closed']);
  });

  it('close() completes when the worker was registered during an outage that has not ended', async () => {
    await queue.close();
    await redis.kill();
    queue = new BullQueue({ redisUrl: redis.url, prefix: 'cgw-outage' }, captureLogger(log));
    queue.process('forward', 1, async () => {});
    await new Promise((r) => setTimeout(r, 300)); // let the worker start waiting for Redis
    await queue.close({ drainTimeoutMs: 2_000 });
    expect((await queue.health()).ok).toBe(false);
  });
});
