import busboy from 'busboy';
import { buildMultipart } from './multipart';

/** Parse a multipart body the way a server would (busboy), collecting the file parts. */
function parse(body: Buffer, contentType: string): Promise<{ field: string; filename: string; mimeType: string; bytes: Buffer }[]> {
  return new Promise((resolve, reject) => {
    const files: { field: string; filename: string; mimeType: string; bytes: Buffer }[] = [];
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('file', (field: string, stream: NodeJS.ReadableStream, info: { filename: string | undefined; mimeType: string }) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => files.push({ field, filename: info.filename ?? '', mimeType: info.mimeType, bytes: Buffer.concat(chunks) }));
    });
    parser.on('close', () => resolve(files));
    parser.on('error', reject);
    parser.end(body);
  });
}

describe('buildMultipart', () => {
  it('builds one file part a multipart parser reads back byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
    const { body, contentType } = buildMultipart({ field: 'media', filename: 'photo.jpg', contentType: 'image/jpeg', bytes });
    expect(contentType).toMatch(/^multipart\/form-data; boundary=----cgw[0-9a-f]{24}$/);
    expect(body.toString('latin1')).toContain(`filelength=${bytes.length}`);
    expect(await parse(body, contentType)).toEqual([{ field: 'media', filename: 'photo.jpg', mimeType: 'image/jpeg', bytes }]);
  });

  it('neutralises quotes and line breaks in the filename', async () => {
    const { body, contentType } = buildMultipart({ field: 'media', filename: 'a"b\r\nX-Evil: 1.png', contentType: 'image/png', bytes: Buffer.from('x') });
    const [file] = await parse(body, contentType);
    expect(file?.filename).toBe('a_b__X-Evil: 1.png');
  });

  it('refuses a content type that is not type/subtype', () => {
    expect(() => buildMultipart({ field: 'media', filename: 'a', contentType: 'image/png\r\nX: y', bytes: Buffer.alloc(1) })).toThrow(RangeError);
  });
});
