/**
 * The puller's answers to what Tencent and the SDK may send, with an SDK
 * double (the subject is the puller, not the SDK): a pull too large halves
 * the batch, a malformed record is archived raw with the record as sent, a
 * malformed answer is pulled again from the same seq. On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { Gateway } from '../../gateway/create-gateway';
import { MsgauditPuller } from '../../gateway/msgaudit/msgaudit-puller';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { fakeChatMsg, fakeFinanceSdk, fakeKeyring, fakeTexts, textPlaintext, type FakeFinanceSdk } from './fake-finance-sdk';
import { archived, CORP, cursorAt, msgauditConfig, newCorpId, startGateway } from './msgaudit-harness';

const standin = useFinanceStandin();

for (const kind of DATABASE_KINDS) {
  describe(`msgaudit puller faults [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;
    let gateway: Gateway;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-faults-'));
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

    function pullerFor(corpId: string, sdk: FakeFinanceSdk, batchLimit = 1000): MsgauditPuller {
      return new MsgauditPuller({
        corp: { accountId: CORP, corpId }, sdk: async () => sdk, keyring: fakeKeyring, archive: gateway.msgaudit.archive,
        cursors: gateway.msgaudit.cursors, leases: gateway.msgaudit.leases,
        policy: { batchLimit, pullIntervalMs: 60_000, leaseTtlMs: 10_000, backoffBaseMs: 20, backoffMaxMs: 50, decryptChunk: 2, callOptions: {} },
        logger: pino({ level: 'silent' }), now: Date.now,
      });
    }

    it('halves the batch when Tencent answers 301058 (pull too large) and goes on from the same seq', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk(fakeTexts(5));
      sdk.scripted.push(JSON.stringify({ errcode: 301058, errmsg: 'request too large' }));
      const puller = pullerFor(corpId, sdk, 8);
      puller.start();
      try {
        await cursorAt(gateway, corpId, '5');
        expect(sdk.calls).toEqual([{ seq: '0', limit: 8 }, { seq: '0', limit: 4 }, { seq: '4', limit: 4 }]);
      } finally {
        await puller.stop();
      }
    });

    it('archives a malformed record raw with the record as sent, and the records around it', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk();
      const good = (seq: number) => ({ seq, msgid: `msg-${seq}`, publickey_ver: 1, encrypt_random_key: 'cmFuZG9ta2V5', encrypt_chat_msg: fakeChatMsg(textPlaintext(seq)) });
      const malformed = { seq: 2, msgid: 'msg-2', publickey_ver: 'three', encrypt_random_key: 'cmFuZG9ta2V5', encrypt_chat_msg: fakeChatMsg(textPlaintext(2)) };
      sdk.scripted.push(JSON.stringify({ errcode: 0, errmsg: 'ok', chatdata: [good(1), malformed, good(3)] }));
      const puller = pullerFor(corpId, sdk);
      puller.start();
      try {
        await cursorAt(gateway, corpId, '3');
        const rows = await archived(gateway, corpId);
        expect(rows.map((r) => [r.seq, r.recordType])).toEqual([['1', 'wecom.msgaudit'], ['2', 'wecom.msgaudit.raw'], ['3', 'wecom.msgaudit']]);
        expect(rows[1]!.payload).toMatchObject({
          seq: '2', msgid: 'msg-2', publickeyVer: null, encryptRandomKey: null, encryptChatMsg: null, record: malformed,
          error: { code: 'envelope.bad-field', stage: 'envelope', reason: expect.stringContaining('publickey_ver') },
        });
        expect((await gateway.msgaudit.cursors.read(corpId))!.undecryptableCount).toBe(1);
      } finally {
        await puller.stop();
      }
    });

    it('pulls the same seq again after a malformed answer, archiving nothing of it', async () => {
      const corpId = newCorpId();
      const sdk = fakeFinanceSdk(fakeTexts(3));
      sdk.scripted.push('{"errcode":0,"errmsg":"ok","chatdata":[{"seq":1,');
      const puller = pullerFor(corpId, sdk);
      puller.start();
      try {
        await cursorAt(gateway, corpId, '3');
        expect(sdk.calls.map((c) => c.seq)).toEqual(['0', '0']);
        expect((await archived(gateway, corpId)).map((r) => [r.seq, r.recordType])).toEqual([['1', 'wecom.msgaudit'], ['2', 'wecom.msgaudit'], ['3', 'wecom.msgaudit']]);
      } finally {
        await puller.stop();
      }
    });
  });
}
