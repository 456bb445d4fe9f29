/**
 * Throw-away RSA key pairs for the keyring tests and the unwrap benchmark,
 * generated once per process (2048-bit generation takes tens of ms), and the
 * Tencent side of the scheme: sealing an encrypt_key with the public key.
 */
import { constants, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';

export interface TestKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** `-----BEGIN RSA PRIVATE KEY-----` */
  pkcs1Pem: string;
  /** `-----BEGIN PRIVATE KEY-----` */
  pkcs8Pem: string;
}

const cache = new Map<string, TestKeyPair>();

/** An RSA pair of `bits`, memoised by `name` so tests can ask for distinct pairs. */
export function rsaPair(name = 'main', bits = 2048): TestKeyPair {
  const key = `${name}/${bits}`;
  let pair = cache.get(key);
  if (!pair) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    pair = {
      publicKey,
      privateKey,
      pkcs1Pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      pkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    cache.set(key, pair);
  }
  return pair;
}

/** What Tencent does: RSA-PKCS#1-v1.5-encrypt `encryptKey` with the corp's public key, base64. */
export function sealRandomKey(publicKey: KeyObject, encryptKey: string): string {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(encryptKey, 'latin1')).toString('base64');
}

/** A fresh encrypt_key of the shape we accept: 32 printable characters. */
export function freshRandomKey(): string {
  return randomBytes(24).toString('base64');
}
