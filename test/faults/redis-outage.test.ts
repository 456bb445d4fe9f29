/**
 * A Redis outage under a stream of pushes, with the bull queue on a private
 * redis-server (gateway/queue/redis-test-server.ts). Redis is SIGKILLed after
 * 40 pushes were sent, the stream goes on (60 pushes meet a dead Redis), and
 * Redis is restarted empty on the same port for the last 60.
 *
 * Proves "the database is the truth; the queue only schedules": callbacks are
 * acknowledged while the queue is down, readiness says the queue is down, and
 * once Redis is back the sweeper re-enqueues what the queue lost or never got,
 * so every acknowledged push reaches the app and every outbox row ends done,
 * all without restarting the gateway.
 */
import { RedisTestServer } from '../../gateway/queue/redis-test-server';
import { DATABASE_KINDS } from '../db';
import { startHarness, testAppCredentials, type Harness } from '../gateway-harness';
import { startCoWechatApp, type TestInternalApp } from '../internal-apps';
import { capturedLogger, readiness, waitUntil } from './probes';
import { acknowledged, distinctMsgIds, outcomeCounts, streamTextPushes, type StreamedPush } from './push-stream';
import { archivedPushes, duplicates, outboxRows, receivedByEventId, receivedMsgIds, type ArchivedPush } from './read-back';

const PUSHES = 160;
const IN_FLIGHT = 8;
/** Pushes from this index on are sent after Redis was killed… */
const KILL_AT = 40;
/** …and from this one on after it was restarted (empty). */
const RESTART_AT = 100;

type Readiness = Awaited<ReturnType<typeof readiness>>;

describe.each(DATABASE_KINDS)('Redis killed and restarted under a stream of pushes, queue bull [%s]', (kind) => {
  let redis: RedisTestServer | undefined;
  let app: TestInternalApp | undefined;
  let harness: Harness | undefined;
  const log = capturedLogger('warn');

  let pushes: StreamedPush[] = [];
  let archived: ArchivedPush[] = [];
  let readyDuringOutage: Readiness | undefined;
  let readyAfterRestart: Readiness | undefined;
  let outboxStatuses: Record<string, number> = {};
  let redisKilledAtMs = 0;

  beforeAll(async () => {
    redis = await RedisTestServer.start();
    const credentials = testAppCredentials();
    app = await startCoWechatApp(credentials);
    harness = await startHarness({
      kind,
      apps: [{ id: 'crm', credentials, url: app.url }],
      overlay: {
        queue: { type: 'bull', redisUrl: redis.url, prefix: `cgw-fault-${process.pid}-${kind}` },
        forwarding: { timeoutMs: 2000, backoffBaseMs: 50, backoffMaxMs: 500, sweepIntervalMs: 200, maxAttempts: 20 },
      },
      logger: log.logger,
      attemptTimeoutMs: 2000,
    });
    const h = harness;
    await waitUntil('queue healthy before the stream', async () => (await readiness(h.url)).status === 200);

    let killed: Promise<void> | undefined;
    let restarted: Promise<void> | undefined;
    const killRedis = async (): Promise<void> => {
      redisKilledAtMs = Date.now();
      await redis!.kill();
      await waitUntil('readyz reports the queue down', async () => {
        readyDuringOutage = await readiness(h.url);
        return readyDuringOutage.status === 503;
      });
    };
    const restartRedis = async (): Promise<void> => {
      await redis!.restart();
      await waitUntil('readyz reports ready again', async () => {
        readyAfterRestart = await readiness(h.url);
        return readyAfterRestart.status === 200;
      });
    };

    pushes = await streamTextPushes({
      sim: h.sim,
      account: h.account,
      msgIds: distinctMsgIds(PUSHES),
      inFlight: IN_FLIGHT,
      paceMs: 10,
      before: async (index) => {
        if (index >= KILL_AT) await (killed ??= killRedis());
        if (index >= RESTART_AT) await (restarted ??= restartRedis());
      },
    });

    const acknowledgedIds = pushes.filter(acknowledged).map((p) => p.msgId);
    await waitUntil('every acknowledged push reached the app and every outbox row is done', async () => {
      const received = receivedMsgIds(app!);
      return acknowledgedIds.every((id) => received.has(id)) && (await outboxRows(h.gateway.dataSource)).every((r) => r.status === 'done');
    }, { timeoutMs: 60_000, explain: async () => ({ received: receivedMsgIds(app!).size, acknowledged: acknowledgedIds.length }) });

    archived = await archivedPushes(h.gateway.dataSource, h.config.keys.path);
    outboxStatuses = {};
    for (const r of await outboxRows(h.gateway.dataSource)) outboxStatuses[r.status] = (outboxStatuses[r.status] ?? 0) + 1;
    process.stderr.write(
      `redis-outage [${kind}]: outcomes ${JSON.stringify(outcomeCounts(pushes))}, ` +
        `enqueues refused during the outage: ${log.lines.filter((l) => l.msg === 'queue unavailable; the sweeper will schedule this row').length}, ` +
        `app deliveries ${app.received.length} (${receivedByEventId(app).size} distinct events)\n`,
    );
  }, 120_000);

  afterAll(async () => {
    await harness?.close({ drop: true });
    await redis?.kill();
    await app?.close();
  });

  it('acknowledges every push on the first attempt while Redis is down: the database is the truth', () => {
    expect(outcomeCounts(pushes)).toEqual({ acked: PUSHES });
    expect(pushes.every((p) => p.report.attempts.length === 1)).toBe(true);
  });

  it('reports not ready while Redis is down (queue check failing, database ok), and ready after it returns', () => {
    expect(readyDuringOutage?.status).toBe(503);
    expect(readyDuringOutage?.checks).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'database', ok: true }),
      expect.objectContaining({ name: 'queue', ok: false }),
    ]));
    expect(readyAfterRestart?.status).toBe(200);
  });

  it('hands the rows it could not enqueue to the sweeper (the outage really hit the enqueue path)', () => {
    const refused = log.lines.filter((l) => l.msg === 'queue unavailable; the sweeper will schedule this row');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((l) => typeof l.time === 'string' && Date.parse(l.time) >= redisKilledAtMs)).toBe(true);
  });

  it('delivers every acknowledged push to the co-wechat app after Redis returns, without restarting the gateway', () => {
    const byEvent = receivedByEventId(app!);
    const eventOf = new Map(archived.map((a) => [a.msgId, a.eventId]));
    for (const push of pushes) expect(byEvent.get(eventOf.get(push.msgId)!)).toEqual(new Set([push.msgId]));
    expect(byEvent.size).toBe(PUSHES);
  });

  it('archives each push exactly once and ends with every outbox row done', () => {
    expect(duplicates(archived.map((a) => a.msgId))).toEqual([]);
    expect(new Set(archived.map((a) => a.msgId))).toEqual(new Set(pushes.map((p) => p.msgId)));
    expect(outboxStatuses).toEqual({ done: PUSHES });
  });
});
