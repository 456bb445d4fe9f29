/**
 * Issue 4, item 2: OA temporary media upload through the gateway. Unmodified
 * SDKs upload a file; the simulator (Tencent) accepts it; the archive holds
 * the bytes once per account and content hash plus Tencent's media_id; the
 * media_id works in a later message. Hostile multipart bodies get Tencent's
 * errcodes and leave nothing in the archive and nothing at Tencent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_KINDS } from '../db';
import { ARCHIVE_RECORD_ENTITY, type ArchiveRecordRow } from '../../gateway/db/entities';
import type { OpenedRecord } from '../../gateway/archive/reader';
import { blindIndex } from '../../gateway/archive/crypto/blind-index';
import { FileKeyStore } from '../../gateway/archive/crypto/file-key-store';
import { ACCOUNT_ID, startOutboundHarness, type OutboundHarness } from './outbound-harness';
import { sdkError } from './sdks';

/* eslint-disable @typescript-eslint/no-require-imports */
const WechatAPI = require('wechat-api');
const CoWechatAPI = require('co-wechat-api');
const { OfficialAccount } = require('node-easywechat');

jest.setTimeout(60_000);

const UPLOAD = '/cgi-bin/media/upload';
const MAX_MEDIA = 256 * 1024;

type Upload = (path: string, type: string) => Promise<Record<string, unknown>>;

class MemoryCache {
  private readonly data = new Map<string, unknown>();
  async get(key: string) { return this.data.get(key); }
  async has(key: string) { return this.data.has(key); }
  async set(key: string, value: unknown) { this.data.set(key, value); return true; }
  async delete(key: string) { return this.data.delete(key); }
}

/** A multipart body built by hand, so tests can send what no SDK would. */
function multipart(parts: { name: string; filename?: string; contentType?: string; data: Buffer | string }[], boundary = `----test${randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`, 'utf8'));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data, 'utf8'));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A small PNG-looking file with unique bytes. */
function pngBytes(size = 2048): Buffer {
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(size - 8)]);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(DATABASE_KINDS)('OA media upload through the gateway (%s)', (kind) => {
  let h: OutboundHarness;
  let token: string;
  let dir: string;
  beforeAll(async () => {
    h = await startOutboundHarness({
      kind,
      // The harness's outbound settings again (an overlay replaces the whole section), with a small media cap.
      overlay: { outbound: { backoffBaseMs: 50, backoffMaxMs: 300, inlineTimeoutMs: 3000, claimMs: 5000, maxAttempts: 6, maxMediaBytes: MAX_MEDIA } },
    });
    const res = await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${h.app.appSecret}`);
    token = ((await res.json()) as { access_token: string }).access_token;
    dir = mkdtempSync(join(tmpdir(), 'cgw-media-'));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close({ drop: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function sdkUploads(): Record<string, Upload> {
    const wechatApi = new WechatAPI(h.app.appId, h.app.appSecret);
    wechatApi.endpoint = h.oaBase;
    const coApi = new CoWechatAPI(h.app.appId, h.app.appSecret);
    coApi.prefix = `${h.oaBase}/cgi-bin/`;
    const easy = new OfficialAccount({ app_id: h.app.appId, secret: h.app.appSecret, token: 'unused', aes_key: '', http: { baseURL: `${h.oaBase}/` } });
    easy.setCache(new MemoryCache());
    return {
      'wechat-api': (path, type) => new Promise((resolve, reject) => wechatApi.uploadMedia(path, type, (err: Error | null, result: Record<string, unknown>) => (err ? reject(err) : resolve(result)))),
      'co-wechat-api': (path, type) => coApi.uploadMedia(path, type),
      'node-easywechat': async (path, type) => (await easy.getClient().withFile(path, 'media').post('cgi-bin/media/upload', { params: { type } })).toObject(),
    };
  }

  function writeFile(name: string, bytes: Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  async function post(body: Buffer | string | ReadableStream, init: { contentType?: string; type?: string | null; token?: string | null; chunked?: boolean } = {}): Promise<Record<string, unknown>> {
    const query = new URLSearchParams();
    if (init.token !== null) query.set('access_token', init.token ?? token);
    if (init.type !== null) query.set('type', init.type ?? 'image');
    const res = await fetch(`${h.oaBase}/cgi-bin/media/upload?${query}`, {
      method: 'POST',
      body,
      headers: init.contentType ? { 'content-type': init.contentType } : {},
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Record<string, unknown>;
  }

  async function records(recordType: string): Promise<OpenedRecord[]> {
    const rows = await h.gateway.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ where: { recordType } });
    return Promise.all(rows.map((r) => h.gateway.outbound.reader.open(r.id)));
  }

  async function counts(): Promise<{ records: number; uploadsAccepted: number }> {
    return {
      records: await h.gateway.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).count(),
      uploadsAccepted: h.sim.calls({ path: UPLOAD }).filter((c) => c.errcode === 0).length,
    };
  }

  for (const sdkName of ['wechat-api', 'co-wechat-api', 'node-easywechat']) {
    it(`uploads an image with unmodified ${sdkName}: Tencent accepts it, the archive holds the bytes and the media_id`, async () => {
      const bytes = pngBytes();
      const callsBefore = h.sim.calls({ path: UPLOAD }).length;
      const answer = await sdkUploads()[sdkName]!(writeFile(`${sdkName}.png`, bytes), 'image');
      expect(answer).toMatchObject({ type: 'image', media_id: expect.stringMatching(/^[\w-]{20,}$/), created_at: expect.any(Number) });

      const calls = h.sim.calls({ path: UPLOAD }).slice(callsBefore);
      expect(calls).toEqual([expect.objectContaining({ method: 'POST', errcode: 0, appId: h.account.appId })]);

      const media = (await records('oa.media')).filter((r) => r.payload.sha256 === sha256(bytes));
      expect(media).toHaveLength(1);
      expect(media[0]!.payload).toMatchObject({ appId: 'crm', type: 'image', filename: `${sdkName}.png`, size: bytes.length });
      expect(Buffer.from(String(media[0]!.payload.bytesBase64), 'base64').equals(bytes)).toBe(true);
      // What a reviewer does with a media_id seen in a message: look its record up by the blind-indexed dedupe key.
      const dedupeBidx = blindIndex(FileKeyStore.open(h.config.keys.path).indexKey(), 'dedupe', `oa.media.uploaded|${ACCOUNT_ID}|${String(answer.media_id)}`);
      const row = await h.gateway.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).findOneByOrFail({ dedupeBidx });
      const uploaded = await h.gateway.outbound.reader.open(row.id);
      expect(uploaded.recordType).toBe('oa.media.uploaded');
      expect(uploaded.payload).toMatchObject({ appId: 'crm', mediaId: answer.media_id, mediaRecordId: media[0]!.stored.id, sha256: sha256(bytes), createdAt: answer.created_at });
    });
  }

  it('stores the same bytes once per account when uploaded twice, and maps both media_ids to that one record', async () => {
    const bytes = pngBytes();
    const upload = sdkUploads()['co-wechat-api']!;
    const first = await upload(writeFile('twice-a.png', bytes), 'image');
    const second = await upload(writeFile('twice-b.png', bytes), 'image');
    expect(second.media_id).not.toBe(first.media_id);
    const media = (await records('oa.media')).filter((r) => r.payload.sha256 === sha256(bytes));
    expect(media).toHaveLength(1);
    expect(media[0]!.payload.filename).toBe('twice-a.png');
    const uploaded = (await records('oa.media.uploaded')).filter((r) => r.payload.sha256 === sha256(bytes));
    expect(uploaded.map((r) => r.payload.mediaId).sort()).toEqual([first.media_id, second.media_id].sort());
    expect(uploaded.map((r) => r.payload.mediaRecordId)).toEqual([media[0]!.stored.id, media[0]!.stored.id]);
    expect(uploaded.map((r) => r.payload.filename).sort()).toEqual(['twice-a.png', 'twice-b.png']);
  });

  it('answers a media_id that works in a customer-service image message sent through the gateway (and a made-up one fails at Tencent)', async () => {
    const coApi = new CoWechatAPI(h.app.appId, h.app.appSecret);
    coApi.prefix = `${h.oaBase}/cgi-bin/`;
    const { media_id: mediaId } = await coApi.uploadMedia(writeFile('for-message.png', pngBytes()), 'image');
    const openid = await h.followerWhoWrote();
    const answer = await coApi.sendImage(openid, mediaId);
    expect(answer).toMatchObject({ errcode: 0, cgw_status: 'delivered' });
    const got = h.sim.received({ path: '/cgi-bin/message/custom/send' }).filter((m) => JSON.stringify(m.body).includes(String(mediaId)));
    expect(got).toHaveLength(1);
    const id = String(mediaId);
    const madeUp = `${id.startsWith('A') ? 'B' : 'A'}${id.slice(1)}`;
    const made = await coApi.sendImage(openid, madeUp).then(() => null, sdkError);
    expect(made?.errcode).toBe(40007);
  });

  it('archives a filename with path traversal, a tab and non-ASCII exactly as given, and hands Tencent only a clean last segment', async () => {
    const spy = jest.spyOn(h.gateway.outbound.tencent, 'upload');
    const bytes = pngBytes();
    const hostile = '../../etc/cron.d/x\t账单.png';
    const { body, contentType } = multipart([{ name: 'media', filename: hostile, contentType: 'image/png', data: bytes }]);
    const answer = await post(body, { contentType });
    expect(answer).toMatchObject({ type: 'image', media_id: expect.any(String) });
    const media = (await records('oa.media')).filter((r) => r.payload.sha256 === sha256(bytes));
    expect(media.map((r) => r.payload.filename)).toEqual([hostile]);
    expect(spy).toHaveBeenCalledTimes(1);
    const file = spy.mock.calls[0]![3];
    expect(file).toMatchObject({ field: 'media', filename: 'x_账单.png', contentType: 'image/png' });
    expect(file.bytes.equals(bytes)).toBe(true);
    spy.mockRestore();
  });

  it('accepts a thumb of exactly 64 KB, the type limit', async () => {
    const bytes = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), randomBytes(64 * 1024 - 4)]);
    const { body, contentType } = multipart([{ name: 'media', filename: 'cover.jpg', contentType: 'image/jpeg', data: bytes }]);
    expect(await post(body, { contentType, type: 'thumb' })).toMatchObject({ type: 'thumb', media_id: expect.any(String) });
  });

  const png = (name = 'media', filename = 'a.png', data: Buffer = pngBytes()) => ({ name, filename, contentType: 'image/png', data });
  it.each<[string, number, () => { body: Buffer | string | ReadableStream; contentType?: string; type?: string | null; token?: string | null }]>([
    ['a zero-byte file', 44001, () => multipart([png('media', 'a.png', Buffer.alloc(0))])],
    ['a thumb over 64 KB', 45001, () => ({ ...multipart([{ name: 'media', filename: 'c.jpg', contentType: 'image/jpeg', data: randomBytes(64 * 1024 + 1) }]), type: 'thumb' })],
    ['a body over outbound.maxMediaBytes (declared length)', 45001, () => multipart([png('media', 'big.png', pngBytes(MAX_MEDIA + 1))])],
    ['a body over outbound.maxMediaBytes (chunked, no length)', 45001, () => {
      const { body, contentType } = multipart([png('media', 'big.png', pngBytes(MAX_MEDIA + 1))]);
      return { contentType, body: new ReadableStream({ start(c) { for (let i = 0; i < body.length; i += 16384) c.enqueue(body.subarray(i, i + 16384)); c.close(); } }) };
    }],
    ['a small file behind a preamble over outbound.maxMediaBytes (chunked)', 45001, () => {
      const { body, contentType } = multipart([png()]);
      const whole = Buffer.concat([Buffer.alloc(MAX_MEDIA, 'p'), Buffer.from('\r\n'), body]);
      return { contentType, body: new ReadableStream({ start(c) { for (let i = 0; i < whole.length; i += 16384) c.enqueue(whole.subarray(i, i + 16384)); c.close(); } }) };
    }],
    ['the file in field "file"', 41005, () => multipart([png('file')])],
    ['a text field named media', 41005, () => multipart([{ name: 'media', data: 'not a file' }])],
    ['two files in field media', 47001, () => multipart([png(), png()])],
    ['a file in media and one in another field', 47001, () => multipart([png(), png('extra')])],
    ['type=document', 40004, () => ({ ...multipart([png()]), type: 'document' })],
    ['no type', 40004, () => ({ ...multipart([png()]), type: null })],
    ['a filename with control characters (not valid in a part header)', 47001, () => multipart([png('media', '../x\u0001\u001b[31m.png')])],
    ['a format the type does not take', 40005, () => multipart([png('media', 'tool.exe')])],
    ['a JSON body', 41005, () => ({ body: '{"media":"x"}', contentType: 'application/json' })],
    ['multipart without a boundary', 47001, () => ({ body: multipart([png()]).body, contentType: 'multipart/form-data' })],
    ['a truncated multipart body', 47001, () => {
      const { body, contentType } = multipart([png()]);
      return { body: body.subarray(0, body.length - 200), contentType };
    }],
    ['an empty multipart body', 47001, () => ({ body: Buffer.alloc(0), contentType: 'multipart/form-data; boundary=xyz' })],
    ['no access_token', 41001, () => ({ ...multipart([png()]), token: null })],
  ])('answers %s with errcode %i, archives nothing and sends Tencent nothing', async (_name, errcode, build) => {
    const before = await counts();
    const { body, contentType, type, token: t } = build();
    const answer = await post(body, { ...(contentType ? { contentType } : {}), ...(type !== undefined ? { type } : {}), ...(t !== undefined ? { token: t } : {}) });
    expect(answer.errcode).toBe(errcode);
    expect(String(answer.errmsg)).toMatch(/cgw_error_id: [0-9a-f-]{36}$/);
    expect(await counts()).toEqual(before);
  });

  it('archives the media before Tencent: an archive failure answers -1 and Tencent sees nothing', async () => {
    const callsBefore = h.sim.calls({ path: UPLOAD }).length;
    const append = jest.spyOn(h.gateway.outbound.archive, 'append').mockRejectedValueOnce(new Error('database unavailable'));
    const { body, contentType } = multipart([png()]);
    const answer = await post(body, { contentType });
    append.mockRestore();
    expect(answer.errcode).toBe(-1);
    expect(h.sim.calls({ path: UPLOAD }).length).toBe(callsBefore);
  });

  it("answers Tencent's refusal as Tencent's errcode, keeping the archived media but no media_id record", async () => {
    const bytes = pngBytes();
    h.sim.faults.next(UPLOAD, { kind: 'errcode', errcode: 45009 }, 1, 'oa');
    const { body, contentType } = multipart([png('media', 'quota.png', bytes)]);
    const answer = await post(body, { contentType });
    expect(answer.errcode).toBe(45009);
    expect((await records('oa.media')).filter((r) => r.payload.sha256 === sha256(bytes))).toHaveLength(1);
    expect((await records('oa.media.uploaded')).filter((r) => r.payload.sha256 === sha256(bytes))).toHaveLength(0);
  });
});
