/**
 * The puller's read-ahead: while a full batch commits, the next one is
 * fetched (asked for as soon as the envelope before it is read) and
 * decrypted, but it is committed only after the batch before it,
 * from the seq that batch left the cursor at. When a commit fails, the batch
 * read ahead is dropped: nothing after the failure is committed, and the same
 * seqs are pulled again (no gap, no duplicate). A batch read ahead commits
 * from the cursor row its predecessor's transaction wrote (the compare-and-set
 * still guards it) instead of reading it back. On SQLite and PostgreSQL, with
 * an SDK double (the subject is the puller).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { ArchiveWriter } from '../../gateway/archive/writer';
import type { Gateway } from '../../gateway/create-gateway';
import type { MsgauditCursorStore } from '../../gateway/msgaudit/cursor-store';
import { MsgauditPuller } from '../../gateway/msgaudit/msgaudit-puller';
import type { UnwrapPool } from '../../gateway/msgaudit/unwrap-pool';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { until } from '../until';
import { fakeFinanceSdk, fakeKeyring, fakeTexts, type FakeFinanceSdk } from './fake-finance-sdk';
import { archived, CORP, cursorAt, cursorOf, msgauditConfig, newCorpId, startGateway } from './msgaudit-harness';

const standin = useFinanceStandin();

for (const kind of DATABASE_KINDS) {
  describe(`msgaudit read-ahead [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;
    let gateway: Gateway;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-ahead-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      standin.control.load({ corps: {} });
      // The gateway's own corp is not the one under test: only its stores and writer are used.
      gateway = standin.track(await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId: newCorpId() })));
    });

    function pullerFor(corpId: string, sdk: FakeFinanceSdk, archive: Pick<ArchiveWriter, 'appendAll'>, batchLimit: number, cursors: MsgauditCursorStore = gateway.msgaudit.cursors, unwrapPool?: Pick<UnwrapPool, 'unwrap'>): MsgauditPuller {
      return new MsgauditPuller({
        corp: { accountId: CORP, corpId }, sdk: async () => sdk, keyring: fakeKeyring, archive, ...(unwrapPool ? { unwrapPool } : {}),
        cursors, leases: gateway.msgaudit.leases,
        policy: { batchLimit, pullIntervalMs: 60_000, leaseTtlMs: 10_000, backoffBaseMs: 20, backoffMaxMs: 50, decryptChunk: 4, callOptions: {} },
        logger: pino({ level: 'silent' }), now: Date.now,
      });
    }

    it('fetches the next full batch while one commits and commits the backlog in seq order, each seq once', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk(fakeTexts(25));
      // Counts the cursor reads: a batch read ahead commits from the row its predecessor's transaction wrote.
      let reads = 0;
      const cursors: MsgauditCursorStore = Object.create(gateway.msgaudit.cursors, {
        read: { value: (id: string) => (reads++, gateway.msgaudit.cursors.read(id)) },
      });
      const puller = pullerFor(corpId, sdk, gateway.msgaudit.archive, 10, cursors);
      const commits: string[] = [];
      puller.onPull((r) => commits.push(`${r.fromSeq}→${r.toSeq}`));
      puller.start();
      try {
        await cursorAt(gateway, corpId, '25');
        // 10 → ahead 10 (full) → ahead 20 (5 records: drained, nothing further read ahead).
        expect(sdk.calls).toEqual([{ seq: '0', limit: 10 }, { seq: '10', limit: 10 }, { seq: '20', limit: 10 }]);
        expect(commits).toEqual(['0→10', '10→20', '20→25']);
        expect(reads).toBe(2); // opening the row, and the first pull
        expect((await archived(gateway, corpId)).map((r) => r.event!.msgid)).toEqual(sdk.records.map((r) => r.msgid));
      } finally {
        await puller.stop();
      }
    });

    it('asks for the next batches as soon as the envelope of a full one is read, before its keys are unwrapped', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk(fakeTexts(25));
      // An unwrap pool double that answers nothing until released: no batch can be decrypted meanwhile.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const encryptKey = fakeKeyring.unwrapRandomKey(1, '');
      const unwrapPool = { unwrap: async (_corp: string, requests: readonly unknown[]) => released.then(() => requests.map(() => ({ encryptKey }))) };
      const puller = pullerFor(corpId, sdk, gateway.msgaudit.archive, 10, gateway.msgaudit.cursors, unwrapPool);
      puller.start();
      try {
        // The batch at 0 and the two read ahead (READ_AHEAD_BATCHES) were all asked for with no key unwrapped yet.
        await until('three GetChatData calls', () => (sdk.calls.length >= 3 ? true : undefined));
        expect(sdk.calls).toEqual([{ seq: '0', limit: 10 }, { seq: '10', limit: 10 }, { seq: '20', limit: 10 }]);
        expect((await cursorOf(gateway, corpId))!.lastSeq).toBe('0');
        release();
        await cursorAt(gateway, corpId, '25');
        expect((await archived(gateway, corpId)).map((r) => r.event!.msgid)).toEqual(sdk.records.map((r) => r.msgid));
      } finally {
        release();
        await puller.stop();
      }
    });

    it('drops the batch read ahead when a commit fails: nothing after the failure is committed, then no gap and no duplicate', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk(fakeTexts(30));
      const writer = gateway.msgaudit.archive;
      const commits: string[] = [];
      let failures = 1;
      let callsAtFailure: { seq: string; limit: number }[] | undefined;
      // The second batch's transaction fails once (a database outage), after the third was read ahead.
      const archive: Pick<ArchiveWriter, 'appendAll'> = {
        appendAll: async (entries, effects) => {
          const first = (entries[0]!.payload as { event: { seq: string } }).event.seq;
          if (first === '11' && failures-- > 0) {
            commits.push(`${first} failed`);
            callsAtFailure = [...sdk.calls];
            throw new Error('connection terminated unexpectedly');
          }
          const results = await writer.appendAll(entries, effects);
          commits.push(first);
          return results;
        },
      };
      const puller = pullerFor(corpId, sdk, archive, 10);
      puller.start();
      try {
        await cursorAt(gateway, corpId, '30');
        // The batch after the failing one had been read ahead…
        expect(callsAtFailure!.slice(0, 3)).toEqual([{ seq: '0', limit: 10 }, { seq: '10', limit: 10 }, { seq: '20', limit: 10 }]);
        // …and was dropped: the failed seqs were pulled again, and nothing after them committed first.
        expect(sdk.calls.slice(callsAtFailure!.length, callsAtFailure!.length + 2)).toEqual([{ seq: '10', limit: 10 }, { seq: '20', limit: 10 }]);
        expect(commits).toEqual(['1', '11 failed', '11', '21']);
        const rows = await archived(gateway, corpId);
        expect(rows.map((r) => r.event!.msgid)).toEqual(sdk.records.map((r) => r.msgid));
      } finally {
        await puller.stop();
      }
    });

    it('stops without committing the batch read ahead, and leaves the cursor after the last committed batch', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk(fakeTexts(40));
      const writer = gateway.msgaudit.archive;
      let puller: MsgauditPuller | undefined;
      let stopping: Promise<void> | undefined;
      // Stop is asked for while the first batch commits, once the second has been read ahead.
      const archive: Pick<ArchiveWriter, 'appendAll'> = {
        appendAll: async (entries, effects) => {
          if (sdk.calls.length >= 2) stopping ??= puller!.stop();
          return writer.appendAll(entries, effects);
        },
      };
      puller = pullerFor(corpId, sdk, archive, 10);
      puller.start();
      await until('the stop', () => (stopping ? true : undefined));
      await stopping;
      expect((await cursorOf(gateway, corpId))!.lastSeq).toBe('10');
      expect((await archived(gateway, corpId)).map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    });
  });
}
