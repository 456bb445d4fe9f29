/**
 * The stand-in's DecryptData cipher ("SI1"), from the producing side: tests
 * and the simulator encrypt a message so that the stand-in's DecryptData
 * returns it. Not Tencent's algorithm (undocumented) and not a real cipher:
 *   keystream: seed = FNV-1a-32 of the key's bytes (0 → 0x9E3779B9);
 *     xorshift32 (x ^= x<<13; x ^= x>>>17; x ^= x<<5) stepped once per 4
 *     bytes, each word emitted little-endian;
 *   encrypt_chat_msg = base64("SI1" || keystream[0..4) || plaintext XOR keystream[4..)).
 * The C side is documented at the top of ../finance_sdk_standin.c.
 */

/** Encrypt `plaintext` (UTF-8) under `encryptKey` for the stand-in's DecryptData. */
export function encryptForStandin(encryptKey: string, plaintext: string | Buffer): string {
  const body = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const blob = Buffer.alloc(7 + body.length);
  blob.write('SI1', 0, 'latin1');
  const next = keystream(encryptKey);
  for (let i = 3; i < 7; i++) blob[i] = next();
  for (let i = 0; i < body.length; i++) blob[7 + i] = body[i]! ^ next();
  return blob.toString('base64');
}

function keystream(encryptKey: string): () => number {
  let x = 0x811c9dc5;
  for (const byte of Buffer.from(encryptKey, 'utf8')) x = Math.imul(x ^ byte, 0x01000193) >>> 0;
  if (x === 0) x = 0x9e3779b9;
  let word = 0;
  let k = 0;
  return () => {
    if (k % 4 === 0) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      word = x;
    }
    return (word >>> (8 * (k++ % 4))) & 0xff;
  };
}
