/**
 * `POST /cgi-bin/media/upload?type=image|voice|video|thumb` (wechat-oa.md §9):
 * multipart, the file in field `media`. Checks: 40004 unknown type, 41005 no
 * `media` file (or not multipart), 44001 zero bytes, 40005 a format the type
 * does not take (judged by file extension, then by the part's content type),
 * 45001 over the type's size. Answers `{type, media_id, created_at}` with
 * `created_at` an integer, as OA does (WeCom's is a string).
 */
import busboy from 'busboy';
import type Koa from 'koa';
import { OA_MEDIA_TYPES, type MediaRule, type OaMediaType } from '../state/media-store';
import { queryParam } from './json-io';
import { oaEndpoint, oaFail, type OaApiDeps, type OaResult } from './oa-endpoint';

export const MEDIA_UPLOAD_PATH = '/cgi-bin/media/upload';

const EXTENSION_BY_MIME: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/gif': 'gif',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'video/mp4': 'mp4',
};

interface UploadedPart {
  filename: string;
  extension: string;
  bytes: number;
  tooLarge: boolean;
}

/** The endpoint's middleware. */
export function mediaUploadEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'mediaUpload', body: 'raw' }, async ({ appId, ctx }): Promise<OaResult> => {
    const type = queryParam(ctx, 'type') as OaMediaType | undefined;
    if (type === undefined || !OA_MEDIA_TYPES.includes(type)) return oaFail(40004);
    const rule = deps.limits.media[type];
    const part = await readMediaPart(ctx, rule);
    if (!part) return oaFail(41005);
    if (part.bytes === 0 && !part.tooLarge) return oaFail(44001);
    if (!rule.extensions.includes(part.extension)) return oaFail(40005, `invalid file type: ${type} takes ${rule.extensions.join('/')}`);
    if (part.tooLarge) return oaFail(45001, `media size out of limit: ${type} is at most ${rule.maxBytes} bytes`);
    const stored = deps.media.add(appId, type, { filename: part.filename, bytes: part.bytes });
    return { ok: true, body: { type, media_id: stored.mediaId, created_at: Math.floor(stored.createdAt / 1000) } };
  });
}

/** Stream the multipart body, counting the `media` file's bytes (nothing is kept); undefined when there is none. */
function readMediaPart(ctx: Koa.Context, rule: MediaRule): Promise<UploadedPart | undefined> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      // Reading one byte past the cap is enough to know the file is too large; busboy discards the rest.
      parser = busboy({ headers: ctx.req.headers, limits: { fileSize: rule.maxBytes + 1, files: 4, fields: 16 } });
    } catch {
      ctx.req.resume();
      return resolve(undefined); // not multipart at all
    }
    let part: UploadedPart | undefined;
    parser.on('file', (name, stream, info) => {
      if (name !== 'media' || part) {
        stream.resume();
        return;
      }
      const filename = info.filename ?? '';
      const dot = filename.lastIndexOf('.');
      const extension = dot >= 0 ? filename.slice(dot + 1).toLowerCase() : (EXTENSION_BY_MIME[info.mimeType.toLowerCase()] ?? '');
      const current: UploadedPart = { filename, extension, bytes: 0, tooLarge: false };
      part = current;
      stream.on('data', (chunk: Buffer) => {
        current.bytes += chunk.length;
        current.tooLarge = current.bytes > rule.maxBytes;
      });
    });
    parser.on('close', () => resolve(part));
    parser.on('error', () => {
      ctx.req.unpipe(parser);
      ctx.req.resume();
      resolve(undefined);
    });
    ctx.req.pipe(parser);
  });
}
