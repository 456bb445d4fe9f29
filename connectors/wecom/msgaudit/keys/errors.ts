/**
 * Errors of the msgaudit key boundary: loading the corp's RSA private keys
 * (MsgauditKeyConfigError, at start, every problem at once) and unwrapping a
 * record's encrypt_random_key (MsgauditKeyError). Messages name the
 * publickey_ver and the problem, never key material, ciphertext or plaintext,
 * and no error carries a `cause` (Node's crypto errors are not ours to vet).
 */

/** Why one configured key was refused. */
export type KeyConfigProblemCode =
  | 'bad-version' // the map key is not a publickey_ver (a non-negative integer)
  | 'not-pem' // no PEM armour (e.g. bare base64 pasted from the admin console)
  | 'multiple-pem-blocks' // a bundle: exactly one key per version
  | 'encrypted-pem' // passphrase-protected PEM
  | 'public-key' // a public key (or certificate) where the private key belongs
  | 'unsupported-pem' // another PEM label (EC PRIVATE KEY, …)
  | 'unreadable-key' // the PEM body does not parse as a private key
  | 'not-rsa' // a PKCS#8 key of another algorithm (EC, Ed25519, RSA-PSS)
  | 'key-too-small' // modulus under 2048 bits
  | 'self-test-failed' // encrypt-then-decrypt with the key's own public half failed
  | 'runtime-refuses-pkcs1'; // this Node refuses PKCS#1 v1.5 decryption: no key can work (see runtime.ts)

export interface KeyConfigProblem {
  /** The version as configured (a string when the map key itself is the problem). */
  publickeyVer: number | string;
  code: KeyConfigProblemCode;
  message: string;
}

/** The configured keys cannot be used; lists every problem. Safe to log and show. */
export class MsgauditKeyConfigError extends Error {
  override readonly name = 'MsgauditKeyConfigError';
  readonly expose = true;

  constructor(readonly problems: readonly KeyConfigProblem[]) {
    super(`msgaudit private keys: ${problems.map((p) => p.message).join('; ')}`);
  }
}

/**
 * Why one encrypt_random_key could not be unwrapped. Finance SDK equivalents
 * (wecom.md §6.3): key-version-missing ≈ 10007, decrypt-failed ≈ 10006,
 * bad-base64 / bad-ciphertext-length ≈ 10008.
 */
export type KeyErrorCode =
  | 'key-version-missing'
  | 'bad-version' // publickey_ver is not a non-negative integer
  | 'bad-base64' // encrypt_random_key is not canonical standard base64
  | 'bad-ciphertext-length' // decoded length differs from the key's modulus length
  | 'decrypt-failed' // RSA failed, or the result is not a plausible key (wrong key, corrupt data)
  | 'runtime-refuses-pkcs1'; // this Node refuses PKCS#1 v1.5 decryption (Node < 22, OpenSSL without implicit rejection)

/** One record's key could not be unwrapped. None is retryable: the same input gives the same result. */
export class MsgauditKeyError extends Error {
  override readonly name: string = 'MsgauditKeyError';
  readonly expose = true;
  /** Retrying the same record with the same keys cannot succeed; archive it raw and alert. */
  readonly retryable = false;

  constructor(readonly code: KeyErrorCode, readonly publickeyVer: number, message: string) {
    super(message);
  }
}

/** The corp has no private key for the record's publickey_ver. */
export class KeyVersionMissingError extends MsgauditKeyError {
  override readonly name = 'KeyVersionMissingError';

  constructor(publickeyVer: number) {
    super('key-version-missing', publickeyVer, `no private key for publickey_ver ${publickeyVer}: add it to the corp's msgaudit keys`);
  }
}
