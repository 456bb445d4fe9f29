/**
 * What each Finance SDK return code means and what to do about it
 * (wecom.md §6.3, limits-and-errors.md §3.3). Only 10001–10003 are worth a
 * retry (community experience); every other code needs a fix first, so
 * retrying it would only hide the problem until Tencent's 5-day retention
 * horizon passes.
 */

/** One documented return code. */
export interface ReturnCodeRule {
  meaning: string;
  retryable: boolean;
  /** What the operator (or the caller) has to change. */
  fix: string;
}

/** The codes the SDK header documents, 10000–10011. */
export const RETURN_CODES: Readonly<Record<number, ReturnCodeRule>> = {
  10000: {
    meaning: 'parameter error',
    retryable: false,
    fix: 'the SDK rejected an argument: check the corpId, the msgaudit secret, limit 1–1000, the proxy URL and the timeout',
  },
  10001: { meaning: 'network error', retryable: true, fix: 'retry later; if it persists, check egress to qyapi.weixin.qq.com and the proxy setting' },
  10002: { meaning: 'data parse failure', retryable: true, fix: 'retry; if it persists, the SDK version may not match what Tencent serves' },
  10003: { meaning: 'system failure', retryable: true, fix: 'retry later; if it persists, check memory and the SDK host' },
  10004: {
    meaning: 'encryption failed due to a key error',
    retryable: false,
    fix: 'check the msgaudit secret and the RSA public key uploaded in the WeCom admin console',
  },
  10005: { meaning: 'fileid error', retryable: false, fix: 'pass the sdkfileid exactly as the message gives it; the media may be gone' },
  10006: {
    meaning: 'decryption failed',
    retryable: false,
    fix: "the encrypt_key does not open this message: unwrap encrypt_random_key with the private key of the message's publickey_ver",
  },
  10007: {
    meaning: "no private key for this message's key version",
    retryable: false,
    fix: "supply the key pair for the message's key version (publickey_ver) — keep every key ever uploaded",
  },
  10008: {
    meaning: 'error parsing encrypt_key',
    retryable: false,
    fix: 'pass the RSA-decrypted encrypt_random_key (PKCS#1 v1.5) as the string it decrypts to, not its base64',
  },
  10009: {
    meaning: 'IP not allowed',
    retryable: false,
    fix: "add this server's egress IP to the trusted IP list in the WeCom admin console (chat archive settings)",
  },
  10010: {
    meaning: 'data expired',
    retryable: false,
    fix: 'Tencent keeps archive data 5 days: the requested data is past it; pull more often so this cannot recur',
  },
  10011: {
    meaning: 'certificate error',
    retryable: false,
    fix: "the SDK could not verify qyapi.weixin.qq.com's TLS certificate: check the host's CA bundle and any TLS-intercepting proxy",
  },
};

/** The rule for `code`, with a generic non-retryable rule naming any undocumented code. */
export function returnCodeRule(code: number): ReturnCodeRule {
  return (
    RETURN_CODES[code] ?? {
      meaning: `undocumented return code ${code}`,
      retryable: false,
      fix: `the SDK returned ${code}, which its header does not document: check the SDK version against wecom.md §6.3`,
    }
  );
}
