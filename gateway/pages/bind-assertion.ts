/**
 * Verification of the bank's signed assertion (a JWT) that names the customer
 * who logged in on the bank's page. Accepted only when: the signature verifies
 * under the configured key (SPKI PEM or the bank's JWKS) with an allowed
 * algorithm; `iss` and `aud` are the configured ones; `exp` is in the future;
 * `iat` is present, not in the future and not older than maxAgeSeconds; the
 * lifetime (exp − iat) is at most maxAgeSeconds; the `state` claim equals
 * the state of this browser's trip to the bank; an `openid` claim, if the bank
 * echoes one, is the page session's; and the customer claim is a customer id.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import type { BindConfig } from '../consent/config';
import { CUSTOMER_ID } from '../consent/person-index';

type AssertionConfig = NonNullable<BindConfig['assertion']>;

/** Why an assertion was refused (a code for the audit row; never a claim value). */
export type AssertionProblem =
  | 'malformed' | 'algorithm' | 'signature' | 'unknown_key' | 'issuer' | 'audience' | 'expired' | 'not_yet_valid'
  | 'too_old' | 'issued_in_future' | 'lifetime' | 'claim_missing' | 'state' | 'openid' | 'customer_id';

/** The assertion failed verification: always a 4xx for the user, nothing bound. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
  constructor(readonly problem: AssertionProblem) {
    super(`bind assertion refused: ${problem}`);
  }
}

/** The bank's keys could not be fetched (JWKS down or slow): retry later. */
export class AssertionKeysUnavailableError extends Error {
  override readonly name = 'AssertionKeysUnavailableError';
  constructor() {
    super("the bank's JWKS could not be fetched");
  }
}

/** A verified assertion. */
export interface VerifiedAssertion {
  customerId: string;
  claims: JWTPayload;
  header: ProtectedHeaderParameters;
}

export interface AssertionVerifier {
  /** @throws AssertionError (refused), AssertionKeysUnavailableError (keys unreachable) */
  verify(assertion: string, expected: { state: string; openid: string }): Promise<VerifiedAssertion>;
}

/** Compact JWS: three base64url parts; bigger than any honest assertion is refused before parsing. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
export const MAX_ASSERTION_CHARS = 8192;
const CLOCK_TOLERANCE_SECONDS = 5;

/** A verifier for `config` (resolving the JWKS lazily, cached by jose). @throws Error when the PEM is not a public key */
export function createAssertionVerifier(config: AssertionConfig, now: () => number, options: { jwksTimeoutMs?: number } = {}): AssertionVerifier {
  let key: KeyObject | JWTVerifyGetKey;
  if (config.publicKeyPem) {
    try {
      key = createPublicKey(config.publicKeyPem);
    } catch {
      throw new Error('bind.assertion.publicKeyPem is not a readable public key (SPKI PEM)');
    }
  } else if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5000, cooldownDuration: 30_000 });
  } else {
    throw new Error('bind.assertion needs publicKeyPem or jwksUrl');
  }

  return {
    async verify(assertion, expected) {
      if (assertion.length > MAX_ASSERTION_CHARS || !COMPACT_JWS.test(assertion)) throw new AssertionError('malformed');
      let claims: JWTPayload;
      let header: ProtectedHeaderParameters;
      try {
        const options = {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
          maxTokenAge: config.maxAgeSeconds,
          requiredClaims: ['exp', 'iat', 'state'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
        };
        // Two calls so TypeScript picks the overload for a key or a key resolver.
        const result = typeof key === 'function' ? await jwtVerify(assertion, key, options) : await jwtVerify(assertion, key, options);
        claims = result.payload;
        header = result.protectedHeader;
      } catch (err) {
        throw classify(err);
      }
      const { iat, exp } = claims as { iat: number; exp: number };
      if (exp - iat > config.maxAgeSeconds) throw new AssertionError('lifetime');
      if (claims.state !== expected.state) throw new AssertionError('state');
      if (claims.openid !== undefined && claims.openid !== expected.openid) throw new AssertionError('openid');
      const customerId = claims[config.customerClaim];
      if (typeof customerId !== 'string' || !CUSTOMER_ID.test(customerId)) throw new AssertionError(customerId === undefined ? 'claim_missing' : 'customer_id');
      return { customerId, claims, header };
    },
  };
}

function classify(err: unknown): Error {
  if (err instanceof errors.JWKSTimeout) return new AssertionKeysUnavailableError();
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return new AssertionError('unknown_key');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return new AssertionError('algorithm');
  if (err instanceof errors.JWSSignatureVerificationFailed) return new AssertionError('signature');
  if (err instanceof errors.JWTExpired) return new AssertionError(err.claim === 'iat' ? 'too_old' : 'expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return new AssertionError('claim_missing');
    if (err.claim === 'iss') return new AssertionError('issuer');
    if (err.claim === 'aud') return new AssertionError('audience');
    if (err.claim === 'nbf') return new AssertionError('not_yet_valid');
    if (err.claim === 'iat') return new AssertionError('issued_in_future');
    return new AssertionError('malformed');
  }
  // The JWKS answered badly (not 200, not JSON, not a key set) or not at all (fetch's TypeError).
  if (err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')) return new AssertionKeysUnavailableError();
  // By name: WebCrypto's and fetch's errors may come from another realm (instanceof fails there).
  const name = (err as { name?: unknown }).name;
  const message = String((err as { message?: unknown }).message ?? '');
  if (name === 'TypeError' && /fetch failed/i.test(message)) return new AssertionKeysUnavailableError();
  // A key of the wrong type for the header's alg (an RSA key, an ES256 header) is a TypeError or a WebCrypto DataError.
  if (name === 'TypeError' || name === 'DataError' || name === 'InvalidAccessError') return new AssertionError('signature');
  return new AssertionError('malformed');
}
