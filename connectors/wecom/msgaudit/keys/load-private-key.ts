/**
 * One configured msgaudit private key: PEM text → a checked RSA KeyObject.
 * Accepts exactly what the reference allows (wecom.md §6.4): PKCS#1
 * `BEGIN RSA PRIVATE KEY` or PKCS#8 `BEGIN PRIVATE KEY`, unencrypted, RSA,
 * at least 2048 bits. Everything else is refused with a problem that names the
 * version and what to do, never a byte of the key.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import type { KeyConfigProblem, KeyConfigProblemCode } from './errors';
import { isPkcs1Refusal, RUNTIME_REFUSES_PKCS1 } from './runtime';

/** Smallest modulus accepted: Tencent's console takes what the corp uploads; 2048 is what everyone generates and the floor we keep. */
export const MIN_MODULUS_BITS = 2048;

/** A loaded key: the KeyObject made once and the ciphertext length it expects. */
export interface LoadedKey {
  key: KeyObject;
  modulusBytes: number;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const PUBLIC_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Parse and check one PEM; returns the key or the reason it is refused. */
export function loadPrivateKey(publickeyVer: number, pem: string): LoadedKey | KeyConfigProblem {
  const problem = (code: KeyConfigProblemCode, what: string): KeyConfigProblem => ({ publickeyVer, code, message: `publickey_ver ${publickeyVer}: ${what}` });
  if (typeof pem !== 'string') return problem('not-pem', 'the key is not a PEM string');
  const blocks = [...pem.matchAll(BLOCK)];
  if (blocks.length === 0) {
    return problem('not-pem', 'not a PEM key: expected "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1) or "-----BEGIN PRIVATE KEY-----" (PKCS#8) armour');
  }
  if (blocks.length > 1) return problem('multiple-pem-blocks', `found ${blocks.length} PEM blocks: configure exactly one private key per version`);
  const [block, label] = blocks[0] as RegExpMatchArray as [string, string];
  if (label === 'ENCRYPTED PRIVATE KEY' || (label === 'RSA PRIVATE KEY' && /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(block))) {
    return problem('encrypted-pem', 'the PEM is passphrase-encrypted: supply it decrypted (the gateway protects it in its secret store)');
  }
  if (PUBLIC_LABELS.has(label)) return problem('public-key', `this is a ${label.toLowerCase()}, not the private key: Tencent holds the public key, the gateway needs the private one`);
  if (label !== 'RSA PRIVATE KEY' && label !== 'PRIVATE KEY') {
    return problem('unsupported-pem', `unsupported PEM label "${label}": expected RSA PRIVATE KEY (PKCS#1) or PRIVATE KEY (PKCS#8)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block, format: 'pem' });
  } catch {
    return problem('unreadable-key', `the ${label} block does not parse as a private key (truncated or corrupted?)`);
  }
  if (key.asymmetricKeyType !== 'rsa') return problem('not-rsa', `the key is ${key.asymmetricKeyType ?? 'of an unknown type'}, not RSA`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) return problem('key-too-small', `the RSA key has ${bits} bits; at least ${MIN_MODULUS_BITS} are required (generate a new pair and upload its public key as a new version)`);
  const test = selfTest(key);
  if (test === 'runtime-refuses') return problem('runtime-refuses-pkcs1', RUNTIME_REFUSES_PKCS1);
  if (test === 'failed') return problem('self-test-failed', 'the key failed an encrypt/decrypt self-test');
  return { key, modulusBytes: Math.ceil(bits / 8) };
}

/** Encrypt a probe with the key's own public half and decrypt it: proves the key works for PKCS#1 v1.5 on this runtime. */
function selfTest(key: KeyObject): 'ok' | 'failed' | 'runtime-refuses' {
  const probe = Buffer.from('msgaudit-key-self-test');
  try {
    const sealed = publicEncrypt({ key: createPublicKey(key), padding: constants.RSA_PKCS1_PADDING }, probe);
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sealed).equals(probe) ? 'ok' : 'failed';
  } catch (err) {
    return isPkcs1Refusal(err) ? 'runtime-refuses' : 'failed';
  }
}
