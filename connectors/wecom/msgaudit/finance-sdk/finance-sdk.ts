/**
 * One corp's Finance SDK handle (wecom.md §6.3): NewSdk + Init once, reused
 * for the life of the process, DestroySdk once at close. Every call checks
 * its arguments first, copies its output out of the SDK's buffer and frees
 * that buffer on every path.
 *
 * The calls that go to Tencent (Init, GetChatData, GetMediaData) run on
 * koffi's worker threads, so the event loop keeps serving while the SDK waits
 * on the network, and never overlap on the handle (serial-lane.ts).
 * DecryptData, which takes no handle and does no I/O (a symmetric decryption
 * of one message, a few µs), runs on the calling thread: handing it to a
 * koffi worker and back costs 40–80 µs of CPU per call, about ten times the
 * call itself, and ingestion makes one call per message. Its callers bound
 * how many they make between two turns of the event loop (decrypt-batch.ts);
 * being synchronous, it needs no lane (two calls never overlap) and cannot
 * be given a deadline.
 */
import { callNative } from './call-native';
import type { SdkHandle } from './ffi-types';
import { allocationFailed, badOutput, deadlineExceeded, FinanceSdkError, notReady, returnCodeError, type FinanceSdkOperation } from './finance-sdk-error';
import type { FinanceSdkBinding } from './load-finance-sdk';
import { copyBytes, sliceBytes, utf8, withMediaData, withSlice, withSliceNow } from './native-buffers';
import { SerialLane } from './serial-lane';
import { checkCallOptions, checkLimit, checkSeq, checkText, type SdkCallOptions } from './validate-args';

/** Deadlines and limits of a FinanceSdk. */
export interface FinanceSdkOptions {
  /** Added to a call's timeoutSeconds for the caller's deadline (the SDK may overrun its own timeout); default 5000 ms. */
  deadlineGraceMs?: number;
  /** Deadline of Init, which takes no timeout; default 10000 ms. */
  localDeadlineMs?: number;
  /** Largest media chunk accepted; the SDK sends at most 512 KB, so more means a broken SDK. Default 8 MiB. */
  maxMediaChunkBytes?: number;
}

/** One GetMediaData result: the bytes, the indexbuf for the next call, and whether this was the last chunk. */
export interface MediaChunk {
  data: Buffer;
  outIndexBuf: string;
  isFinish: boolean;
}

/** Lifecycle of a handle: `new` → `initializing` → `ready` → `closing` → `closed` (a failed init returns to `new`). */
export type FinanceSdkState = 'new' | 'initializing' | 'ready' | 'closing' | 'closed';

/** One corp's SDK handle; build one per corp per process (see FinanceSdkRegistry). */
export class FinanceSdk {
  private currentState: FinanceSdkState = 'new';
  private handle: SdkHandle | null = null;
  private initialized: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  private corp: string | undefined;
  private readonly handleLane = new SerialLane();
  private readonly graceMs: number;
  private readonly localDeadlineMs: number;
  private readonly maxChunkBytes: number;

  constructor(
    private readonly sdk: FinanceSdkBinding,
    options: FinanceSdkOptions = {},
  ) {
    this.graceMs = options.deadlineGraceMs ?? 5000;
    this.localDeadlineMs = options.localDeadlineMs ?? 10_000;
    this.maxChunkBytes = options.maxMediaChunkBytes ?? 8 * 1024 * 1024;
  }

  /** The corp this handle was initialised for. */
  get corpId(): string | undefined {
    return this.corp;
  }

  /** Where the handle is in its lifecycle. */
  get state(): FinanceSdkState {
    return this.currentState;
  }

  /** NewSdk + Init, once; the secret is the corp's 会话内容存档 secret and is not kept. @throws FinanceSdkError (invalid-argument, sdk-return, timeout, out-of-memory; not-ready if called twice or after close) */
  async init(corpId: string, secret: string): Promise<void> {
    checkText('Init', 'corpId', corpId, 64);
    checkText('Init', 'secret', secret, 256);
    if (this.currentState !== 'new') throw notReady('Init', this.currentState);
    this.currentState = 'initializing';
    this.initialized = this.newAndInit(corpId, secret);
    await this.initialized;
  }

  private async newAndInit(corpId: string, secret: string): Promise<void> {
    const handle = this.sdk.NewSdk();
    if (!handle) {
      this.currentState = 'new';
      throw allocationFailed('NewSdk');
    }
    try {
      const code = await this.handleLane.run(() => callNative(this.sdk.Init, handle, corpId, secret), this.localDeadlineMs, () =>
        deadlineExceeded('Init', this.localDeadlineMs),
      );
      if (code !== 0) throw returnCodeError('Init', code);
    } catch (err) {
      // A handle whose Init failed is useless. After a timeout Init is still running, so DestroySdk waits its turn on the lane.
      const destroyed = this.handleLane.then(() => this.sdk.DestroySdk(handle));
      if (!(err instanceof FinanceSdkError && err.kind === 'timeout')) await destroyed;
      if (this.currentState === 'initializing') this.currentState = 'new';
      throw err;
    }
    this.handle = handle;
    this.corp = corpId;
    // close() may have started meanwhile: it destroys this handle once init has settled.
    if (this.currentState === 'initializing') this.currentState = 'ready';
  }

  /** Records after `seq` (exclusive), at most `limit` (1–1000), as the SDK's JSON text. @throws FinanceSdkError (invalid-argument, sdk-return, timeout, bad-output, not-ready, out-of-memory) */
  async getChatData(seq: bigint | number, limit: number, options?: SdkCallOptions): Promise<string> {
    const afterSeq = checkSeq(seq);
    const max = checkLimit(limit);
    const call = checkCallOptions('GetChatData', options);
    const handle = this.readyHandle('GetChatData');
    const deadlineMs = call.timeoutSeconds * 1000 + this.graceMs;
    const task = () =>
      withSlice(this.sdk, async (slice) => {
        const code = await callNative(this.sdk.GetChatData, handle, afterSeq, max, call.proxy, call.passwd, call.timeoutSeconds, slice);
        if (code !== 0) throw returnCodeError('GetChatData', code);
        return utf8('GetChatData', 'the chat data', sliceBytes(this.sdk, 'GetChatData', slice), true);
      });
    return this.handleLane.run(task, deadlineMs, () => deadlineExceeded('GetChatData', deadlineMs));
  }

  /**
   * Decrypt one record's encrypt_chat_msg with its RSA-unwrapped encrypt_key; the plaintext JSON. Synchronous,
   * on the calling thread (see the module comment): call it a bounded number of times per event-loop turn.
   * @throws FinanceSdkError (invalid-argument, sdk-return, bad-output, not-ready, out-of-memory)
   */
  decryptData(encryptKey: string, encryptMsg: string): string {
    checkText('DecryptData', 'encryptKey', encryptKey, 1024);
    checkText('DecryptData', 'encryptMsg', encryptMsg, 64 * 1024 * 1024);
    this.readyHandle('DecryptData');
    return withSliceNow(this.sdk, (slice) => {
      const code = this.sdk.DecryptData(encryptKey, encryptMsg, slice);
      if (code !== 0) throw returnCodeError('DecryptData', code);
      // Retrying cannot change what a message decrypts to: an unreadable plaintext is archived raw by the caller.
      return utf8('DecryptData', 'the plaintext', sliceBytes(this.sdk, 'DecryptData', slice), false);
    });
  }

  /** One chunk of a media file; pass '' as indexBuf first, then the previous chunk's outIndexBuf. @throws FinanceSdkError (invalid-argument, sdk-return, timeout, bad-output, not-ready, out-of-memory) */
  async getMediaChunk(sdkFileId: string, indexBuf: string, options?: SdkCallOptions): Promise<MediaChunk> {
    checkText('GetMediaData', 'sdkFileId', sdkFileId, 8192);
    checkText('GetMediaData', 'indexBuf', indexBuf, 1024, true);
    const call = checkCallOptions('GetMediaData', options);
    const handle = this.readyHandle('GetMediaData');
    const deadlineMs = call.timeoutSeconds * 1000 + this.graceMs;
    const task = () =>
      withMediaData(this.sdk, async (media) => {
        // The header's order: indexbuf before sdkFileid.
        const code = await callNative(this.sdk.GetMediaData, handle, indexBuf, sdkFileId, call.proxy, call.passwd, call.timeoutSeconds, media);
        if (code !== 0) throw returnCodeError('GetMediaData', code);
        const dataLength = this.sdk.GetDataLen(media);
        if (dataLength > this.maxChunkBytes) throw badOutput('GetMediaData', `a chunk of ${dataLength} bytes exceeds ${this.maxChunkBytes}`, true);
        const data = copyBytes('GetMediaData', 'the media data', this.sdk.GetData(media), dataLength);
        const index = copyBytes('GetMediaData', 'the outindexbuf', this.sdk.GetOutIndexBuf(media), this.sdk.GetIndexLen(media));
        const isFinish = this.sdk.IsMediaDataFinish(media) !== 0;
        const outIndexBuf = utf8('GetMediaData', 'the outindexbuf', index, true);
        if (!isFinish && outIndexBuf === '') throw badOutput('GetMediaData', 'an unfinished chunk came without an outindexbuf', true);
        return { data, outIndexBuf, isFinish };
      });
    return this.handleLane.run(task, deadlineMs, () => deadlineExceeded('GetMediaData', deadlineMs));
  }

  /** Resolves once no native call of this handle is running (a call past its deadline included). */
  async idle(): Promise<void> {
    await this.handleLane.idle();
  }

  /** Wait for running calls, then DestroySdk once; later calls are refused. Idempotent. */
  close(): Promise<void> {
    this.closed ??= this.destroy();
    return this.closed;
  }

  private async destroy(): Promise<void> {
    this.currentState = 'closing';
    await this.initialized?.catch(() => undefined);
    // DestroySdk under a running call would free memory the SDK is using: wait for every call to return natively.
    await this.idle();
    if (this.handle) this.sdk.DestroySdk(this.handle);
    this.handle = null;
    this.currentState = 'closed';
  }

  private readyHandle(operation: FinanceSdkOperation): SdkHandle {
    if (this.currentState !== 'ready' || !this.handle) throw notReady(operation, this.currentState);
    return this.handle;
  }
}
