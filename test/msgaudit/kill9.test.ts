/**
 * kill -9 in the middle of a batch, and in the middle of media downloads. A gateway in a child process pulls 600
 * records from the Finance SDK stand-in in batches of 50, each DecryptData
 * slowed down so that a batch is being pulled, decrypted or archived almost
 * all the time; it is SIGKILLed a random moment after some batches have
 * committed, then started again on the same database and key store.
 * Before the restart, the archive holds exactly the records up to the
 * cursor (the cursor moves in the transaction of the records it covers);
 * after it, every seq is archived exactly once: no gap, no duplicate. The
 * same for media: a download cut by the kill is claimed again once its claim
 * lapses (the sweeper re-enqueues it) and every file is archived exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { buildStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/build-standin';
import { writeStandinFixture } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import { FileKeyStore } from '../../gateway/archive/crypto/file-key-store';
import { ArchiveReader } from '../../gateway/archive/reader';
import { TypeOrmArchiveStore } from '../../gateway/archive/typeorm-store';
import { ARCHIVE_RECORD_ENTITY, MSGAUDIT_CURSOR_ENTITY, OUTBOX_ENTITY, type ArchiveRecordRow, type MsgauditCursorRow, type OutboxRow } from '../../gateway/db/entities';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { until } from '../until';
import { CORP, KEYS, newCorpId, SECRET, sealed, textMessage } from './msgaudit-harness';

const ENTRY = join(__dirname, 'msgaudit-gateway-process.ts');
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
const RECORDS = 600;
// Tencent's seqs skip: every 7th seq is missing, and "no gap" means none of the others is.
const SEQS = Array.from({ length: RECORDS }, (_, i) => i + 1 + Math.floor(i / 6));

/** Start the child; resolves once its gateway (and so its puller) runs. */
async function startChild(configPath: string, dataPath: string, logPath: string, slow: string): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, configPath, dataPath, slow], { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(__dirname, '..', '..') });
  child.stderr!.pipe(createWriteStream(logPath, { flags: 'a' }));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve) => createInterface({ input: child.stdout! }).once('line', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      exited.then(() => Promise.reject(new Error(`the msgaudit gateway process exited before it was ready; see ${logPath}`))),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the msgaudit gateway process was not ready within 60 s; see ${logPath}`)), 60_000))),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { child, exited };
}

/** The child's configuration for one corp pulled from the stand-in. */
function writeConfig(path: string, dir: string, db: TestDatabase, corpId: string, msgaudit: Record<string, unknown>, overlay: Record<string, unknown> = {}): void {
  writeFileSync(path, stringify({
    dataDir: dir,
    database: db.config,
    keys: { type: 'file', path: join(dir, 'keys.json') },
    archive: { pkiDir: join(dir, 'pki'), checkpointIntervalMs: 3_600_000 },
    logging: { level: 'info' },
    msgaudit: { sdkPath: buildStandin(), pullIntervalMs: 60_000, backoffBaseMs: 50, backoffMaxMs: 500, leaseTtlMs: 5000, ...msgaudit },
    corps: [{ id: CORP, corpId, msgaudit: { secret: SECRET, privateKeys: { 1: KEYS[1].pkcs1Pem } } }],
    ...overlay,
  }), { mode: 0o600 });
}

for (const kind of DATABASE_KINDS) {
  describe(`msgaudit kill -9 mid-batch [${kind}]`, () => {
    let db: TestDatabase;
    let dir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-kill9-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('leaves no seq gap and no duplicate after SIGKILL mid-batch and a restart', async () => {
      const corpId = newCorpId();
      const dataPath = writeStandinFixture({ corps: { [corpId]: { secret: SECRET, chatdata: SEQS.map((seq) => sealed(seq, textMessage(seq))) } } });
      const configPath = join(dir, 'config.yaml');
      const logPath = join(dir, 'gateway.log');
      writeConfig(configPath, dir, db, corpId, { batchLimit: 50 });
      const cursors = db.dataSource.getRepository<MsgauditCursorRow>(MSGAUDIT_CURSOR_ENTITY);
      const records = db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
      const cursorSeq = async () => Number((await cursors.findOneBy({ corpId }))?.lastSeq ?? 0);

      const first = await startChild(configPath, dataPath, logPath, 'DecryptData:3');
      await until('some batches to commit', async () => ((await cursorSeq()) >= SEQS[150]! ? true : undefined), 60_000);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 150)));
      first.child.kill('SIGKILL');
      await first.exited;

      // Exactly the records up to the cursor are archived: a batch commits whole with its cursor advance, or not at all.
      const atKill = await cursorSeq();
      expect(atKill).toBeLessThan(SEQS[RECORDS - 1]!);
      expect(await records.countBy({ recordType: 'wecom.msgaudit' })).toBe(SEQS.filter((seq) => seq <= atKill).length);

      // The lease of the killed process is left to expire (5 s); then the restarted gateway takes over.
      const second = await startChild(configPath, dataPath, logPath, '');
      try {
        await until('the restarted gateway to catch up', async () => ((await cursorSeq()) === SEQS[RECORDS - 1]! ? true : undefined), 60_000);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }

      const rows = await records.find({ select: { id: true }, where: { recordType: 'wecom.msgaudit' } });
      const store = new TypeOrmArchiveStore(db.dataSource);
      const reader = new ArchiveReader((id) => store.load(id), FileKeyStore.open(join(dir, 'keys.json')));
      const seqs: number[] = [];
      for (const { id } of rows) seqs.push(Number(((await reader.open(id)).payload.event as MsgauditEvent).seq));
      expect(seqs.sort((a, b) => a - b)).toEqual(SEQS);
      expect(await records.countBy({ recordType: 'wecom.msgaudit.raw' })).toBe(0);
      expect(readFileSync(logPath, 'utf8')).not.toContain('hello 1');
    }, 180_000);

    it('archives every media file exactly once after SIGKILL mid-download and a restart', async () => {
      const corpId = newCorpId();
      const files = Array.from({ length: 12 }, () => randomBytes(16 * 16 * 1024));
      const message = (seq: number) => ({
        msgid: `img-${seq}`, action: 'send', from: 'rm.zhang', tolist: ['wmSyntheticCustomer'], roomid: '', msgtime: Date.now(), msgtype: 'image',
        image: { md5sum: md5(files[seq - 1]!), filesize: files[seq - 1]!.length, sdkfileid: `sdk-${seq}` },
      });
      const dataPath = writeStandinFixture({
        mediaChunkBytes: 16 * 1024,
        corps: { [corpId]: { secret: SECRET, chatdata: files.map((_, i) => sealed(i + 1, message(i + 1))), media: Object.fromEntries(files.map((bytes, i) => [`sdk-${i + 1}`, bytes])) } },
      });
      const configPath = join(dir, 'media.yaml');
      const logPath = join(dir, 'media.log');
      // A lapsed claim is re-enqueued by the sweeper every 200 ms.
      writeConfig(configPath, dir, db, corpId, { mediaClaimMs: 2000 }, { forwarding: { sweepIntervalMs: 200, concurrency: 4 } });
      const outbox = db.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY);
      const records = db.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY);
      const store = new TypeOrmArchiveStore(db.dataSource);
      const reader = new ArchiveReader((id) => store.load(id), FileKeyStore.open(join(dir, 'keys.json')));
      const mediaOfCorp = async () => {
        const out: { seq: string; md5: string }[] = [];
        for (const { id } of await records.find({ select: { id: true }, where: { recordType: 'wecom.msgaudit.media' } })) {
          const { payload } = await reader.open(id);
          if (payload.corpId === corpId) out.push({ seq: String(payload.seq), md5: md5(Buffer.from(String(payload.bytesBase64), 'base64')) });
        }
        return out;
      };

      // 16 chunks per file, 8 ms each: downloads are in progress nearly all the time.
      const first = await startChild(configPath, dataPath, logPath, 'GetMediaData:8');
      await until('some files to be archived', async () => ((await mediaOfCorp()).length >= 3 ? true : undefined), 60_000);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 100)));
      first.child.kill('SIGKILL');
      await first.exited;
      const atKill = (await mediaOfCorp()).length;
      expect(atKill).toBeLessThan(files.length);

      const second = await startChild(configPath, dataPath, logPath, '');
      try {
        await until('every media row to be done', async () => {
          const rows = await outbox.find({ where: { kind: 'media' } });
          const mine = (await mediaOfCorp()).length;
          return mine === files.length && rows.every((r) => r.status === 'done') ? true : undefined;
        }, 60_000);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
      const media = await mediaOfCorp();
      expect(media.map((m) => m.seq).sort((a, b) => Number(a) - Number(b))).toEqual(files.map((_, i) => String(i + 1)));
      expect(media.every((m) => m.md5 === md5(files[Number(m.seq) - 1]!))).toBe(true);
    }, 180_000);
  });
}
