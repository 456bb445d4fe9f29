/**
 * multipart/form-data with one file part, the way Tencent's media uploads
 * expect it (field `media`, a filename and, as WeCom's docs show, filelength).
 */
import { randomBytes } from 'node:crypto';

/** One file to upload. */
export interface MultipartFile {
  /** Form field name; Tencent's media uploads use `media`. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** Quotes and line breaks would break the part header; Tencent only needs an extension it recognises. */
function headerSafe(value: string): string {
  return value.replace(/["\\\r\n]/g, '_');
}

/** The body and its Content-Type (with a random boundary). @throws RangeError for an empty field name or content type */
export function buildMultipart(file: MultipartFile): { body: Buffer; contentType: string } {
  if (!file.field || !/^[\w.+-]+\/[\w.+-]+$/.test(file.contentType)) throw new RangeError('multipart: field and a type/subtype content type are required');
  const boundary = `----cgw${randomBytes(12).toString('hex')}`;
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${headerSafe(file.field)}"; filename="${headerSafe(file.filename)}"; filelength=${file.bytes.length}\r\n` +
    `Content-Type: ${file.contentType}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head, 'utf8'), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
