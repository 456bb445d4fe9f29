/**
 * Whether this Node may decrypt RSA PKCS#1 v1.5 at all. The msgaudit scheme
 * requires it (wecom.md §6.4: encrypt_random_key is RSA/ECB/PKCS1Padding), and
 * it must not be swapped for OAEP: Tencent encrypts, we cannot choose.
 *
 * Node 20 (OpenSSL 3.0) refuses `privateDecrypt` with RSA_PKCS1_PADDING since
 * the CVE-2023-46809 fix (the Marvin timing attack) unless started with
 * `--security-revert=CVE-2023-46809`. Node 22+/24 link OpenSSL ≥ 3.2, whose
 * PKCS#1 v1.5 decryption uses *implicit rejection* (RFC draft
 * "Implicit Rejection for RSA PKCS#1 v1.5"): a bad padding no longer raises an
 * error but yields a deterministic pseudo-random plaintext, so no padding
 * oracle exists and Node allows the call again. The consequence for us: a
 * wrong key is not reported by OpenSSL; random-key.ts detects it from the shape
 * of the result.
 */

/** What to tell an operator when the runtime refuses. */
export const RUNTIME_REFUSES_PKCS1 =
  'this Node refuses RSA PKCS#1 v1.5 decryption (Node 20 / OpenSSL 3.0 after CVE-2023-46809); run the gateway on Node 24, whose OpenSSL uses implicit rejection';

/** True when `err` is Node's refusal of RSA_PKCS1_PADDING for private decryption. */
export function isPkcs1Refusal(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_INVALID_ARG_VALUE' && err.message.includes('RSA_PKCS1_PADDING');
}
