/**
 * Access tokens at rest: sealed with the archive's envelope scheme (fresh
 * data key, AES-256-GCM, data key wrapped by the KeyStore's active KEK, so
 * KEK rotation covers them too). The AAD binds the ciphertext to its token
 * key and times, so a row cannot be moved to another account or have its
 * expiry edited without failing to open.
 */
import { canonicalJson } from '../../connectors/canonical/json';
import { openRecord, sealRecord, type SealedRecord } from '../archive/crypto/envelope';
import type { KeyStore } from '../archive/crypto/key-store';

/** What the AAD binds. */
export interface TokenBinding {
  tokenKey: string;
  expiresAt: number;
  fetchedAt: number;
}

function tokenAad(binding: TokenBinding): Buffer {
  return Buffer.from(canonicalJson(['cgw-upstream-token/v1', binding.tokenKey, binding.expiresAt, binding.fetchedAt]), 'utf8');
}

/** Seal `accessToken` for storage. */
export function sealToken(keyStore: KeyStore, accessToken: string, binding: TokenBinding): SealedRecord {
  return sealRecord(keyStore, Buffer.from(accessToken, 'utf8'), tokenAad(binding));
}

/** Open a sealed token. @throws EnvelopeError when it was altered or moved; KeyStoreError('unknown-key') when its KEK is gone */
export function openToken(keyStore: KeyStore, sealed: SealedRecord, binding: TokenBinding): string {
  const plaintext = openRecord(keyStore, sealed, tokenAad(binding));
  try {
    return plaintext.toString('utf8');
  } finally {
    plaintext.fill(0);
  }
}
