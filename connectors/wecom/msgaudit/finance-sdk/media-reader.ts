/**
 * A whole media file as the sequence of its GetMediaData chunks (wecom.md
 * §6.3: indexbuf '' first, then each outindexbuf, until is_finish). Yields
 * chunks rather than one Buffer so the caller can stream them into the
 * archive encryptor without holding a video in memory or on disk. Checks
 * what can be checked without the message's md5: progress on every chunk and
 * the size the message announced.
 */
import { badOutput } from './finance-sdk-error';
import type { FinanceSdk } from './finance-sdk';
import type { SdkCallOptions } from './validate-args';

/** Options of readMedia. */
export interface ReadMediaOptions extends SdkCallOptions {
  /** The size the message announced (filesize, voice_size…); a different total is an error. */
  expectedSize?: number;
  /** Refuse files larger than this (bytes). */
  maxBytes?: number;
}

/** Yield the chunks of `sdkFileId` in order. @throws FinanceSdkError from GetMediaData, or bad-output for a stalled, oversized or truncated file */
export async function* readMedia(sdk: Pick<FinanceSdk, 'getMediaChunk'>, sdkFileId: string, options: ReadMediaOptions = {}): AsyncGenerator<Buffer> {
  const { expectedSize, maxBytes, ...call } = options;
  const limit = Math.min(expectedSize ?? Infinity, maxBytes ?? Infinity);
  let indexBuf = '';
  let total = 0;
  for (;;) {
    const chunk = await sdk.getMediaChunk(sdkFileId, indexBuf, call);
    total += chunk.data.length;
    if (total > limit) {
      const what = expectedSize !== undefined && total > expectedSize ? `the message announced ${expectedSize}` : `the limit is ${maxBytes}`;
      // More bytes than announced may be a transient SDK fault; more than our own limit is final.
      throw badOutput('GetMediaData', `the media exceeds ${limit} bytes (${what})`, expectedSize !== undefined && total > expectedSize);
    }
    if (chunk.data.length > 0) yield chunk.data;
    if (chunk.isFinish) break;
    if (chunk.data.length === 0 || chunk.outIndexBuf === indexBuf) throw badOutput('GetMediaData', `the download did not advance after ${total} bytes`, true);
    indexBuf = chunk.outIndexBuf;
  }
  if (expectedSize !== undefined && total !== expectedSize) {
    throw badOutput('GetMediaData', `the media ended after ${total} of the ${expectedSize} bytes the message announced`, true);
  }
}
