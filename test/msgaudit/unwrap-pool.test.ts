/**
 * The RSA unwrap pool (gateway/msgaudit/unwrap-pool.ts) against real keys and
 * the Finance SDK stand-in: a batch decrypted with the pool gives every
 * record exactly the outcome the in-thread keyring gives (the same error
 * class, code and text for a missing key version or a corrupt key), work goes
 * to the workers a chunk per message, a dead worker is replaced, a chunk
 * whose workers keep dying fails its batch with nothing committed, and the
 * gateway's close ends the pool's threads. Crashes come from a test worker
 * (crashing-unwrap-worker.ts) that dies while a marker file exists.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import { loadFinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/load-finance-sdk';
import { KeyVersionMissingError, MsgauditKeyError } from '../../connectors/wecom/msgaudit/keys/errors';
import { rsaPair } from '../../connectors/wecom/msgaudit/keys/__tests__/test-keys';
import { parseChatDataEnvelope } from '../../connectors/wecom/msgaudit/parse/envelope';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { StandinChatRecord } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import type { Gateway } from '../../gateway/create-gateway';
import { decryptBatch } from '../../gateway/msgaudit/decrypt-batch';
import { MsgauditPuller } from '../../gateway/msgaudit/msgaudit-puller';
import { UNWRAP_WORKER_NICE } from '../../gateway/msgaudit/thread-priority';
import { UnwrapPool, UnwrapPoolError, type UnwrapPoolOptions } from '../../gateway/msgaudit/unwrap-pool';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { until } from '../until';
import { crashMarkerFor } from './crashing-unwrap-worker';
import { archived, CORP, cursorAt, cursorOf, KEYS, msgauditConfig, newCorpId, sealed, sealedText, SECRET, startGateway, testKeyring, textMessage } from './msgaudit-harness';

const standin = useFinanceStandin();
const CRASHING_WORKER = require.resolve('./crashing-unwrap-worker');

let pools: UnwrapPool[] = [];
let markers: string[] = [];
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  for (const marker of markers) for (const file of [marker, `${marker}.used`]) rmSync(file, { force: true });
  pools = [];
  markers = [];
});

/** Make the crashing test workers of `corpId` die on their next chunk, once or until the marker is removed; the marker's path. */
function crash(corpId: string, how: 'once' | 'always'): string {
  const marker = crashMarkerFor(corpId);
  markers.push(marker);
  writeFileSync(marker, how);
  return marker;
}

function pool(corpId: string, options: Partial<UnwrapPoolOptions> = {}): UnwrapPool {
  const created = new UnwrapPool({ keys: { [corpId]: { 1: KEYS[1].pkcs1Pem, 2: KEYS[2].pkcs8Pem } }, size: 2, ...options });
  pools.push(created);
  return created;
}

/** Flip one byte of a base64 value at `offset` (of the decoded bytes). */
function corrupt(base64: string, offset: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[offset] = bytes[offset]! ^ 0x5a;
  return bytes.toString('base64');
}

/** Good records of both key versions around every way a record's key or body can fail, plus one the envelope cannot read. */
function mixedRecords(): object[] {
  const good = (seq: number) => sealed(seq, textMessage(seq), seq % 3 === 0 ? 2 : 1);
  const records: object[] = Array.from({ length: 30 }, (_, i) => good(i + 1));
  const base = good(31);
  records.push(
    { ...good(31), publickey_ver: 7 }, // no key of that version
    { ...base, seq: 32, msgid: 'msg-32', encrypt_random_key: corrupt(base.encrypt_random_key, 100) }, // corrupt RSA ciphertext
    { ...base, seq: 33, msgid: 'msg-33', encrypt_random_key: Buffer.from(base.encrypt_random_key, 'base64').subarray(0, 200).toString('base64') }, // truncated
    { ...base, seq: 34, msgid: 'msg-34', encrypt_random_key: 'not base64!' },
    sealedText(35, 'msg-35', JSON.stringify(textMessage(35)), 1, rsaPair('someone-else').publicKey), // sealed for another key pair
    sealedText(36, 'msg-36', '{"msgid":"msg-36","action":', 2, KEYS[2].publicKey), // unparseable plaintext
    { ...good(37), encrypt_chat_msg: corrupt(good(37).encrypt_chat_msg, 30) }, // DecryptData fails
    { seq: 38, msgid: 'msg-38' }, // unreadable: no key, no message
    ...Array.from({ length: 12 }, (_, i) => good(39 + i)),
  );
  return records;
}

async function readySdk(corpId: string): Promise<FinanceSdk> {
  standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: [] } } });
  const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath)));
  await sdk.init(corpId, SECRET);
  return sdk;
}

describe('UnwrapPool', () => {
  it('gives a mixed batch exactly the outcomes of the in-thread keyring, in seq order', async () => {
    const corpId = newCorpId();
    const sdk = await readySdk(corpId);
    const { chatdata } = parseChatDataEnvelope(JSON.stringify({ errcode: 0, errmsg: 'ok', chatdata: mixedRecords() }));
    const inThread = await decryptBatch(chatdata, { corpId, keyring: testKeyring(), sdk, chunkSize: 7 });
    const pooled = await decryptBatch(chatdata, { corpId, keyring: testKeyring(), unwrapPool: pool(corpId), sdk, chunkSize: 7 });

    expect(pooled).toEqual(inThread);
    expect(pooled.map((o) => o.seq)).toEqual(chatdata.map((item) => item.seq));
    const failures = Object.fromEntries(pooled.flatMap((o) => (o.kind === 'raw' ? [[o.seq, o.failure.code]] : [])));
    expect(failures).toEqual({
      31: 'key.key-version-missing', 32: 'key.decrypt-failed', 33: 'key.bad-ciphertext-length', 34: 'key.bad-base64', 35: 'key.decrypt-failed',
      36: 'parse.malformed-json', 37: expect.stringMatching(/^finance-sdk\./), 38: expect.stringMatching(/^envelope\./),
    });
    const missing = pooled.find((o) => o.seq === '31');
    expect(missing).toMatchObject({ kind: 'raw', failure: { stage: 'unwrap', reason: "no private key for publickey_ver 7: add it to the corp's msgaudit keys" } });
    expect(pooled.filter((o) => o.kind === 'event')).toHaveLength(42);
  });

  it('hands back the keyring’s own error classes', async () => {
    const corpId = newCorpId();
    const sealedKey = sealed(1, textMessage(1)).encrypt_random_key;
    const [missing, broken, good] = await pool(corpId).unwrap(corpId, [
      { publickeyVer: 9, encryptRandomKey: sealedKey },
      { publickeyVer: 1, encryptRandomKey: 'AAAA' },
      { publickeyVer: 1, encryptRandomKey: sealedKey },
    ]);
    expect(missing).toEqual({ error: expect.any(KeyVersionMissingError) });
    expect((missing as { error: KeyVersionMissingError }).error).toMatchObject({ code: 'key-version-missing', publickeyVer: 9, retryable: false });
    expect((broken as { error: MsgauditKeyError }).error).toBeInstanceOf(MsgauditKeyError);
    expect((broken as { error: MsgauditKeyError }).error.code).toBe('bad-ciphertext-length');
    expect(good).toEqual({ encryptKey: expect.any(String) });
  });

  it('sends the workers one message per chunk of records, not one per record, and spreads them over its threads', async () => {
    const corpId = newCorpId();
    const sdk = await readySdk(corpId);
    const records = Array.from({ length: 120 }, (_, i) => sealed(i + 1, textMessage(i + 1)));
    const { chatdata } = parseChatDataEnvelope(JSON.stringify({ errcode: 0, errmsg: 'ok', chatdata: records }));
    const real = pool(corpId);
    const chunks: number[] = [];
    const counting = { unwrap: (corp: string, requests: Parameters<UnwrapPool['unwrap']>[1]) => (chunks.push(requests.length), real.unwrap(corp, requests)) };
    const outcomes = await decryptBatch(chatdata, { corpId, keyring: testKeyring(), unwrapPool: counting, sdk, chunkSize: 50 });
    expect(outcomes.map((o) => o.kind === 'event' && o.event.msgid)).toEqual(records.map((r) => r.msgid));
    expect(chunks).toEqual([50, 50, 20]);
    expect(real.liveWorkers).toBe(2);
  });

  it('replaces a worker that dies under a chunk and still answers the whole batch', async () => {
    const corpId = newCorpId();
    const sdk = await readySdk(corpId);
    const { chatdata } = parseChatDataEnvelope(JSON.stringify({ errcode: 0, errmsg: 'ok', chatdata: mixedRecords() }));
    const warnings: string[] = [];
    const crashing = pool(corpId, { workerEntry: CRASHING_WORKER, logger: { warn: (_: unknown, msg?: string) => void warnings.push(String(msg)) } as never });
    crash(corpId, 'once');
    const pooled = await decryptBatch(chatdata, { corpId, keyring: testKeyring(), unwrapPool: crashing, sdk, chunkSize: 7 });
    expect(pooled).toEqual(await decryptBatch(chatdata, { corpId, keyring: testKeyring(), sdk, chunkSize: 7 }));
    expect(warnings).toContain('msgaudit RSA unwrap worker exited unexpectedly; replacing it');
    expect(crashing.liveWorkers).toBe(2);
  });

  it('fails a chunk whose worker dies again on its second try with UnwrapPoolError, and the batch with it', async () => {
    const corpId = newCorpId();
    const sdk = await readySdk(corpId);
    const { chatdata } = parseChatDataEnvelope(JSON.stringify({ errcode: 0, errmsg: 'ok', chatdata: mixedRecords() }));
    const crashing = pool(corpId, { workerEntry: CRASHING_WORKER });
    const marker = crash(corpId, 'always');
    await expect(decryptBatch(chatdata, { corpId, keyring: testKeyring(), unwrapPool: crashing, sdk, chunkSize: 7 })).rejects.toBeInstanceOf(UnwrapPoolError);
    // Once the cause is gone, the same pool serves again.
    rmSync(marker);
    expect(await crashing.unwrap(corpId, [{ publickeyVer: 1, encryptRandomKey: sealed(1, textMessage(1)).encrypt_random_key }])).toEqual([{ encryptKey: expect.any(String) }]);
  });

  it('refuses work once closed and leaves no thread running', async () => {
    const corpId = newCorpId();
    const closing = pool(corpId);
    closing.start();
    expect(closing.liveWorkers).toBe(2);
    await closing.close();
    expect(closing.liveWorkers).toBe(0);
    await expect(closing.unwrap(corpId, [{ publickeyVer: 1, encryptRandomKey: 'AAAA' }])).rejects.toBeInstanceOf(UnwrapPoolError);
  });

  (process.platform === 'linux' ? it : it.skip)('runs its workers niced below the event loop, which keeps its priority (Linux)', async () => {
    const corpId = newCorpId();
    const before = niceOfThreads();
    const niced = pool(corpId);
    // Every worker booted (and lowered its priority) once it has answered a chunk.
    await Promise.all([1, 2, 3, 4].map((seq) => niced.unwrap(corpId, [{ publickeyVer: 1, encryptRandomKey: sealed(seq, textMessage(seq)).encrypt_random_key }])));
    const after = niceOfThreads();
    const added = after.filter((thread) => !before.some((b) => b.tid === thread.tid));
    // Counted by nice value: jest may start worker threads of its own meanwhile (at the process's priority).
    expect(added.filter((thread) => thread.name === 'WorkerThread' && thread.nice === UNWRAP_WORKER_NICE)).toHaveLength(niced.size);
    expect(after.find((thread) => thread.tid === process.pid)?.nice).toBe(before.find((thread) => thread.tid === process.pid)?.nice);
    expect(UNWRAP_WORKER_NICE).toBeGreaterThan(0);
  });
});

/** This process's threads: kernel id, name and nice value (/proc/self/task/<tid>/stat, field 19). */
function niceOfThreads(): { tid: number; name: string; nice: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      return [{ tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(fields[16]) }];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`UnwrapPool in the gateway [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-pool-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function start(corpId: string, chatdata: StandinChatRecord[], msgaudit: Record<string, unknown> = {}): Promise<Gateway> {
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata } } });
      const gateway = await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId, msgaudit }));
      // Idempotent: a test may close it before the leak check does.
      const close = gateway.close.bind(gateway);
      let closing: Promise<void> | undefined;
      gateway.close = () => (closing ??= close());
      return standin.track(gateway);
    }

    it('commits nothing while the unwrap workers keep dying, then archives the batch once in order when they recover', async () => {
      const corpId = newCorpId();
      const records = Array.from({ length: 60 }, (_, i) => sealed(i + 1, textMessage(i + 1), i % 2 === 0 ? 1 : 2));
      // The gateway's own corp is not the one under test: only its stores and writer are used.
      const gateway = await start(newCorpId(), []);
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: records } } });
      const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath)));
      await sdk.init(corpId, SECRET);
      const marker = crash(corpId, 'always');
      const puller = new MsgauditPuller({
        corp: { accountId: CORP, corpId }, sdk: async () => sdk, keyring: testKeyring(), unwrapPool: pool(corpId, { workerEntry: CRASHING_WORKER }),
        archive: gateway.msgaudit.archive, cursors: gateway.msgaudit.cursors, leases: gateway.msgaudit.leases,
        policy: { batchLimit: 1000, pullIntervalMs: 60_000, leaseTtlMs: 10_000, backoffBaseMs: 20, backoffMaxMs: 50, decryptChunk: 8, callOptions: {} },
        logger: pino({ level: 'silent' }), now: Date.now,
      });
      puller.start();
      try {
        const failed = await until('a pull failed on the unwrap pool', async () => {
          const row = await cursorOf(gateway, corpId);
          return row?.lastErrorCode === 'msgaudit.unwrap-pool' ? row : undefined;
        });
        expect(failed.lastSeq).toBe('0');
        expect(await archived(gateway, corpId)).toEqual([]);

        rmSync(marker);
        await cursorAt(gateway, corpId, '60');
        const rows = await archived(gateway, corpId);
        expect(rows.map((r) => r.event?.msgid)).toEqual(records.map((r) => r.msgid));
        expect(rows.map((r) => r.recordType)).toEqual(records.map(() => 'wecom.msgaudit'));
      } finally {
        await puller.stop();
      }
    });

    it('ends the pool’s threads when the gateway closes', async () => {
      const corpId = newCorpId();
      const gateway = await start(corpId, Array.from({ length: 20 }, (_, i) => sealed(i + 1, textMessage(i + 1))), { unwrapWorkers: 2 });
      await cursorAt(gateway, corpId, '20');
      const unwrapPool = gateway.msgaudit.unwrapPool!;
      expect(unwrapPool.size).toBe(2);
      expect(unwrapPool.liveWorkers).toBe(2);
      await gateway.close();
      expect(unwrapPool.liveWorkers).toBe(0);
    });

    it('unwraps on the event loop when msgaudit.unwrapWorkers is 0', async () => {
      const corpId = newCorpId();
      const records = Array.from({ length: 20 }, (_, i) => sealed(i + 1, textMessage(i + 1), 2));
      const gateway = await start(corpId, [...records, { ...sealed(21, textMessage(21)), publickey_ver: 5 }], { unwrapWorkers: 0 });
      await cursorAt(gateway, corpId, '21');
      expect(gateway.msgaudit.unwrapPool).toBeUndefined();
      const rows = await archived(gateway, corpId);
      expect(rows.map((r) => r.recordType)).toEqual([...records.map(() => 'wecom.msgaudit'), 'wecom.msgaudit.raw']);
      expect(rows[20]!.payload.error).toMatchObject({ code: 'key.key-version-missing', reason: "no private key for publickey_ver 5: add it to the corp's msgaudit keys" });
    });
  });
}
