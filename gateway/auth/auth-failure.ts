/**
 * Why authentication failed: a closed set of codes, written to the audit log
 * (`admin.auth.failed`) and shown to the caller. Never carries the token.
 */

/** Reason codes and the safe text shown to the caller. */
export const AUTH_FAILURE_REASONS = {
  'missing-credentials': 'no Authorization header',
  'malformed-authorization': 'the Authorization header is not "Bearer <token>"',
  'malformed-token': 'the bearer token is neither a JWT nor a local admin token',
  'local-token-disabled': 'the local admin token is disabled on this gateway',
  'local-token-mismatch': 'the local admin token is not valid',
  'oidc-not-configured': 'this gateway accepts no SSO tokens (admin.oidc is not configured)',
  'token-expired': 'the token has expired',
  'token-not-yet-valid': 'the token is not valid yet',
  'wrong-issuer': 'the token was issued by another issuer',
  'wrong-audience': 'the token is meant for another audience',
  'algorithm-not-allowed': 'the token is signed with an algorithm this gateway does not accept',
  'bad-signature': 'the token signature is not valid',
  'unknown-key': "the token is signed with a key the issuer's JWKS does not hold",
  'invalid-claims': 'the token lacks a required claim or has a malformed one',
  'jwks-unavailable': "the issuer's signing keys could not be fetched; try again",
} as const;
/** A registered reason code. */
export type AuthFailureReason = keyof typeof AUTH_FAILURE_REASONS;

/** Authentication failed for `reason`. 401, except jwks-unavailable (503: not the caller's fault). */
export class AuthFailure extends Error {
  constructor(readonly reason: AuthFailureReason, cause?: unknown) {
    super(AUTH_FAILURE_REASONS[reason], cause === undefined ? undefined : { cause });
    this.name = 'AuthFailure';
  }

  /** The HTTP status this failure is answered with. */
  get status(): 401 | 503 {
    return this.reason === 'jwks-unavailable' ? 503 : 401;
  }
}
