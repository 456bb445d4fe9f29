/**
 * The database goes away under a running gateway, and comes back.
 *
 * PostgreSQL only: SQLite is a file inside the gateway's own process, so there
 * is no server to take away (a lost or read-only disk is another fault, not
 * this one). The outage is made from an admin connection, as a failover or
 * an operator would cause it: `ALTER DATABASE … ALLOW_CONNECTIONS false` (no
 * new sessions) plus `pg_terminate_backend` for every session the gateway's
 * pool holds; it ends with `ALLOW_CONNECTIONS true`. The gateway is never
 * restarted: its pool must reconnect by itself.
 *
 * Proves invariant 1's failure mode ("with the database down the gateway
 * fails closed with a retryable error"): pushes during the outage are refused
 * with 503 so Tencent retries, nothing answered 200 is missing from the
 * archive, readiness follows the database, and once it is back new pushes and
 * Tencent's retries of the refused ones are archived (once) and delivered.
 */
import type { Client } from 'pg';
import { verifyArchive, type VerifyReport } from '../../gateway/archive/verify/verify-archive';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, testAppCredentials, type Harness } from '../gateway-harness';
import { startCoWechatApp, type TestInternalApp } from '../internal-apps';
import { connectPostgresAdmin, quoteIdentifier } from '../postgres-template';
import { capturedLogger, readiness, sleep, waitUntil } from './probes';
import {
  acknowledged, acknowledgedInStream, distinctMsgIds, outcomeCounts, resendUnacknowledged, streamTextPushes, type StreamedPush,
} from './push-stream';
import { archivedPushes, duplicates, outboxRows, receivedByEventId, receivedMsgIds, type ArchivedPush } from './read-back';

const PUSHES = 120;
const IN_FLIGHT = 8;
/** Pushes from this index on are sent after the database was taken away… */
const OUTAGE_AT = 40;
/** …and from this one on after it was given back. */
const RESTORE_AT = 80;
const ATTEMPT_TIMEOUT_MS = 2000;

type Readiness = Awaited<ReturnType<typeof readiness>>;

describe('database unavailable under a running gateway [postgres]', () => {
  let admin: Client | undefined;
  let app: TestInternalApp | undefined;
  let harness: Harness | undefined;
  let database = '';
  let outage = false;
  const log = capturedLogger('warn');

  let pushes: StreamedPush[] = [];
  let archived: ArchivedPush[] = [];
  let archivedBeforeResend = new Set<string>();
  let acknowledgedBeforeResend: StreamedPush[] = [];
  let readyDuringOutage: Readiness | undefined;
  let readyAfterRestore: Readiness | undefined;
  let sessionsTerminated = 0;
  let outageStartedAtMs = 0;
  let restoreStartedAtMs = 0;
  let outboxStatuses: Record<string, number> = {};
  let verifyReport: VerifyReport | undefined;

  const allowConnections = async (allow: boolean): Promise<void> => {
    if (allow) restoreStartedAtMs = Date.now();
    await admin!.query(`ALTER DATABASE ${quoteIdentifier(database)} ALLOW_CONNECTIONS ${allow}`);
    outage = !allow;
  };

  beforeAll(async () => {
    admin = await connectPostgresAdmin();
    admin.on('error', () => undefined); // reported by the query that fails, if any
    const credentials = testAppCredentials();
    app = await startCoWechatApp(credentials);
    harness = await startHarness({
      kind: 'postgres',
      apps: [{ id: 'crm', credentials, url: app.url }],
      overlay: { forwarding: { timeoutMs: 2000, backoffBaseMs: 50, backoffMaxMs: 500, sweepIntervalMs: 200, maxAttempts: 20 } },
      logger: log.logger,
      attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
    });
    const h = harness;
    if (h.db.config.type !== 'postgres') throw new Error('this test needs PostgreSQL');
    database = decodeURIComponent(new URL(h.db.config.url).pathname.slice(1));

    let down: Promise<void> | undefined;
    let up: Promise<void> | undefined;
    const takeDatabaseAway = async (): Promise<void> => {
      await allowConnections(false);
      // Two statements on purpose: in one, the planner may call pg_terminate_backend before the datname
      // filter and end every session on the (shared) server. No new session can start in between.
      const sessions = await admin!.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      const pids = sessions.rows.map((r) => r.pid);
      const terminated = await admin!.query<{ pid: number }>(
        'SELECT pid FROM unnest($1::int[]) AS pid WHERE pg_terminate_backend(pid)',
        [pids],
      );
      sessionsTerminated = terminated.rowCount ?? 0;
      outageStartedAtMs = Date.now();
      await waitUntil('readyz reports the database down', async () => {
        readyDuringOutage = await readiness(h.url);
        return readyDuringOutage.status === 503;
      });
      await sleep(500); // let the sweeper and the forward workers meet the outage a few times
    };
    const giveDatabaseBack = async (): Promise<void> => {
      await allowConnections(true);
      await waitUntil('readyz reports ready again without a restart', async () => {
        readyAfterRestore = await readiness(h.url);
        return readyAfterRestore.status === 200;
      }, { explain: () => readyAfterRestore });
    };

    pushes = await streamTextPushes({
      sim: h.sim,
      account: h.account,
      msgIds: distinctMsgIds(PUSHES),
      inFlight: IN_FLIGHT,
      paceMs: 10,
      failurePaceMs: 100,
      before: async (index) => {
        if (index >= OUTAGE_AT) await (down ??= takeDatabaseAway());
        if (index >= RESTORE_AT) await (up ??= giveDatabaseBack());
      },
    });

    acknowledgedBeforeResend = pushes.filter(acknowledgedInStream);
    archivedBeforeResend = new Set((await archivedPushes(h.gateway.dataSource, h.config.keys.path)).map((a) => a.msgId));
    // Tencent's retries of the refused pushes, spaced past the outage: the very same query and body.
    await resendUnacknowledged(pushes, { attemptTimeoutMs: ATTEMPT_TIMEOUT_MS });

    await waitUntil('every push reached the app and every outbox row is done', async () => {
      const received = receivedMsgIds(app!);
      return pushes.every((p) => received.has(p.msgId)) && (await outboxRows(h.gateway.dataSource)).every((r) => r.status === 'done');
    }, { timeoutMs: 60_000, explain: async () => ({ received: receivedMsgIds(app!).size, outcomes: outcomeCounts(pushes) }) });

    archived = await archivedPushes(h.gateway.dataSource, h.config.keys.path);
    outboxStatuses = {};
    for (const r of await outboxRows(h.gateway.dataSource)) outboxStatuses[r.status] = (outboxStatuses[r.status] ?? 0) + 1;
    verifyReport = await verifyArchive(h.gateway.dataSource, { trustedCaPem: readFileSync(join(h.config.archive.pkiDir, 'ca.crt'), 'utf8') });
    process.stderr.write(
      `database-outage: ${sessionsTerminated} gateway sessions terminated, outcomes ${JSON.stringify(outcomeCounts(pushes))}, ` +
        `answers to the ${duringOutage().length} pushes sent during the outage ${JSON.stringify(answersDuringOutage())}, app deliveries ${app.received.length} (${receivedByEventId(app).size} distinct events)\n`,
    );
  }, 120_000);

  afterAll(async () => {
    if (admin && outage) await allowConnections(true).catch(() => undefined);
    await harness?.close({ drop: true });
    await app?.close();
    await admin?.end();
  });

  /** Pushes whose every attempt began and ended while the database was away (others straddle a boundary). */
  function duringOutage(): StreamedPush[] {
    return pushes.filter((p) => p.startedAtMs >= outageStartedAtMs && p.finishedAtMs <= restoreStartedAtMs);
  }

  /** HTTP statuses (or errors) of every attempt of the pushes sent while the database was away. */
  function answersDuringOutage(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const p of duringOutage()) {
      for (const a of p.report.attempts) {
        const key = a.status !== undefined ? String(a.status) : 'error';
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    return counts;
  }

  it('terminated the sessions of the gateway pool', () => {
    expect(sessionsTerminated).toBeGreaterThan(0);
  });

  it('answers 503 to every push while the database is away, so Tencent retries', () => {
    const during = duringOutage();
    expect(during.length).toBeGreaterThanOrEqual(RESTORE_AT - OUTAGE_AT - IN_FLIGHT);
    expect(during.map((p) => p.report.outcome)).toEqual(during.map(() => 'failed'));
    expect(answersDuringOutage()).toEqual({ '503': during.length * 3 });
  });

  it('acknowledges nothing it did not commit: every push answered 200 in the stream was archived', () => {
    const missing = acknowledgedBeforeResend.filter((p) => !archivedBeforeResend.has(p.msgId));
    expect(missing.map((p) => p.msgId)).toEqual([]);
    // …and what was refused was not archived either (so the retries below are new records, not duplicates).
    expect(duringOutage().filter((p) => archivedBeforeResend.has(p.msgId))).toEqual([]);
  });

  it('reports not ready while the database is away, and ready again after it returns, without a restart', () => {
    expect(readyDuringOutage?.status).toBe(503);
    expect(readyDuringOutage?.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'database', ok: false })]));
    expect(readyAfterRestore?.status).toBe(200);
  });

  it('accepts new pushes after the database returns', () => {
    const after = pushes.filter((p) => p.index >= RESTORE_AT);
    expect(after.every((p) => p.report.outcome === 'acked')).toBe(true);
  });

  it("accepts Tencent's retries of the refused pushes after the database returns, archiving each push once", () => {
    expect(pushes.every(acknowledged)).toBe(true);
    expect(duplicates(archived.map((a) => a.msgId))).toEqual([]);
    expect(new Set(archived.map((a) => a.msgId))).toEqual(new Set(pushes.map((p) => p.msgId)));
  });

  it('delivers every push to the app (one cgw_event_id each) and ends with every outbox row done', () => {
    const byEvent = receivedByEventId(app!);
    const eventOf = new Map(archived.map((a) => [a.msgId, a.eventId]));
    for (const push of pushes) expect(byEvent.get(eventOf.get(push.msgId)!)).toEqual(new Set([push.msgId]));
    expect(outboxStatuses).toEqual({ done: PUSHES });
  });

  it('leaves hash chains that verify', () => {
    expect(verifyReport).toMatchObject({ ok: true, chainFindings: [], checkpointFindings: [] });
  });
});
