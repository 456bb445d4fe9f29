/**
 * Verifies SSO JWTs: signature against the issuer's JWKS (fetched and cached
 * by jose), issuer, audience, algorithm allowlist, a required expiry, with a
 * bounded clock tolerance. Roles and groups are read from configurable claims.
 * jose's errors become AuthFailure reasons here, so nothing else knows jose.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OidcConfig } from '../admin-api/config';
import type { Actor } from './actor';
import { AuthFailure, type AuthFailureReason } from './auth-failure';
import { isRole, type Role } from './roles';

/** Bounds on what a token may carry, so a hostile claim cannot blow up an audit row or a log. */
const MAX_SUBJECT = 255;
const MAX_GROUPS = 256;
const MAX_GROUP_NAME = 255;

/** A verifier of SSO bearer tokens. */
export type OidcVerifier = (token: string) => Promise<Actor>;

/** Options for tests and tuning. */
export interface OidcVerifierOptions {
  /** Overrides how the key set is found (tests); default: remote JWKS at jwksUri or the discovered one. */
  keySet?: JWTVerifyGetKey;
  /** JWKS fetch timeout, ms (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Build a verifier for `config`. The JWKS (and, without jwksUri, the discovery document) is fetched on first use. */
export function createOidcVerifier(config: OidcConfig, options: OidcVerifierOptions = {}): OidcVerifier {
  const timeoutMs = options.timeoutMs ?? 5000;
  let keySet: Promise<JWTVerifyGetKey> | undefined = options.keySet ? Promise.resolve(options.keySet) : undefined;
  const getKeySet = (): Promise<JWTVerifyGetKey> => {
    keySet ??= jwksUrl(config, timeoutMs, options.fetch ?? fetch).then((url) => createRemoteJWKSet(url, { timeoutDuration: timeoutMs, cooldownDuration: 30_000, cacheMaxAge: 600_000 }));
    // A failed discovery is retried on the next request rather than remembered.
    keySet.catch(() => (keySet = undefined));
    return keySet;
  };

  return async (token) => {
    let keys: JWTVerifyGetKey;
    try {
      keys = await getKeySet();
    } catch (err) {
      throw new AuthFailure('jwks-unavailable', err);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [...config.algorithms],
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw new AuthFailure(reasonFor(err), err);
    }
    return actorFrom(payload, config);
  };
}

/** The Actor a verified payload describes. @throws AuthFailure invalid-claims when sub or the role claims are malformed */
export function actorFrom(payload: JWTPayload, config: Pick<OidcConfig, 'rolesClaim' | 'groupsClaim' | 'roleMap'>): Actor {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT) throw new AuthFailure('invalid-claims');
  const roleNames = stringsAt(payload, config.rolesClaim);
  const groups = stringsAt(payload, config.groupsClaim);
  if (groups.length > MAX_GROUPS || groups.some((g) => g.length > MAX_GROUP_NAME)) throw new AuthFailure('invalid-claims');
  const roles = new Set<Role>();
  for (const name of roleNames) if (isRole(name)) roles.add(name);
  for (const name of [...roleNames, ...groups]) {
    const mapped = Object.hasOwn(config.roleMap, name) ? config.roleMap[name] : undefined;
    for (const role of mapped === undefined ? [] : Array.isArray(mapped) ? mapped : [mapped]) roles.add(role);
  }
  const name = typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
  return { subject, ...(name ? { name: name.slice(0, MAX_SUBJECT) } : {}), roles: [...roles], groups, via: 'oidc' };
}

/** Strings at a dotted claim path: an array of strings, or one string (absent: none). @throws AuthFailure for any other shape */
function stringsAt(payload: JWTPayload, claimPath: string): string[] {
  let value: unknown = payload;
  for (const part of claimPath.split('.')) {
    value = typeof value === 'object' && value !== null && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new AuthFailure('invalid-claims');
}

async function jwksUrl(config: OidcConfig, timeoutMs: number, fetchFn: typeof fetch): Promise<URL> {
  if (config.jwksUri) return new URL(config.jwksUri);
  const discovery = new URL(`${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const response = await fetchFn(discovery, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const document = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
  // The discovery document must be the issuer's own (OpenID Connect Discovery 1.0, section 4.3).
  if (document.issuer !== config.issuer || typeof document.jwks_uri !== 'string') throw new Error('discovery document does not match the issuer');
  return new URL(document.jwks_uri);
}

/** jose's error codes → our reasons; anything that is not a verdict on the token is the JWKS being unreachable. */
function reasonFor(err: unknown): AuthFailureReason {
  const { code, claim, reason } = (err ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token-expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return 'wrong-issuer';
      if (claim === 'aud') return 'wrong-audience';
      if (claim === 'nbf' && reason === 'check_failed') return 'token-not-yet-valid';
      return 'invalid-claims';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm-not-allowed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown-key';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWK_INVALID':
      return 'malformed-token';
    default:
      return 'jwks-unavailable';
  }
}
