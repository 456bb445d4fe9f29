/**
 * OA temporary media upload on the Tencent-compatible API:
 * `POST /oa/{accountId}/cgi-bin/media/upload?access_token=…&type=image|voice|video|thumb`,
 * multipart/form-data with the file in field `media`, as wechat-api,
 * co-wechat-api and node-easywechat send it (wechat-oa.md §9).
 *
 * The body is streamed through busboy under hard limits and held in memory
 * only: a plaintext temp file would be media at rest outside the archive. The
 * bytes are archived (`oa.media`, once per account and content hash) before
 * Tencent sees them, and Tencent's media_id is archived too
 * (`oa.media.uploaded`), so a media_id named in a later message leads back to
 * its bytes. Media bytes are not text: no policy runs here; the messages that
 * name the media_id are evaluated when they are sent.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Router from '@koa/router';
import busboy from 'busboy';
import { CompatError } from './compat-error';
import type { CompatDeps } from './compat-deps';
import { authenticate } from './send-routes';

export type OaMediaType = 'image' | 'voice' | 'video' | 'thumb';

const MB = 1024 * 1024;

/** Tencent's size cap and formats per type (wechat-oa.md §9), as the simulator enforces them; image is 10 MB (older docs say 2). */
export const OA_MEDIA_RULES: Readonly<Record<OaMediaType, { maxBytes: number; extensions: readonly string[] }>> = {
  image: { maxBytes: 10 * MB, extensions: ['png', 'jpeg', 'jpg', 'gif'] },
  voice: { maxBytes: 2 * MB, extensions: ['amr', 'mp3'] },
  video: { maxBytes: 10 * MB, extensions: ['mp4'] },
  thumb: { maxBytes: 64 * 1024, extensions: ['jpg', 'jpeg'] },
};

// Tencent judges the format by the filename's extension; a name without one is judged by the part's content type.
const EXTENSION_BY_MIME: Readonly<Record<string, string>> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/jpg': 'jpg', 'image/gif': 'gif',
  'audio/amr': 'amr', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'video/mp4': 'mp4',
};

/** The one uploaded file, in memory. */
export interface MediaPart {
  /** As the app sent it (path separators, control characters and all): archived, shown to no one, never used as a path. */
  filename: string;
  contentType: string;
  bytes: Buffer;
  sha256: string;
  /** The format as judged from the filename or, failing that, the content type. */
  extension: string;
}

function isOaMediaType(type: unknown): type is OaMediaType {
  return typeof type === 'string' && Object.hasOwn(OA_MEDIA_RULES, type);
}

function baseName(filename: string): string {
  return filename.split(/[\\/]/).pop() ?? '';
}

function judgeExtension(filename: string, contentType: string): string {
  const base = baseName(filename);
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? base.slice(dot + 1).toLowerCase() : (EXTENSION_BY_MIME[contentType.toLowerCase()] ?? '');
}

/**
 * Stream the multipart body and return its one file, never holding more than
 * one byte past the smaller of the type's cap and `maxBodyBytes`.
 * @throws CompatError 41005 not multipart or no file in `media`, 47001 malformed (a control character in a part
 *   header too) or truncated or more than one file,
 *   44001 zero bytes, 40005 a format the type does not take, 45001 over the type's cap or a body over `maxBodyBytes`.
 */
export function readMediaPart(req: IncomingMessage, type: OaMediaType, maxBodyBytes: number): Promise<MediaPart> {
  if (!/^multipart\/form-data\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return Promise.reject(new CompatError(41005, 'the body must be multipart/form-data with the file in field media'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return Promise.reject(new CompatError(45001, `body larger than ${maxBodyBytes} bytes`));
  const rule = OA_MEDIA_RULES[type];
  const fileCap = Math.min(rule.maxBytes, maxBodyBytes);
  const tooLarge = rule.maxBytes <= maxBodyBytes ? `${type} is at most ${rule.maxBytes} bytes` : `body larger than ${maxBodyBytes} bytes`;

  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // preservePath: the filename is archived exactly as given; it is never used as a path. busboy signals its
      // fileSize limit on reaching it, so the limit is one byte past the cap: a file of exactly the cap passes.
      parser = busboy({ headers: req.headers, preservePath: true, defParamCharset: 'utf8', limits: { fileSize: fileCap + 1, files: 2, fields: 16, fieldSize: 4096, parts: 32, headerPairs: 32 } });
    } catch {
      return reject(new CompatError(47001, 'malformed multipart/form-data header'));
    }
    let settled = false;
    let received = 0;
    let files = 0;
    let chunks: Buffer[] = [];
    let file: (Omit<MediaPart, 'bytes' | 'sha256'> & { size: number }) | undefined;
    const hash = createHash('sha256');

    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBodyBytes) fail(new CompatError(45001, `body larger than ${maxBodyBytes} bytes`));
    };
    // Stop parsing and drop what was kept; the rest of the body is read and discarded so the app still gets the answer.
    const fail = (err: CompatError): void => {
      if (settled) return;
      settled = true;
      chunks = [];
      req.off('data', count);
      req.unpipe(parser);
      req.resume();
      reject(err);
    };

    parser.on('file', (name, stream, info) => {
      stream.on('error', () => fail(new CompatError(47001, 'truncated multipart body')));
      if (++files > 1) {
        stream.resume();
        return fail(new CompatError(47001, 'exactly one file is allowed, in field media'));
      }
      if (name !== 'media') return void stream.resume();
      const filename = info.filename ?? '';
      const extension = judgeExtension(filename, info.mimeType);
      if (!rule.extensions.includes(extension)) {
        stream.resume();
        return fail(new CompatError(40005, `${type} takes ${rule.extensions.join('/')}`));
      }
      const current = { filename, contentType: info.mimeType, extension, size: 0 };
      file = current;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        current.size += chunk.length;
        chunks.push(chunk);
        hash.update(chunk);
      });
      stream.on('limit', () => fail(new CompatError(45001, tooLarge)));
    });
    parser.on('error', () => fail(new CompatError(47001, 'malformed or truncated multipart body')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      req.off('data', count);
      if (!file) return reject(new CompatError(41005, 'no file in field media'));
      if (file.size === 0) return reject(new CompatError(44001));
      resolve({ filename: file.filename, contentType: file.contentType, extension: file.extension, bytes: Buffer.concat(chunks), sha256: hash.digest('hex') });
    });
    req.on('error', () => fail(new CompatError(47001, 'the request ended early')));
    req.on('data', count);
    req.pipe(parser);
  });
}

// Tencent needs only a recognisable extension: it gets the last path segment with control characters and quotes replaced.
function tencentFilename(part: MediaPart): string {
  const safe = baseName(part.filename).replace(/[\x00-\x1f\x7f"\\]/g, '_').slice(-128);
  return safe.toLowerCase().endsWith(`.${part.extension}`) ? safe : `media.${part.extension}`;
}

/**
 * Archive the file (once per account and sha256), upload it with the
 * account's real token, archive Tencent's media_id, and return Tencent's JSON
 * (or its error) for the app.
 * @throws the archive's errors (nothing was sent, or the app must retry: the media_id would be unmapped).
 */
export async function uploadOaMedia(deps: CompatDeps, upload: { appId: string; accountId: string; type: OaMediaType; part: MediaPart }): Promise<Record<string, unknown>> {
  const { appId, accountId, type, part } = upload;
  const media = await deps.outbound.archive.append({
    recordType: 'oa.media',
    accountId,
    subject: null,
    occurredAtMs: deps.now(),
    dedupeKey: `oa.media|${accountId}|${part.sha256}`,
    payload: { appId, type, filename: part.filename, contentType: part.contentType, size: part.bytes.length, sha256: part.sha256, bytesBase64: part.bytes.toString('base64') },
    outbox: [],
  });
  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(part.contentType) ? part.contentType : 'application/octet-stream';
  const outcome = await deps.outbound.tencent.upload({ product: 'oa', accountId }, '/cgi-bin/media/upload', { type }, { field: 'media', filename: tencentFilename(part), contentType, bytes: part.bytes });
  if (!outcome.ok) {
    deps.logger.warn({ errcode: outcome.errcode, accountId, mediaRecordId: media.recordId }, 'media upload refused or not answered by Tencent');
    return { errcode: outcome.errcode ?? -1, errmsg: outcome.errmsg };
  }
  const mediaId = outcome.response.media_id;
  if (typeof mediaId !== 'string' || mediaId === '') throw new CompatError(-1, 'Tencent answered without a media_id');
  await deps.outbound.archive.append({
    recordType: 'oa.media.uploaded',
    accountId,
    subject: null,
    occurredAtMs: deps.now(),
    dedupeKey: `oa.media.uploaded|${accountId}|${mediaId}`,
    payload: { appId, mediaRecordId: media.recordId, sha256: part.sha256, type, filename: part.filename, mediaId, createdAt: outcome.response.created_at ?? null, response: outcome.response },
    outbox: [],
  });
  return outcome.response;
}

/** Adds `POST /oa/:accountId/cgi-bin/media/upload`: authenticate → type → stream and check the file → archive → Tencent → archive. */
export function addMediaUploadRoute(router: Router, deps: CompatDeps): void {
  router.post('/oa/:accountId/cgi-bin/media/upload', async (ctx) => {
    const accountId = String(ctx.params.accountId ?? '');
    const owner = await authenticate(deps, ctx, accountId, 'oa');
    const app = deps.apps.get(owner.appId);
    if (!app || !app.sends.includes(accountId)) throw new CompatError(40001, 'token was issued for an app that may no longer send here');
    const type = ctx.query.type;
    if (!isOaMediaType(type)) throw new CompatError(40004, 'type must be image, voice, video or thumb');
    const part = await readMediaPart(ctx.req, type, deps.config.maxMediaBytes);
    ctx.status = 200;
    ctx.type = 'application/json';
    ctx.body = await uploadOaMedia(deps, { appId: owner.appId, accountId, type, part });
  });
}
