/**
 * Chat-archive ingestion end to end against the Finance SDK stand-in, on
 * SQLite and PostgreSQL: GetChatData → RSA unwrap → DecryptData → parse →
 * archive + cursor in one transaction, read back through the gateway's
 * ArchiveReader. Each test has its own CorpID (cursor and dedupe keys of its
 * own) in the file's database; the stand-in's allocation counters are
 * checked after every test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MSGAUDIT_MESSAGE_TYPES } from '../../connectors/canonical/msgaudit-event';
import { rsaPair } from '../../connectors/wecom/msgaudit/keys/__tests__/test-keys';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { StandinChatRecord } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import type { Gateway } from '../../gateway/create-gateway';
import { MSGAUDIT_CURSOR_ENTITY } from '../../gateway/db/entities';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { until } from '../until';
import {
  archived, CORP, cursorAt, cursorOf, everyMessageType, KEYS, msgauditConfig, newCorpId, nextPull, sealed, sealedText, SECRET, startGateway, textMessage,
} from './msgaudit-harness';

const standin = useFinanceStandin();

/** The gateway, its close() made idempotent (a test may close it before the leak check does). */
function closeOnce(gateway: Gateway): Gateway {
  const close = gateway.close.bind(gateway);
  let closing: Promise<void> | undefined;
  gateway.close = () => (closing ??= close());
  return gateway;
}

/** Flip one byte of a base64 value at `offset` (of the decoded bytes). */
function corrupt(base64: string, offset: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[offset] = bytes[offset]! ^ 0x5a;
  return bytes.toString('base64');
}

for (const kind of DATABASE_KINDS) {
  describe(`msgaudit ingestion [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy(); // the gateways open their own
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function start(corpId: string, chatdata: StandinChatRecord[], msgaudit: Record<string, unknown> = {}, secret = SECRET): Promise<Gateway> {
      standin.control.load({ corps: { [corpId]: { secret, chatdata } } });
      return standin.track(closeOnce(await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId, msgaudit }))));
    }

    it('archives a batch of every message type, decryptable back, with the cursor at the last seq', async () => {
      const corpId = newCorpId();
      const fixtures = everyMessageType();
      const records = fixtures.map((f, i) => sealed(i + 1, f.message, i % 2 === 0 ? 1 : 2));
      const gateway = await start(corpId, records);
      const cursor = await cursorAt(gateway, corpId, String(records.length));

      const rows = await archived(gateway, corpId);
      expect(rows.map((r) => r.recordType)).toEqual(records.map(() => 'wecom.msgaudit'));
      expect(rows.map((r) => r.event!.msgid)).toEqual(fixtures.map((f) => f.message.msgid));
      expect(rows.map((r) => r.seq)).toEqual(records.map((r) => String(r.seq)));
      const types = new Set(rows.map((r) => r.event!.type));
      for (const type of [...MSGAUDIT_MESSAGE_TYPES, 'switch', 'unknown']) expect(types).toContain(type);
      const text = rows.find((r) => r.event!.msgid === fixtures.find((f) => f.name === 'text')!.message.msgid)!;
      expect(text.event!.raw).toEqual(fixtures.find((f) => f.name === 'text')!.message);
      expect(text).toMatchObject({ accountId: CORP, subject: text.event!.from, occurredAtMs: text.event!.msgtime });
      expect(text.event!.publickeyVer).toBe(records[rows.indexOf(text)]!.publickey_ver);
      // The doc's image sample has msgtime 0: filed under the pull's day, not 1970.
      const image = rows.find((r) => r.event!.type === 'image')!;
      expect(image.event!.msgtime).toBe(0);
      expect(image.occurredAtMs).toBeGreaterThan(Date.now() - 60_000);
      expect(cursor).toMatchObject({ accountId: CORP, undecryptableCount: 0, lastErrorCode: null, stoppedAt: null, version: 1 });
      expect(cursor.lastMessageAt).toBe(Math.max(...rows.map((r) => r.event!.msgtime ?? 0)));
      expect(cursor.caughtUpAt).toBe(cursor.lastPullAt);
    });

    it('pages through the archive in batches of batchLimit, each seq archived once, in order', async () => {
      const corpId = newCorpId();
      const records = Array.from({ length: 10 }, (_, i) => sealed(i + 1, textMessage(i + 1)));
      const gateway = await start(corpId, records, { batchLimit: 3 });
      await cursorAt(gateway, corpId, '10');

      expect((await archived(gateway, corpId)).map((r) => r.seq)).toEqual(records.map((r) => String(r.seq)));
      // 0→1..3, 3→4..6, 6→7..9, 9→10 (fewer than 3: drained, the puller sleeps).
      expect(standin.control.calls('GetChatData')).toBe(4);
      expect(standin.control.lastCall()).toMatchObject({ fn: 'GetChatData', seq: '9', limit: 3 });
    });

    it('leaves the cursor where it is on an empty batch and continues after it, never from 0', async () => {
      const corpId = newCorpId();
      const gateway = await start(corpId, [1, 2, 3].map((seq) => sealed(seq, textMessage(seq))));
      const before = await cursorAt(gateway, corpId, '3');

      standin.control.setMode('GetChatData', 'empty-batch');
      const empty = nextPull(gateway, (r) => r.records === 0);
      gateway.msgaudit.wakeUp(CORP);
      expect(await empty).toMatchObject({ fromSeq: '3', toSeq: '3', records: 0, drained: true });
      const after = (await cursorOf(gateway, corpId))!;
      expect(after).toMatchObject({ lastSeq: '3', version: before.version });
      expect(after.lastPullAt).toBeGreaterThanOrEqual(before.lastPullAt!);

      standin.control.resetModes();
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: [1, 2, 3, 4, 5].map((seq) => sealed(seq, textMessage(seq))) } } });
      gateway.msgaudit.wakeUp(CORP);
      await cursorAt(gateway, corpId, '5');
      // The pull after the empty one asked after 3 (and got 4, 5, fewer than asked: drained).
      expect(standin.control.lastCall()).toMatchObject({ fn: 'GetChatData', seq: '3' });
      expect((await archived(gateway, corpId)).map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5']);
    });

    it('archives undecryptable and unparseable records raw with their typed error, counts them, and archives the records after them', async () => {
      const corpId = newCorpId();
      const other = rsaPair('msgaudit-foreign');
      const flippedBody = sealed(5, textMessage(5));
      const flippedCheck = sealed(6, textMessage(6));
      const records: StandinChatRecord[] = [
        sealed(1, textMessage(1)),
        { ...sealed(2, textMessage(2)), publickey_ver: 9 },
        sealedText(3, 'msg-3', JSON.stringify(textMessage(3)), 1, other.publicKey),
        sealedText(4, 'msg-4', '{"msgid":"msg-4","action":"send",', 1, KEYS[1].publicKey),
        { ...flippedBody, encrypt_chat_msg: corrupt(flippedBody.encrypt_chat_msg, 30) },
        { ...flippedCheck, encrypt_chat_msg: corrupt(flippedCheck.encrypt_chat_msg, 4) },
        sealed(7, textMessage(7), 2),
      ];
      const gateway = await start(corpId, records);
      const cursor = await cursorAt(gateway, corpId, '7');

      const rows = await archived(gateway, corpId);
      expect(rows.map((r) => [r.seq, r.recordType])).toEqual([
        ['1', 'wecom.msgaudit'], ['2', 'wecom.msgaudit.raw'], ['3', 'wecom.msgaudit.raw'], ['4', 'wecom.msgaudit.raw'],
        ['5', 'wecom.msgaudit.raw'], ['6', 'wecom.msgaudit.raw'], ['7', 'wecom.msgaudit'],
      ]);
      const errorOf = (seq: string) => (rows.find((r) => r.seq === seq)!.payload.error as { code: string }).code;
      expect(errorOf('2')).toBe('key.key-version-missing');
      expect(errorOf('3')).toBe('key.decrypt-failed');
      expect(errorOf('4')).toBe('parse.malformed-json');
      expect(errorOf('5')).toMatch(/^parse\./);
      expect(errorOf('6')).toBe('finance-sdk.10006');
      // Everything needed to decrypt it later, exactly as received.
      expect(rows.find((r) => r.seq === '2')!.payload).toMatchObject({
        corpId, seq: '2', msgid: 'msg-2', publickeyVer: 9, encryptRandomKey: records[1]!.encrypt_random_key, encryptChatMsg: records[1]!.encrypt_chat_msg,
        error: { code: 'key.key-version-missing', stage: 'unwrap', reason: expect.stringContaining('publickey_ver 9') },
      });
      expect(rows.find((r) => r.seq === '2')!.subject).toBeNull();
      expect(cursor.undecryptableCount).toBe(5);
      const metrics = await gateway.metrics.registry.getSingleMetricAsString('cgw_msgaudit_undecryptable_total');
      expect(metrics).toContain('code="key.key-version-missing"} 1');
      expect(metrics).toContain('code="finance-sdk.10006"} 1');
    });

    it('retries a retryable GetChatData failure on the same seq: nothing after the failure is marked done, then no gap and no duplicate', async () => {
      const corpId = newCorpId();
      const all = Array.from({ length: 6 }, (_, i) => sealed(i + 1, textMessage(i + 1)));
      const gateway = await start(corpId, all.slice(0, 2), { batchLimit: 2, backoffBaseMs: 300, backoffMaxMs: 300 });
      await cursorAt(gateway, corpId, '2');

      standin.control.setMode('GetChatData', 'retryable', { count: 2 });
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: all } } });
      standin.control.resetCalls();
      gateway.msgaudit.wakeUp(CORP);
      const during = await until('the first failed pull to be recorded', async () => {
        const row = await cursorOf(gateway, corpId);
        return row?.lastErrorCode === 'finance-sdk.10001' ? row : undefined;
      });
      expect(during.lastSeq).toBe('2');
      expect((await archived(gateway, corpId)).map((r) => r.seq)).toEqual(['1', '2']);

      const recovered = await cursorAt(gateway, corpId, '6');
      expect(recovered.lastErrorCode).toBeNull();
      expect((await archived(gateway, corpId)).map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5', '6']);
      const errors = await gateway.metrics.registry.getSingleMetricAsString('cgw_msgaudit_pull_errors_total');
      expect(errors).toContain('code="finance-sdk.10001",retry="backoff"} 2');
    });

    it('retries a retryable DecryptData failure instead of archiving the record raw', async () => {
      const corpId = newCorpId();
      standin.control.setMode('DecryptData', 'retryable', { count: 2 });
      const gateway = await start(corpId, [1, 2, 3].map((seq) => sealed(seq, textMessage(seq))));
      const cursor = await cursorAt(gateway, corpId, '3');
      expect((await archived(gateway, corpId)).map((r) => r.recordType)).toEqual(['wecom.msgaudit', 'wecom.msgaudit', 'wecom.msgaudit']);
      expect(cursor.undecryptableCount).toBe(0);
      expect(standin.control.calls('DecryptData')).toBe(5);
    });

    it('answers a re-run from an older cursor with duplicates only, and moves the cursor back to the end', async () => {
      const corpId = newCorpId();
      const records = Array.from({ length: 5 }, (_, i) => sealed(i + 1, textMessage(i + 1)));
      const first = await start(corpId, records);
      await cursorAt(first, corpId, '5');
      const before = await archived(first, corpId);
      await first.close();

      const second = standin.track(await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId })));
      // Rewind by hand, as an operator re-pulling would; the puller is asleep after its first (empty) pull.
      const rerun = nextPull(second, (r) => r.records > 0);
      await second.dataSource.getRepository(MSGAUDIT_CURSOR_ENTITY).update({ corpId }, { lastSeq: '2' });
      second.msgaudit.wakeUp(CORP);
      expect(await rerun).toMatchObject({ fromSeq: '2', toSeq: '5', records: 3, archived: 0, duplicates: 3 });
      await cursorAt(second, corpId, '5');
      expect((await archived(second, corpId)).map((r) => r.recordId)).toEqual(before.map((r) => r.recordId));
    });

    it('stops the corp on an error that needs a fix, saying what to fix, and archives nothing', async () => {
      const corpId = newCorpId();
      const gateway = await start(corpId, [sealed(1, textMessage(1))], {}, 'another-secret-0123456789');
      const puller = gateway.msgaudit.pullers.get(CORP)!;
      await until('the puller to stop', () => (puller.state === 'stopped' ? true : undefined));
      const cursor = (await cursorOf(gateway, corpId))!;
      expect(cursor).toMatchObject({ lastSeq: '0', lastErrorCode: 'tencent.40001' });
      expect(cursor.stoppedAt).not.toBeNull();
      expect(cursor.lastError).toContain('secret');
      expect(await archived(gateway, corpId)).toEqual([]);
      expect(await gateway.metrics.registry.getSingleMetricAsString('cgw_msgaudit_stopped')).toContain('corp="bank-corp"} 1');
      // A wake-up does not restart a stopped corp.
      const calls = standin.control.calls('GetChatData');
      gateway.msgaudit.wakeUp(CORP);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(standin.control.calls('GetChatData')).toBe(calls);
    });
  });
}
