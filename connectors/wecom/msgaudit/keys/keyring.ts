/**
 * A corp's msgaudit RSA private keys by publickey_ver (wecom.md §6.1/§6.4:
 * every key ever uploaded keeps its version, and records stay encrypted for the
 * version current when they were written, so all historical keys are kept).
 * Keys are checked and turned into KeyObjects once, at construction; the PEM
 * text is not retained.
 */
import { constants, privateDecrypt } from 'node:crypto';
import { KeyVersionMissingError, MsgauditKeyConfigError, MsgauditKeyError, type KeyConfigProblem } from './errors';
import { loadPrivateKey, type LoadedKey } from './load-private-key';
import { decodeStrictBase64, isPlausibleRandomKey } from './random-key';
import { isPkcs1Refusal, RUNTIME_REFUSES_PKCS1 } from './runtime';

/** Largest publickey_ver accepted (the SDK models it as uint32). */
export const MAX_PUBLICKEY_VER = 0xffff_ffff;

/** PEM text by publickey_ver, as configured (`{ 3: "-----BEGIN RSA PRIVATE KEY-----…" }`). */
export type MsgauditPrivateKeys = Readonly<Record<number, string>>;

export class MsgauditKeyring {
  // Private fields: JSON.stringify, util.inspect and logs of the keyring show no key.
  readonly #keys = new Map<number, LoadedKey>();

  /**
   * Load and check every key; all problems are reported together.
   * @throws MsgauditKeyConfigError listing each refused version (encrypted PEM, public key, non-RSA, < 2048 bits, …)
   */
  constructor(pems: MsgauditPrivateKeys) {
    const problems: KeyConfigProblem[] = [];
    for (const [name, pem] of Object.entries(pems)) {
      const version = /^(?:0|[1-9][0-9]{0,9})$/.test(name) ? Number(name) : NaN;
      if (!(version <= MAX_PUBLICKEY_VER)) {
        problems.push({ publickeyVer: name.slice(0, 16), code: 'bad-version', message: `"${name.slice(0, 16)}" is not a publickey_ver (an integer 0–${MAX_PUBLICKEY_VER})` });
        continue;
      }
      const loaded = loadPrivateKey(version, pem);
      if ('code' in loaded) problems.push(loaded);
      else this.#keys.set(version, loaded);
    }
    if (problems.length > 0) throw new MsgauditKeyConfigError(problems);
  }

  /** The configured versions, ascending. */
  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** Whether a key for `publickeyVer` is configured. */
  has(publickeyVer: number): boolean {
    return this.#keys.has(publickeyVer);
  }

  /**
   * RSA-PKCS#1-v1.5-decrypt a record's encrypt_random_key with the key of its
   * publickey_ver, giving the `encrypt_key` string DecryptData takes.
   * @throws KeyVersionMissingError when no key has that version
   * @throws MsgauditKeyError ('bad-version' | 'bad-base64' | 'bad-ciphertext-length' | 'decrypt-failed' | 'runtime-refuses-pkcs1'), never retryable
   */
  unwrapRandomKey(publickeyVer: number, encryptRandomKeyBase64: string): string {
    if (!Number.isInteger(publickeyVer) || publickeyVer < 0 || publickeyVer > MAX_PUBLICKEY_VER) {
      throw new MsgauditKeyError('bad-version', -1, 'publickey_ver is not an integer 0–4294967295');
    }
    const loaded = this.#keys.get(publickeyVer);
    if (!loaded) throw new KeyVersionMissingError(publickeyVer);
    const sealed = typeof encryptRandomKeyBase64 === 'string' ? decodeStrictBase64(encryptRandomKeyBase64) : undefined;
    if (!sealed) throw new MsgauditKeyError('bad-base64', publickeyVer, `encrypt_random_key for publickey_ver ${publickeyVer} is not standard padded base64`);
    if (sealed.length !== loaded.modulusBytes) {
      throw new MsgauditKeyError('bad-ciphertext-length', publickeyVer,
        `encrypt_random_key for publickey_ver ${publickeyVer} decodes to ${sealed.length} bytes; the key's modulus takes ${loaded.modulusBytes} (another key size, or truncated data)`);
    }
    let plain: Buffer;
    try {
      plain = privateDecrypt({ key: loaded.key, padding: constants.RSA_PKCS1_PADDING }, sealed);
    } catch (err) {
      if (isPkcs1Refusal(err)) throw new MsgauditKeyError('runtime-refuses-pkcs1', publickeyVer, RUNTIME_REFUSES_PKCS1);
      throw wrongKey(publickeyVer);
    }
    try {
      if (!isPlausibleRandomKey(plain)) throw wrongKey(publickeyVer);
      return plain.toString('latin1');
    } finally {
      plain.fill(0);
    }
  }
}

function wrongKey(publickeyVer: number): MsgauditKeyError {
  return new MsgauditKeyError('decrypt-failed', publickeyVer,
    `encrypt_random_key for publickey_ver ${publickeyVer} did not decrypt to a key: the configured private key does not match the public key uploaded as version ${publickeyVer}, or the data is corrupt`);
}
