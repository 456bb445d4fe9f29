/**
 * kill -9 in the middle of a stream of pushes. The gateway runs as a child
 * process (gateway-process.ts); the simulator streams 200 text messages with
 * distinct MsgIds, 8 in flight, and the gateway is SIGKILLed once 60 of them
 * have been acknowledged, then restarted on the same database, data directory
 * and port while the stream goes on. Pushes that got no 200 are re-sent byte
 * for byte once it is back, as Tencent's (spaced) retries would be.
 *
 * A second scenario kills the gateway while the app's passive replies are
 * pending: every push in flight is then committed but not yet answered, so the
 * path "committed before the crash, acknowledged after it by a Tencent retry,
 * not archived twice" is taken every time, not only when the kill happens to
 * fall between a commit and its answer.
 *
 * Proves invariants 1 and 2 of DESIGN.md across a crash: every push answered
 * 200 is in the archive exactly once, reaches the internal app (at least once,
 * deduplicated by cgw_event_id) through the sweeper, and the hash chains verify.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyArchive, type VerifyReport } from '../../gateway/archive/verify/verify-archive';
import { createSimulatedAccount } from '../../gateway/simulator/accounts';
import { createTencentSimulator } from '../../gateway/simulator/simulator';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { harnessConfig, testAppCredentials } from '../gateway-harness';
import { startCoWechatApp, type AppBehaviour, type TestInternalApp } from '../internal-apps';
import { GatewayProcess, freePort, writeGatewayConfig } from './gateway-child';
import { waitUntil } from './probes';
import {
  acknowledged, acknowledgedInStream, distinctMsgIds, outcomeCounts, resendUnacknowledged, streamTextPushes, type StreamedPush,
} from './push-stream';
import {
  archivedPushes, archivedReplies, duplicates, inspect, outboxRows, receivedByEventId, receivedMsgIds, type ArchivedPush,
} from './read-back';

const IN_FLIGHT = 8;
const ATTEMPT_TIMEOUT_MS = 2000;

interface KillScenario {
  title: string;
  pushes: number;
  /** SIGKILL once this many pushes were answered 200… */
  killAfterAcks?: number;
  /** …or once the app has received this many pushes (with a replier, each is committed and awaiting its reply). */
  killAfterAppReceipts?: number;
  /** Pushes from here on wait until the restarted gateway listens: "the rest of the stream". */
  holdFrom: number;
  app: AppBehaviour;
  /** The app is the account's replier: its passive reply is awaited inside the callback. */
  replies: boolean;
  forwardingConcurrency: number;
  /** Whether every run must catch pushes committed but not yet answered at the kill. */
  alwaysCommittedButUnanswered: boolean;
}

const SCENARIOS: KillScenario[] = [
  {
    title: 'gateway SIGKILLed mid-stream and restarted',
    pushes: 200,
    killAfterAcks: 60,
    holdFrom: 150,
    // A slowish app and two forwarding workers: a backlog builds, so rows are pending when the gateway dies.
    app: () => ({ delayMs: 20, then: '' }),
    replies: false,
    forwardingConcurrency: 2,
    alwaysCommittedButUnanswered: false,
  },
  {
    title: 'gateway SIGKILLed while passive replies are pending, and restarted',
    pushes: 48,
    // 300 ms per reply: the pushes the app holds when it sees its 20th are all committed, none answered.
    killAfterAppReceipts: 20,
    holdFrom: 36,
    app: (message) => ({ delayMs: 300, then: `received ${String(message.MsgId)}` }),
    replies: true,
    forwardingConcurrency: 4,
    alwaysCommittedButUnanswered: true,
  },
];

for (const scenario of SCENARIOS) {
  describe.each(DATABASE_KINDS)(`${scenario.title} [%s]`, (kind) => {
    const PUSHES = scenario.pushes;
    let db: TestDatabase | undefined;
    let dataDir: string | undefined;
    let app: TestInternalApp | undefined;
    let gateway: GatewayProcess | undefined;
    let logPath = '';

    let pushes: StreamedPush[] = [];
    let archived: ArchivedPush[] = [];
    let replies: { inboundRecordId: string; replyXml: string }[] = [];
    let committedButUnacknowledged: StreamedPush[] = [];
    let ackedButNotArchivedBeforeResend: string[] = [];
    let pendingAtKill = -1;
    let verifyReport: VerifyReport | undefined;
    let outboxStatuses: Record<string, number> = {};
    let outboxPerRecord = new Map<string, number>();

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy(); // the gateway process opens its own
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-kill9-'));
      logPath = join(dataDir, 'gateway.log');
      const credentials = testAppCredentials();
      let onAppReceipt: (n: number) => void = () => undefined;
      app = await startCoWechatApp(credentials, (message, n) => {
        onAppReceipt(n);
        return scenario.app(message, n);
      });
      const port = await freePort();
      const account = createSimulatedAccount({ callbackUrl: `http://127.0.0.1:${port}/callback/oa/test-oa`, mode: 'safe' });
      const config = harnessConfig(db, dataDir, account, {
        kind,
        apps: [{ id: 'crm', credentials, url: app.url, replies: scenario.replies }],
        overlay: {
          server: { host: '127.0.0.1', port, shutdownGraceMs: 3000 },
          forwarding: { timeoutMs: 2000, backoffBaseMs: 50, backoffMaxMs: 500, sweepIntervalMs: 200, maxAttempts: 20, concurrency: scenario.forwardingConcurrency },
          logging: { level: 'warn' },
        },
      });
      const configPath = join(dataDir, 'gateway.yaml');
      writeGatewayConfig(configPath, config);
      gateway = await GatewayProcess.start(configPath, logPath);

      const sim = createTencentSimulator({ accounts: [account], attemptTimeoutMs: ATTEMPT_TIMEOUT_MS });
      let acks = 0;
      let crash: Promise<void> | undefined;
      const killAndRestart = async (): Promise<void> => {
        await gateway!.kill();
        pendingAtKill = await inspect(db!.config, async (ds) => (await outboxRows(ds)).filter((r) => r.status === 'pending').length);
        gateway = await GatewayProcess.start(configPath, logPath);
      };
      onAppReceipt = (n) => {
        if (scenario.killAfterAppReceipts !== undefined && n >= scenario.killAfterAppReceipts && !crash) crash = killAndRestart();
      };

      pushes = await streamTextPushes({
        sim,
        account,
        msgIds: distinctMsgIds(PUSHES),
        inFlight: IN_FLIGHT,
        paceMs: 20,
        failurePaceMs: 250,
        before: (index) => (index >= scenario.holdFrom ? crash : undefined),
        onResult: (push) => {
          if (acknowledgedInStream(push)) acks += 1;
          if (scenario.killAfterAcks !== undefined && acks >= scenario.killAfterAcks && !crash) crash = killAndRestart();
        },
      });
      await crash;

      // What had been committed when the gateway died, although Tencent never got its 200.
      const beforeResend = new Set((await inspect(db.config, (ds) => archivedPushes(ds, config.keys.path))).map((a) => a.msgId));
      committedButUnacknowledged = pushes.filter((p) => !acknowledgedInStream(p) && beforeResend.has(p.msgId));
      ackedButNotArchivedBeforeResend = pushes.filter((p) => acknowledgedInStream(p) && !beforeResend.has(p.msgId)).map((p) => p.msgId);
      await resendUnacknowledged(pushes, { attemptTimeoutMs: ATTEMPT_TIMEOUT_MS });

      const acknowledgedIds = pushes.filter(acknowledged).map((p) => p.msgId);
      await waitUntil('every acknowledged push reached the app and every outbox row is done', async () => {
        const received = receivedMsgIds(app!);
        if (!acknowledgedIds.every((id) => received.has(id))) return false;
        return inspect(db!.config, async (ds) => (await outboxRows(ds)).every((r) => r.status === 'done'));
      }, { timeoutMs: 60_000, explain: async () => ({ received: receivedMsgIds(app!).size, acknowledged: acknowledgedIds.length, log: logPath }) });

      await gateway.stop();
      await inspect(db.config, async (ds) => {
        archived = await archivedPushes(ds, config.keys.path);
        replies = await archivedReplies(ds, config.keys.path);
        const rows = await outboxRows(ds);
        outboxStatuses = {};
        outboxPerRecord = new Map();
        for (const r of rows) {
          outboxStatuses[r.status] = (outboxStatuses[r.status] ?? 0) + 1;
          outboxPerRecord.set(r.recordId, (outboxPerRecord.get(r.recordId) ?? 0) + 1);
        }
        verifyReport = await verifyArchive(ds, { trustedCaPem: readFileSync(join(config.archive.pkiDir, 'ca.crt'), 'utf8') });
      });
      process.stderr.write(
        `${scenario.title} [${kind}]: outcomes ${JSON.stringify(outcomeCounts(pushes))}, ` +
          `committed but unanswered at the kill: ${committedButUnacknowledged.length}, outbox rows pending at the kill: ${pendingAtKill}, ` +
          `archived ${archived.length} pushes (${verifyReport?.records} records), app deliveries ${app.received.length} (${receivedByEventId(app).size} distinct events)\n`,
      );
    }, 180_000);

    afterAll(async () => {
      await gateway?.kill();
      await app?.close();
      await db?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('really crashed mid-stream: pushes were answered before the kill, some got no answer, the rest after the restart', () => {
      const firstFailure = pushes.findIndex((p) => p.report.outcome === 'failed');
      expect(firstFailure).toBeGreaterThan(0);
      expect(pushes.slice(0, firstFailure).every(acknowledgedInStream)).toBe(true);
      expect(pushes.filter((p) => p.index >= scenario.holdFrom).every(acknowledgedInStream)).toBe(true);
    });

    it('had forwards pending in the outbox when the gateway died (the queue lost them; the sweeper recovered them)', () => {
      expect(pendingAtKill).toBeGreaterThan(0);
    });

    if (scenario.alwaysCommittedButUnanswered) {
      it("had pushes committed but not answered when the gateway died; Tencent's retries of them are answered 200", () => {
        expect(committedButUnacknowledged.length).toBeGreaterThan(0);
        expect(committedButUnacknowledged.every((p) => p.resendStatus === 200)).toBe(true);
      });
    }

    if (scenario.replies) {
      it('archived every passive reply Tencent received before returning it (archive before effect)', () => {
        const recordOf = new Map(archived.map((a) => [a.msgId, a.recordId]));
        const replied = pushes.filter((p) => p.report.outcome === 'replied');
        expect(replied.length).toBeGreaterThan(0);
        for (const push of replied) {
          const archivedReply = replies.filter((r) => r.inboundRecordId === recordOf.get(push.msgId));
          expect(archivedReply.map((r) => r.replyXml)).toEqual([push.report.reply]);
          expect(push.report.reply).toContain(`received ${push.msgId}`);
        }
      });
    }

    it('archives every push that was answered 200, matched by MsgId in the decrypted records', () => {
      // Answered 200 by the gateway that was killed or by the restarted one, before any re-send.
      expect(ackedButNotArchivedBeforeResend).toEqual([]);
      const archivedIds = new Set(archived.map((a) => a.msgId));
      const missing = pushes.filter(acknowledged).filter((p) => !archivedIds.has(p.msgId));
      expect(missing.map((p) => p.msgId)).toEqual([]);
      // After the re-sends every push of the stream was answered 200, so the archive holds exactly the stream.
      expect(pushes.every(acknowledged)).toBe(true);
      expect([...archivedIds].sort()).toEqual(pushes.map((p) => p.msgId).sort());
    });

    it('archives no push twice, although retries of committed pushes arrived after the restart', () => {
      expect(duplicates(archived.map((a) => a.msgId))).toEqual([]);
      expect(archived).toHaveLength(PUSHES);
    });

    it('delivers every acknowledged push to the co-wechat app at least once, one cgw_event_id per push', () => {
      const byEvent = receivedByEventId(app!);
      const eventOf = new Map(archived.map((a) => [a.msgId, a.eventId]));
      for (const push of pushes.filter(acknowledged)) {
        expect(byEvent.get(eventOf.get(push.msgId)!)).toEqual(new Set([push.msgId]));
      }
      expect(byEvent.size).toBe(PUSHES);
    });

    it('leaves every outbox row done, one per archived push', () => {
      expect(outboxStatuses).toEqual({ done: PUSHES });
      expect([...outboxPerRecord.values()].every((n) => n === 1)).toBe(true);
      expect(new Set(outboxPerRecord.keys())).toEqual(new Set(archived.map((a) => a.recordId)));
    });

    it('verifies the archive hash chains after the crash', () => {
      expect(verifyReport).toMatchObject({ ok: true, chainFindings: [], checkpointFindings: [] });
      expect(verifyReport!.records).toBeGreaterThanOrEqual(PUSHES);
    });
  });
}
