/**
 * The one error type of the Finance SDK edge. Every failed SDK call — a
 * non-zero return code, an argument rejected before the call, a call that
 * outlived its deadline, an output that cannot be used — becomes a
 * FinanceSdkError that says whether to retry and what to fix. A non-zero
 * errcode inside GetChatData's JSON is not an SDK failure: ../parse reads it
 * (api-error.ts). Its message is safe to log: it names the operation
 * and the argument, never a value (no secret, proxy password, encrypt_key,
 * ciphertext or plaintext), and it never carries a `cause`.
 */
import { returnCodeRule } from './return-codes';

/** The SDK entry point that failed. */
export type FinanceSdkOperation = 'NewSdk' | 'Init' | 'GetChatData' | 'DecryptData' | 'GetMediaData' | 'NewSlice' | 'NewMediaData';

/**
 * How it failed:
 * - `sdk-return`: the SDK returned a non-zero code (`code`).
 * - `invalid-argument`: rejected before calling the SDK (`code` 10000, as the SDK would answer).
 * - `timeout`: the call outlived its deadline; it is still running natively and frees its buffers when it ends.
 * - `bad-output`: the call returned 0 but its output is unusable (not UTF-8, a NULL buffer, inconsistent media).
 * - `out-of-memory`: NewSdk/NewSlice/NewMediaData returned NULL.
 * - `not-ready`: called before `init` succeeded or after `close`.
 */
export type FinanceSdkErrorKind = 'sdk-return' | 'invalid-argument' | 'timeout' | 'bad-output' | 'out-of-memory' | 'not-ready';

/** Everything a FinanceSdkError is built from. */
export interface FinanceSdkErrorFields {
  kind: FinanceSdkErrorKind;
  operation: FinanceSdkOperation;
  /** The SDK return code (10000–10011 or undocumented), or 10000 for invalid arguments. */
  code?: number;
  retryable: boolean;
  /** What happened, without any argument value. */
  detail: string;
  /** What to fix. */
  fix: string;
}

/** A failed Finance SDK call: whether to retry (`retryable`) and what to fix (`fix`); safe to log. */
export class FinanceSdkError extends Error {
  override readonly name = 'FinanceSdkError';
  readonly kind: FinanceSdkErrorKind;
  readonly operation: FinanceSdkOperation;
  readonly code: number | undefined;
  readonly retryable: boolean;
  readonly fix: string;
  /** Stable label for logs and metrics: `finance-sdk.<code>` or `finance-sdk.<kind>`. */
  readonly label: string;
  /** The logger's serializer prints this; it is the (safe) message. */
  readonly safeMessage: string;

  constructor(fields: FinanceSdkErrorFields) {
    super(`Finance SDK ${fields.operation}: ${fields.detail} — ${fields.fix}`);
    this.kind = fields.kind;
    this.operation = fields.operation;
    this.code = fields.code;
    this.retryable = fields.retryable;
    this.fix = fields.fix;
    this.label = fields.code !== undefined && fields.kind !== 'invalid-argument' ? `finance-sdk.${fields.code}` : `finance-sdk.${fields.kind}`;
    this.safeMessage = this.message;
  }
}

/** The error for a non-zero return code of `operation`. */
export function returnCodeError(operation: FinanceSdkOperation, code: number): FinanceSdkError {
  const rule = returnCodeRule(code);
  return new FinanceSdkError({ kind: 'sdk-return', operation, code, retryable: rule.retryable, detail: `returned ${code} (${rule.meaning})`, fix: rule.fix });
}

/** The error for an argument rejected before the call; `rule` says what a valid value looks like, never what was given. */
export function invalidArgument(operation: FinanceSdkOperation, argument: string, rule: string): FinanceSdkError {
  return new FinanceSdkError({
    kind: 'invalid-argument',
    operation,
    code: 10000,
    retryable: false,
    detail: `${argument} ${rule}`,
    fix: 'fix the argument; the SDK was not called',
  });
}

/** The error for a call that outlived `deadlineMs`. */
export function deadlineExceeded(operation: FinanceSdkOperation, deadlineMs: number): FinanceSdkError {
  return new FinanceSdkError({
    kind: 'timeout',
    operation,
    retryable: true,
    detail: `no answer within ${deadlineMs} ms`,
    fix: 'retry later; the handle stays busy until the native call returns, and a slow network or proxy is the usual cause',
  });
}

/** The error for an output the SDK returned with 0 that cannot be used. */
export function badOutput(operation: FinanceSdkOperation, detail: string, retryable: boolean): FinanceSdkError {
  const fix = retryable ? 'retry; if it persists, the SDK version may not match what Tencent serves' : 'nothing to retry: the data itself is unusable';
  return new FinanceSdkError({ kind: 'bad-output', operation, retryable, detail, fix });
}

/** The error for a NULL from one of the allocating functions. */
export function allocationFailed(operation: FinanceSdkOperation): FinanceSdkError {
  return new FinanceSdkError({ kind: 'out-of-memory', operation, retryable: true, detail: 'returned NULL', fix: 'retry later; check the memory of the SDK host' });
}

const STATE_FIX: Record<string, string> = {
  new: 'call init(corpId, secret) first, once per corp',
  initializing: 'init runs once per handle: keep one FinanceSdk per corp for the life of the process',
  ready: 'init runs once per handle: keep one FinanceSdk per corp for the life of the process',
  closing: 'the handle was closed: a shutdown is in progress',
  closed: 'the handle was closed: a shutdown is in progress',
};

/** The error for a call the handle's state does not allow: before `init` succeeded, a second `init`, or after `close`. */
export function notReady(operation: FinanceSdkOperation, state: string): FinanceSdkError {
  return new FinanceSdkError({ kind: 'not-ready', operation, retryable: false, detail: `the handle is ${state}`, fix: STATE_FIX[state] ?? STATE_FIX.new! });
}
