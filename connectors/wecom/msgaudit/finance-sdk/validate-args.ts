/**
 * Argument checks made before any SDK call. The C API takes NUL-terminated
 * strings and fixed-width integers: koffi silently cuts a JS string at an
 * embedded NUL and wraps an out-of-range integer (-1 becomes seq 2^64-1),
 * so a bad value would reach the bank's binary as a different, valid-looking
 * one. Each rejection is the typed 10000 error naming the argument and the
 * rule — never the value, since several arguments are secrets.
 */
import { invalidArgument, type FinanceSdkOperation } from './finance-sdk-error';

const MAX_SEQ = 2n ** 64n - 1n;
// Printable ASCII only: corp ids, secrets and sdkfileids are ASCII, and a control character is always a mistake.
const PRINTABLE = /^[\x20-\x7e]*$/;
const PROXY = /^(https?|socks4a?|socks5h?):\/\/[^\s/]+\/?$/;

/** Per-call network options of GetChatData and GetMediaData. */
export interface SdkCallOptions {
  /** `socks5://10.0.0.1:8081` or `http://10.0.0.1:8081`; empty for a direct connection. */
  proxy?: string;
  /** Proxy credentials as `user:password`; empty when unused. */
  passwd?: string;
  /** The SDK's own timeout in seconds (1–300; default 5, as the SDK sample suggests). */
  timeoutSeconds?: number;
}

/** The validated form of SdkCallOptions. */
export interface CheckedCallOptions {
  proxy: string;
  passwd: string;
  timeoutSeconds: number;
}

/** Check a printable-ASCII string of 1..max characters. @throws FinanceSdkError (invalid-argument) */
export function checkText(operation: FinanceSdkOperation, argument: string, value: unknown, max: number, allowEmpty = false): string {
  if (typeof value !== 'string') throw invalidArgument(operation, argument, 'must be a string');
  if (!allowEmpty && value.length === 0) throw invalidArgument(operation, argument, 'must not be empty');
  if (value.length > max) throw invalidArgument(operation, argument, `must be at most ${max} characters`);
  if (!PRINTABLE.test(value)) throw invalidArgument(operation, argument, 'must be printable ASCII (no NUL or control characters)');
  return value;
}

/** Check a GetChatData seq: an integer 0..2^64-1, as number or bigint. @throws FinanceSdkError (invalid-argument) */
export function checkSeq(value: unknown): bigint {
  const seq = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (seq === undefined || seq < 0n || seq > MAX_SEQ) throw invalidArgument('GetChatData', 'seq', 'must be an integer from 0 to 2^64-1');
  return seq;
}

/** Check a GetChatData limit: an integer 1..1000. @throws FinanceSdkError (invalid-argument) */
export function checkLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) {
    throw invalidArgument('GetChatData', 'limit', 'must be an integer from 1 to 1000');
  }
  return value;
}

/** Check proxy, passwd and timeoutSeconds, filling the defaults. @throws FinanceSdkError (invalid-argument) */
export function checkCallOptions(operation: FinanceSdkOperation, options: SdkCallOptions = {}): CheckedCallOptions {
  const proxy = checkText(operation, 'proxy', options.proxy ?? '', 512, true);
  // The scheme check keeps `user:pass@host` out of proxy: credentials belong in passwd, which is never echoed.
  if (proxy !== '' && (!PROXY.test(proxy) || proxy.includes('@'))) {
    throw invalidArgument(operation, 'proxy', 'must be empty or scheme://host:port with scheme http, https, socks4, socks4a, socks5 or socks5h, credentials in passwd');
  }
  const passwd = checkText(operation, 'passwd', options.passwd ?? '', 512, true);
  const timeoutSeconds = options.timeoutSeconds ?? 5;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 300) {
    throw invalidArgument(operation, 'timeoutSeconds', 'must be an integer from 1 to 300');
  }
  return { proxy, passwd, timeoutSeconds };
}
