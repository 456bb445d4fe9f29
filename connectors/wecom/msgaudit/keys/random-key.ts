/**
 * What a correctly unwrapped encrypt_random_key looks like, and strict base64.
 *
 * The key is handed to DecryptData as a C string (`const char* encrypt_key`,
 * wecom.md §6.3), and Tencent's Java sample turns it into a String first, so it
 * is text without NUL. Its exact length and alphabet are not documented
 * (§6.6: "inferred"); we accept 16–128 printable ASCII characters (0x21–0x7E).
 *
 * Why check at all: with implicit rejection (runtime.ts) a wrong private key
 * does not fail; OpenSSL returns a pseudo-random byte string of pseudo-random
 * length (0 to modulus − 11 bytes). Such a string passes this check with
 * probability below (94/256)^16 ≈ 1e-7, and even then DecryptData fails on it
 * (SDK 10006/10008), so the record still ends up archived raw, never parsed
 * from garbage. If Tencent's real keys ever fall outside these bounds, every
 * record fails loudly with 'decrypt-failed' (nothing is lost: the ciphertext
 * is archived) and the bounds are widened here.
 */

/** Fewest characters accepted in an unwrapped key. */
export const MIN_RANDOM_KEY_CHARS = 16;
/** Most characters accepted in an unwrapped key. */
export const MAX_RANDOM_KEY_CHARS = 128;

/** True when `plain` has the shape of an encrypt_key (see the module comment). */
export function isPlausibleRandomKey(plain: Uint8Array): boolean {
  if (plain.length < MIN_RANDOM_KEY_CHARS || plain.length > MAX_RANDOM_KEY_CHARS) return false;
  for (const byte of plain) if (byte < 0x21 || byte > 0x7e) return false;
  return true;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decode standard base64 strictly: padded, no whitespace, no URL-safe
 * alphabet, and canonical (unused trailing bits zero), unlike Buffer.from's
 * lenient decoder, which skips anything it does not understand. Returns
 * undefined when `text` is not such base64.
 */
export function decodeStrictBase64(text: string): Buffer | undefined {
  if (text.length === 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
