/**
 * A native call on koffi's worker threads, as a promise, so the event loop
 * keeps serving HTTP, timers and other corps while the SDK blocks on the
 * network (GetChatData and GetMediaData wait up to their timeout).
 */
import type { NativeFn } from './ffi-types';

/** Call `fn(...args)` off the event loop. @throws whatever koffi reports (a conversion failure; SDK errors are return codes, not throws) */
export function callNative<A extends unknown[], R>(fn: NativeFn<A, R>, ...args: A): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    fn.async(...args, (err: unknown, result: R) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)));
  });
}
