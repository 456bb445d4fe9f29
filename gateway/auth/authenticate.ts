/**
 * Authenticates an admin request from its Authorization header: the local
 * admin token (when enabled) or an SSO JWT (when OIDC is configured).
 * Everything else is an AuthFailure with a reason code.
 */
import type { AdminConfig } from '../admin-api/config';
import type { Actor } from './actor';
import { AuthFailure } from './auth-failure';
import { localAdminActor, localTokenMatcher, LOCAL_TOKEN_PREFIX } from './local-token';
import { createOidcVerifier, type OidcVerifier, type OidcVerifierOptions } from './oidc';

/** Turns an Authorization header value (or its absence) into an Actor. @throws AuthFailure */
export type Authenticator = (authorization: string | undefined) => Promise<Actor>;

/** What the authenticator is built from. */
export interface AuthenticatorOptions {
  config: Pick<AdminConfig, 'localToken' | 'oidc'>;
  /** The local admin token (gateway/admin-token.ts); required when config.localToken.enabled. */
  localToken?: string;
  oidc?: OidcVerifierOptions;
}

// Three base64url segments; the signature may be empty (alg none), which jose then refuses by name.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// RFC 6750 b64token, bounded: a header of megabytes is refused before anything parses it.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,8192}=*) *$/i;

/** Build the authenticator. @throws Error when the local token is enabled but none is given */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { config } = options;
  if (config.localToken.enabled && !options.localToken) throw new Error('admin.localToken is enabled but no local admin token was provided');
  const matchesLocal = config.localToken.enabled && options.localToken ? localTokenMatcher(options.localToken) : undefined;
  const verifyJwt: OidcVerifier | undefined = config.oidc ? createOidcVerifier(config.oidc, options.oidc) : undefined;

  return async (authorization) => {
    if (authorization === undefined || authorization === '') throw new AuthFailure('missing-credentials');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthFailure('malformed-authorization');
    if (token.startsWith(LOCAL_TOKEN_PREFIX)) {
      if (!matchesLocal) throw new AuthFailure('local-token-disabled');
      if (!matchesLocal(token)) throw new AuthFailure('local-token-mismatch');
      return localAdminActor();
    }
    if (!JWT_SHAPE.test(token)) throw new AuthFailure('malformed-token');
    if (!verifyJwt) throw new AuthFailure('oidc-not-configured');
    return verifyJwt(token);
  };
}
