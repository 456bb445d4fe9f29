import { createHash, randomBytes } from 'node:crypto';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, readySdk, SECRET } from './__tests__/standin-sdk';
import { readMedia } from './media-reader';

const standin = useFinanceStandin();
const KB512 = 512 * 1024;
const SIZES: Record<string, number> = { empty: 0, 'one-byte': 1, 'exactly-512k': KB512, '512k-plus-1': KB512 + 1, 'three-mb': 3 * 1024 * 1024 + 7 };
const media = Object.fromEntries(Object.entries(SIZES).map(([id, size]) => [id, randomBytes(size)]));

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET, media } } }));

async function readAll(iterable: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('GetMediaData through the binding', () => {
  it.each([
    ['empty', 1],
    ['one-byte', 1],
    ['exactly-512k', 1],
    ['512k-plus-1', 2],
    ['three-mb', 7],
  ])('reassembles the %s file from %p GetMediaData calls of at most 512 KB', async (id, calls) => {
    const sdk = await readySdk(standin);
    const chunks = await readAll(readMedia(sdk, id, { expectedSize: SIZES[id] }));
    expect(chunks.every((chunk) => chunk.length <= KB512)).toBe(true);
    expect(sha(Buffer.concat(chunks))).toBe(sha(media[id]!));
    expect(standin.control.calls('GetMediaData')).toBe(calls);
    expect(standin.control.calls('FreeMediaData')).toBe(calls);
  });

  it('answers a zero-byte file with one empty, finished chunk', async () => {
    const sdk = await readySdk(standin);
    expect(await sdk.getMediaChunk('empty', '')).toEqual({ data: Buffer.alloc(0), outIndexBuf: '0', isFinish: true });
  });

  it('hands back outindexbuf for the next call and is_finish on the last chunk', async () => {
    standin.control.load({ mediaChunkBytes: 1000, corps: { [CORP_ID]: { secret: SECRET, media: { small: randomBytes(2500) } } } });
    const sdk = await readySdk(standin);
    const first = await sdk.getMediaChunk('small', '');
    const second = await sdk.getMediaChunk('small', first.outIndexBuf);
    const third = await sdk.getMediaChunk('small', second.outIndexBuf);
    expect([first, second, third].map(({ data, outIndexBuf, isFinish }) => [data.length, outIndexBuf, isFinish])).toEqual([
      [1000, '1000', false],
      [1000, '2000', false],
      [500, '2500', true],
    ]);
  });

  it('passes indexbuf, sdkfileid, proxy, passwd and timeout in the header order', async () => {
    const sdk = await readySdk(standin);
    await sdk.getMediaChunk('512k-plus-1', String(KB512), { proxy: 'http://10.0.0.1:8081', passwd: 'u:p', timeoutSeconds: 9 });
    expect(standin.control.lastCall()).toMatchObject({ fn: 'GetMediaData', indexbuf: String(KB512), sdkfileid: '512k-plus-1', proxy: 'http://10.0.0.1:8081', passwd: 'u:p', timeout: 9 });
  });

  it('maps an unknown sdkfileid to 10005, not retryable', async () => {
    const sdk = await readySdk(standin);
    await expect(sdk.getMediaChunk('no-such-file', '')).rejects.toMatchObject({ code: 10005, retryable: false, fix: expect.stringContaining('sdkfileid') });
  });

  it('detects a truncated chunk by the size the message announced, as retryable', async () => {
    standin.control.setMode('GetMediaData', 'truncated-media', { count: 1 });
    const sdk = await readySdk(standin);
    await expect(readAll(readMedia(sdk, '512k-plus-1', { expectedSize: KB512 + 1 }))).rejects.toMatchObject({
      kind: 'bad-output',
      retryable: true,
      message: expect.stringContaining(`ended after ${KB512 / 2 + 1} of the ${KB512 + 1} bytes`),
    });
  });

  it('stops at the first chunk that overruns the announced size', async () => {
    const sdk = await readySdk(standin);
    await expect(readAll(readMedia(sdk, 'three-mb', { expectedSize: 1000 }))).rejects.toMatchObject({ kind: 'bad-output', message: expect.stringContaining('announced 1000') });
    expect(standin.control.calls('GetMediaData')).toBe(1);
  });

  it('refuses a chunk larger than the configured maximum', async () => {
    const sdk = await readySdk(standin, { maxMediaChunkBytes: 1024 });
    await expect(sdk.getMediaChunk('three-mb', '')).rejects.toMatchObject({ kind: 'bad-output', message: expect.stringContaining('exceeds 1024') });
  });

  it('frees the media buffer when GetMediaData fails mid-file', async () => {
    const sdk = await readySdk(standin);
    const first = await sdk.getMediaChunk('three-mb', '');
    standin.control.setMode('GetMediaData', 'retryable', { count: 1 });
    await expect(sdk.getMediaChunk('three-mb', first.outIndexBuf)).rejects.toMatchObject({ code: 10001, retryable: true });
    expect(standin.control.calls('FreeMediaData')).toBe(2);
    const resumed = await sdk.getMediaChunk('three-mb', first.outIndexBuf);
    expect(resumed.data.equals(media['three-mb']!.subarray(KB512, 2 * KB512))).toBe(true);
  });

  it('rejects an sdkfileid with a control character without calling the SDK', async () => {
    const sdk = await readySdk(standin);
    await expect(sdk.getMediaChunk('file\nid', '')).rejects.toMatchObject({ kind: 'invalid-argument', code: 10000 });
    expect(standin.control.calls('GetMediaData')).toBe(0);
  });
});
