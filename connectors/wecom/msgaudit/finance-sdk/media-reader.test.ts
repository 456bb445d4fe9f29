import type { MediaChunk } from './finance-sdk';
import { readMedia } from './media-reader';

/** A scripted GetMediaData: answers the given chunks in order (the SDK itself is a collaborator here). */
function scripted(chunks: MediaChunk[]) {
  const seen: string[] = [];
  return {
    seen,
    getMediaChunk: async (_id: string, indexBuf: string) => {
      seen.push(indexBuf);
      const next = chunks.shift();
      if (!next) throw new Error('read past the end');
      return next;
    },
  };
}
const chunk = (text: string, outIndexBuf: string, isFinish: boolean): MediaChunk => ({ data: Buffer.from(text), outIndexBuf, isFinish });

async function drain(iterable: AsyncIterable<Buffer>): Promise<string> {
  let text = '';
  for await (const part of iterable) text += part.toString();
  return text;
}

describe('readMedia', () => {
  it('passes each outindexbuf back as the next indexbuf, starting from the empty string', async () => {
    const sdk = scripted([chunk('ab', 'Range:2', false), chunk('cd', 'Range:4', false), chunk('e', 'Range:5', true)]);
    expect(await drain(readMedia(sdk, 'file', { expectedSize: 5 }))).toBe('abcde');
    expect(sdk.seen).toEqual(['', 'Range:2', 'Range:4']);
  });

  it('stops an SDK that repeats the same outindexbuf instead of looping forever', async () => {
    const sdk = scripted([chunk('ab', '2', false), chunk('cd', '2', false), chunk('ef', '2', false)]);
    await expect(drain(readMedia(sdk, 'file'))).rejects.toMatchObject({ kind: 'bad-output', retryable: true, message: expect.stringContaining('did not advance') });
  });

  it('stops an SDK that sends empty unfinished chunks', async () => {
    const sdk = scripted([chunk('', '1', false), chunk('', '2', false)]);
    await expect(drain(readMedia(sdk, 'file'))).rejects.toMatchObject({ message: expect.stringContaining('did not advance after 0 bytes') });
  });

  it('refuses a file beyond maxBytes as final, not retryable', async () => {
    const sdk = scripted([chunk('abcdef', '6', false)]);
    await expect(drain(readMedia(sdk, 'file', { maxBytes: 4 }))).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('the limit is 4') });
  });
});
