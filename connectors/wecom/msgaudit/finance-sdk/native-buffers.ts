/**
 * SDK-owned memory: Slice_t and MediaData_t are allocated by the SDK, must be
 * copied out before they are freed, and must be freed on every path — a
 * return code, a bad output, a deadline. `withSlice`/`withMediaData` free in
 * a `finally` that runs only once the native call has really returned, so a
 * call that outlives its deadline frees its buffer when it ends rather than
 * while the SDK still writes into it; `withSliceNow` does the same for a
 * synchronous call.
 */
import * as koffi from 'koffi';
import type { BytesPtr, MediaDataPtr, SlicePtr } from './ffi-types';
import { allocationFailed, badOutput, type FinanceSdkOperation } from './finance-sdk-error';
import type { FinanceSdkBinding } from './load-finance-sdk';

/** Run `use` with a fresh Slice_t, freed afterwards whatever happens. @throws FinanceSdkError (out-of-memory) when NewSlice returns NULL, or whatever `use` throws */
export async function withSlice<T>(sdk: FinanceSdkBinding, use: (slice: SlicePtr) => Promise<T>): Promise<T> {
  const slice = sdk.NewSlice();
  if (!slice) throw allocationFailed('NewSlice');
  try {
    return await use(slice);
  } finally {
    sdk.FreeSlice(slice);
  }
}

/** withSlice for a synchronous call (DecryptData): the slice is freed before this returns or throws. @throws FinanceSdkError (out-of-memory) when NewSlice returns NULL, or whatever `use` throws */
export function withSliceNow<T>(sdk: FinanceSdkBinding, use: (slice: SlicePtr) => T): T {
  const slice = sdk.NewSlice();
  if (!slice) throw allocationFailed('NewSlice');
  try {
    return use(slice);
  } finally {
    sdk.FreeSlice(slice);
  }
}

/** Run `use` with a fresh MediaData_t, freed afterwards whatever happens. @throws FinanceSdkError (out-of-memory) when NewMediaData returns NULL, or whatever `use` throws */
export async function withMediaData<T>(sdk: FinanceSdkBinding, use: (media: MediaDataPtr) => Promise<T>): Promise<T> {
  const media = sdk.NewMediaData();
  if (!media) throw allocationFailed('NewMediaData');
  try {
    return await use(media);
  } finally {
    sdk.FreeMediaData(media);
  }
}

/** Copy `length` bytes at `pointer` into a Buffer the JS heap owns. @throws FinanceSdkError (bad-output) for a negative length or a NULL pointer with a positive length */
export function copyBytes(operation: FinanceSdkOperation, what: string, pointer: BytesPtr | null, length: number): Buffer {
  if (!Number.isInteger(length) || length < 0) throw badOutput(operation, `${what} has length ${length}`, true);
  if (length === 0) return Buffer.alloc(0);
  if (!pointer) throw badOutput(operation, `${what} is NULL with length ${length}`, true);
  // Buffer.from(Uint8Array) copies; a Buffer over koffi.view would dangle once the SDK frees the memory.
  return Buffer.from(new Uint8Array(koffi.view(pointer, length)));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decode SDK output as UTF-8, refusing to replace invalid bytes (compliance text must be kept exactly). @throws FinanceSdkError (bad-output) */
export function utf8(operation: FinanceSdkOperation, what: string, bytes: Buffer, retryable: boolean): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw badOutput(operation, `${what} is not valid UTF-8`, retryable);
  }
}

/** Copy a slice's content (by its length, not up to a NUL). @throws FinanceSdkError (bad-output) */
export function sliceBytes(sdk: FinanceSdkBinding, operation: FinanceSdkOperation, slice: SlicePtr): Buffer {
  return copyBytes(operation, 'the output slice', sdk.GetContentFromSlice(slice), sdk.GetSliceLen(slice));
}
