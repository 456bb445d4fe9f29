/** Small real images and texts for the content library tests. */
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** A 1×1 PNG (red pixel). */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/** A 1×1 GIF. */
export const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** md5 hex, as WeCom's md5sum. */
export const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** Approved marketing copy that trips the default policy's supervision lexicon (info/warning terms), and nothing personal. */
export const PROMO_TEXT = '【限时抢购】稳健理财新品上线，最高收益以产品说明书为准，详询您的客户经理。';
/** Approved copy with the bank's hotline: a phone number the PII rules still report. */
export const HOTLINE_TEXT = '限时抢购进行中，客户经理手机13800138000，欢迎来电。';

/** A real PNG of one colour (8-bit RGB), for a poster-sized image item. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}
