/**
 * Invariant 3 for chat-archive ingestion: the production logger at trace
 * captures every line while a gateway pulls messages, archives undecryptable
 * ones raw, fails a pull and stops on a wrong secret. No message text, phone
 * number, external_userid, msgaudit secret, ciphertext or unwrapped key may
 * appear in the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import { standinRecord } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import { createLogger } from '../../gateway/observability/logger';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { captureStream, findLeaks, type Planted } from '../log-capture';
import { until } from '../until';
import { CORP, cursorAt, KEYS, msgauditConfig, newCorpId, sealed, SECRET, startGateway } from './msgaudit-harness';

const standin = useFinanceStandin();
const SENTENCE = '您尾号六六八八的理财产品明日到期请留意赎回安排';
const PHONE = '13987654321';
const CUSTOMER = 'wmPlantedExternalUser0000000042';
const ENCRYPT_KEY = 'PlantedEncryptKey0123456789abcdef';

describe.each(DATABASE_KINDS)('msgaudit logs carry no content, identifiers or secrets (%s)', (kind) => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.dataSource.destroy();
    dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-logs-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs pulls, raw records, a failed pull and a stop without any planted value', async () => {
    const capture = captureStream();
    const corpId = newCorpId();
    const message = (seq: number) => ({ msgid: `m-${seq}`, action: 'send', from: CUSTOMER, tolist: ['rm.zhang'], roomid: '', msgtime: Date.now(), msgtype: 'text', text: { content: `${SENTENCE} ${PHONE}` } });
    const unknownVersion = standinRecord({ seq: 2, message: message(2), publickeyVer: 7, publicKey: KEYS[1].publicKey, encryptKey: ENCRYPT_KEY });
    const garbled = sealed(3, message(3));
    const records = [sealed(1, message(1)), unknownVersion, { ...garbled, encrypt_chat_msg: `${garbled.encrypt_chat_msg.slice(0, 40)}${'A'.repeat(8)}${garbled.encrypt_chat_msg.slice(48)}` }, sealed(4, message(4))];
    standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: records } } });
    standin.control.setMode('GetChatData', 'retryable', { count: 1 });
    const gateway = standin.track(await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId, overlay: { logging: { level: 'trace' } } }), createLogger('trace', capture)));
    await cursorAt(gateway, corpId, '4');

    // Then the secret is rotated on Tencent's side: the puller stops with the fix in the log.
    standin.control.load({ corps: { [corpId]: { secret: 'rotated-secret-0123456789', chatdata: records } } });
    gateway.msgaudit.wakeUp(CORP);
    await until('the puller to stop', () => (gateway.msgaudit.pullers.get(CORP)!.state === 'stopped' ? true : undefined));
    await gateway.msgaudit.monitor.check();

    const text = capture.lines.join('\n');
    expect(text).toContain('archived raw');
    expect(text).toContain('STOPPED');
    const planted: Planted[] = [
      { name: 'message text', value: SENTENCE, window: 6 },
      { name: 'phone', value: PHONE, window: 7 },
      { name: 'external_userid', value: CUSTOMER, window: 12 },
      { name: 'msgaudit secret', value: SECRET, window: 12 },
      { name: 'encrypt_key', value: ENCRYPT_KEY, window: 12 },
      { name: 'encrypt_random_key', value: unknownVersion.encrypt_random_key, window: 16 },
      { name: 'encrypt_chat_msg', value: unknownVersion.encrypt_chat_msg, window: 16 },
      { name: 'private key', value: KEYS[1].pkcs1Pem.split('\n')[5]!, window: 16 },
    ];
    expect(findLeaks(capture.lines, planted)).toEqual([]);
  });
});
