/**
 * Media of archived chat-archive messages: each file a message refers to is
 * an outbox row created with the message, fetched chunk by chunk through
 * GetMediaData (the stand-in) and archived encrypted as wecom.msgaudit.media,
 * size and md5 checked, retried on retryable failures, failed visibly on the
 * rest. On SQLite and PostgreSQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { StandinChatRecord } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import type { Gateway } from '../../gateway/create-gateway';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { until } from '../until';
import { ARCHIVE_RECORD_ENTITY, type ArchiveRecordRow } from '../../gateway/db/entities';
import { MediaFileError, readMediaFile } from '../../gateway/msgaudit/media-file';
import { archived, archivedMedia, cursorAt, mediaRows, msgauditConfig, newCorpId, sealed, SECRET, startGateway } from './msgaudit-harness';

const standin = useFinanceStandin();
const CHUNK = 64 * 1024;
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

const image = (seq: number, sdkfileid: string, bytes: Buffer, md5sum = md5(bytes)) => ({
  msgid: `img-${seq}`, action: 'send', from: 'rm.zhang', tolist: ['wmSyntheticCustomer'], roomid: '', msgtime: Date.now(), msgtype: 'image',
  image: { md5sum, filesize: bytes.length, sdkfileid },
});
const file = (seq: number, sdkfileid: string, bytes: Buffer) => ({
  msgid: `file-${seq}`, action: 'send', from: 'wmSyntheticCustomer', tolist: ['rm.zhang'], roomid: '', msgtime: Date.now(), msgtype: 'file',
  file: { md5sum: md5(bytes), filename: 'statement.pdf', fileext: 'pdf', filesize: bytes.length, sdkfileid },
});
const mixed = (seq: number, items: { sdkfileid: string; bytes: Buffer }[]) => ({
  msgid: `mixed-${seq}`, action: 'send', from: 'rm.zhang', tolist: ['wmSyntheticCustomer'], roomid: '', msgtime: Date.now(), msgtype: 'mixed',
  mixed: { item: [{ type: 'text', content: JSON.stringify({ content: 'see attached' }) }, ...items.map((i) => ({ type: 'image', content: JSON.stringify({ md5sum: md5(i.bytes), filesize: i.bytes.length, sdkfileid: i.sdkfileid }) }))] },
});

for (const kind of DATABASE_KINDS) {
  describe(`msgaudit media [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-media-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function start(corpId: string, chatdata: StandinChatRecord[], media: Record<string, Buffer>, msgaudit: Record<string, unknown> = {}): Promise<Gateway> {
      standin.control.load({ mediaChunkBytes: CHUNK, corps: { [corpId]: { secret: SECRET, chatdata, media } } });
      return standin.track(await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId, msgaudit })));
    }

    async function settled(gateway: Gateway, corpId: string, lastSeq: string, rows: number) {
      await cursorAt(gateway, corpId, lastSeq);
      const messages = (await archived(gateway, corpId)).map((m) => m.recordId);
      return until(`${rows} media rows done or failed`, async () => {
        const media = await mediaRows(gateway, messages);
        return media.length === rows && media.every((r) => r.status !== 'pending') ? media : undefined;
      });
    }

    it('archives every file of the archived messages, encrypted, with its size and md5, linked to its message', async () => {
      const corpId = newCorpId();
      const files = { photo: randomBytes(3000), pdf: randomBytes(5 * CHUNK + 123), inline: randomBytes(CHUNK), empty: Buffer.alloc(0) };
      const gateway = await start(corpId, [
        sealed(1, image(1, 'sdk-photo', files.photo)),
        sealed(2, file(2, 'sdk-pdf', files.pdf)),
        sealed(3, mixed(3, [{ sdkfileid: 'sdk-inline', bytes: files.inline }, { sdkfileid: 'sdk-empty', bytes: files.empty }])),
      ], { 'sdk-photo': files.photo, 'sdk-pdf': files.pdf, 'sdk-inline': files.inline, 'sdk-empty': files.empty });
      const rows = await settled(gateway, corpId, '3', 4);
      expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);

      const messages = await archived(gateway, corpId);
      const media = await archivedMedia(gateway, corpId);
      expect(media.map((m) => [m.payload.seq, m.payload.index, m.payload.msgtype])).toEqual([['1', 0, 'image'], ['2', 0, 'file'], ['3', 0, 'image'], ['3', 1, 'image']]);
      expect(media.map((m) => m.bytes)).toEqual([files.photo, files.pdf, files.inline, files.empty]);
      expect(media[1]!.payload).toMatchObject({ msgid: 'file-2', md5: md5(files.pdf), size: files.pdf.length, fileext: 'pdf', sdkfileid: 'sdk-pdf', messageRecordId: messages[1]!.recordId });
      expect(media[2]!.payload.path).toBe('mixed.item[1]');
      // 6 chunks for the pdf, one each for the rest.
      expect(standin.control.calls('GetMediaData')).toBe(6 + 1 + 1 + 1);
      expect(await gateway.metrics.registry.getSingleMetricAsString('cgw_msgaudit_media_total')).toContain('outcome="archived"} 4');
    });

    it('retries a truncated download and archives the file once, whole', async () => {
      const corpId = newCorpId();
      const bytes = randomBytes(3 * CHUNK);
      standin.control.setMode('GetMediaData', 'truncated-media', { count: 1 });
      const gateway = await start(corpId, [sealed(1, image(1, 'sdk-photo', bytes))], { 'sdk-photo': bytes });
      const [row] = await settled(gateway, corpId, '1', 1);
      expect(row).toMatchObject({ status: 'done', attempts: 1 });
      expect(row!.lastError).toMatch(/^finance-sdk\.bad-output: /);
      const media = await archivedMedia(gateway, corpId);
      expect(media.map((m) => m.bytes)).toEqual([bytes]);
    });

    it('fails the row visibly, with the code and the fix, when the file id is unknown', async () => {
      const corpId = newCorpId();
      const gateway = await start(corpId, [sealed(1, image(1, 'sdk-gone', randomBytes(100)))], {});
      const [row] = await settled(gateway, corpId, '1', 1);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row!.lastError).toMatch(/^finance-sdk\.10005: .*fileid/);
      expect(await archivedMedia(gateway, corpId)).toEqual([]);
      expect(await gateway.metrics.registry.getSingleMetricAsString('cgw_msgaudit_media_total')).toContain('outcome="failed"} 1');
    });

    it('retries a file whose md5 does not match the message, then fails it after mediaMaxAttempts', async () => {
      const corpId = newCorpId();
      const bytes = randomBytes(500);
      const gateway = await start(corpId, [sealed(1, image(1, 'sdk-photo', bytes, md5(Buffer.from('something else'))))], { 'sdk-photo': bytes }, { mediaMaxAttempts: 3 });
      const [row] = await settled(gateway, corpId, '1', 1);
      expect(row).toMatchObject({ status: 'failed', attempts: 3 });
      expect(row!.lastError).toMatch(/^media\.md5-mismatch: /);
      expect(standin.control.calls('GetMediaData')).toBe(3);
      expect(await archivedMedia(gateway, corpId)).toEqual([]);
    });

    // Part records of a corp's media files (in no particular order).
    async function partRecords(gateway: Gateway, corpId: string) {
      const rows = await gateway.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ select: { id: true }, where: { recordType: 'wecom.msgaudit.media.part' } });
      const out: Record<string, unknown>[] = [];
      for (const { id } of rows) {
        const { payload } = await gateway.deps.reader.open(id);
        if (payload.corpId === corpId) out.push({ ...payload, recordId: id });
      }
      return out;
    }

    it('archives a file larger than mediaPartBytes in parts as it downloads, and the media record names them in order', async () => {
      const corpId = newCorpId();
      const bytes = randomBytes(5 * CHUNK + 123);
      const gateway = await start(corpId, [sealed(1, file(1, 'sdk-video', bytes))], { 'sdk-video': bytes }, { mediaPartBytes: CHUNK });
      const [row] = await settled(gateway, corpId, '1', 1);
      expect(row).toMatchObject({ status: 'done', attempts: 0 });
      const [media] = await archivedMedia(gateway, corpId);
      expect(media!.bytes.equals(bytes)).toBe(true);
      expect(media!.payload.bytesBase64).toBeUndefined();
      expect(media!.payload).toMatchObject({ size: bytes.length, md5: md5(bytes), attempt: 1 });
      const parts = media!.payload.parts as { recordId: string; offset: number; size: number }[];
      expect(parts.map((p) => [p.offset, p.size])).toEqual([[0, CHUNK], [CHUNK, CHUNK], [2 * CHUNK, CHUNK], [3 * CHUNK, CHUNK], [4 * CHUNK, CHUNK], [5 * CHUNK, 123]]);
      // Exactly these part records exist (one attempt, nothing left over).
      expect((await partRecords(gateway, corpId)).map((p) => String(p.recordId)).sort()).toEqual(parts.map((p) => p.recordId).sort());
    });

    it('leaves the parts of a failed attempt unnamed and makes the file from the next attempt\'s parts', async () => {
      const corpId = newCorpId();
      const bytes = randomBytes(4 * CHUNK + 7);
      standin.control.setMode('GetMediaData', 'truncated-media', { count: 1 });
      const gateway = await start(corpId, [sealed(1, file(1, 'sdk-video', bytes))], { 'sdk-video': bytes }, { mediaPartBytes: CHUNK });
      const [row] = await settled(gateway, corpId, '1', 1);
      expect(row).toMatchObject({ status: 'done', attempts: 1 });
      const [media] = await archivedMedia(gateway, corpId);
      expect(media!.bytes.equals(bytes)).toBe(true);
      expect(media!.payload.attempt).toBe(2);
      const named = new Set((media!.payload.parts as { recordId: string }[]).map((p) => p.recordId));
      const all = await partRecords(gateway, corpId);
      expect(all.filter((p) => named.has(String(p.recordId))).every((p) => p.attempt === 2)).toBe(true);
      expect(all.filter((p) => !named.has(String(p.recordId))).every((p) => p.attempt === 1)).toBe(true);
    });

    it('refuses to assemble a file whose part was swapped for another file\'s', async () => {
      const corpId = newCorpId();
      const a = randomBytes(2 * CHUNK + 1);
      const b = randomBytes(2 * CHUNK + 1);
      const gateway = await start(corpId, [sealed(1, file(1, 'sdk-a', a)), sealed(2, file(2, 'sdk-b', b))], { 'sdk-a': a, 'sdk-b': b }, { mediaPartBytes: CHUNK });
      await settled(gateway, corpId, '2', 2);
      const [ma, mb] = await archivedMedia(gateway, corpId);
      const partsA = ma!.payload.parts as { recordId: string; offset: number; size: number }[];
      const partsB = mb!.payload.parts as { recordId: string; offset: number; size: number }[];
      const forged = { ...ma!.payload, parts: [partsA[0], partsB[1], partsA[2]] };
      await expect(readMediaFile(gateway.deps.reader, forged)).rejects.toThrow(MediaFileError);
    });

    it('refuses a file above mediaMaxBytes without downloading it', async () => {
      const corpId = newCorpId();
      const bytes = randomBytes(4096);
      const gateway = await start(corpId, [sealed(1, image(1, 'sdk-photo', bytes))], { 'sdk-photo': bytes }, { mediaMaxBytes: 1024 });
      const [row] = await settled(gateway, corpId, '1', 1);
      expect(row).toMatchObject({ status: 'failed' });
      expect(row!.lastError).toMatch(/^media\.too-large: .*mediaMaxBytes/);
      expect(standin.control.calls('GetMediaData')).toBe(0);
    });
  });
}
