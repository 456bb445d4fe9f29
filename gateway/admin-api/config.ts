/**
 * The `admin` section of the gateway configuration: how admin callers
 * authenticate. The local admin token is on by default (the embedded default
 * prints it at first start); production turns it off and configures the
 * bank's SSO under `oidc`. At least one of the two must be usable.
 */
import { z } from 'zod';
import { ROLES } from '../auth/roles';

const roleSchema = z.enum(ROLES);

/** JWS algorithms an SSO may sign with; `none` and HMAC (a shared secret is no SSO) are not among them. */
export const ASYMMETRIC_JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// Keys are fetched over this URL: plain HTTP would let anyone on the path mint admin tokens.
const secureUrl = z.url().refine((value) => {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}, 'must be https (http only on a loopback address)');

/** SSO (OIDC) settings: who issues admin JWTs and how their claims map to roles. */
export const oidcConfigSchema = z.strictObject({
  issuer: secureUrl,
  /** The `aud` the gateway requires (one of, when several). */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Default: the jwks_uri of the issuer's discovery document. */
  jwksUri: secureUrl.optional(),
  algorithms: z.array(z.enum(ASYMMETRIC_JWS_ALGORITHMS)).min(1).default(['RS256']),
  /** Claim holding role names (dotted path for nested claims, e.g. realm_access.roles). */
  rolesClaim: z.string().min(1).default('roles'),
  /** Claim holding SSO group names; approval rules name these groups. */
  groupsClaim: z.string().min(1).default('groups'),
  /** SSO role or group name → gateway role(s). A value that already is a role name in the roles claim counts as itself. */
  roleMap: z.record(z.string().min(1), z.union([roleSchema, z.array(roleSchema).min(1)])).default({}),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
});
/** Parsed `admin.oidc`. */
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

/** The `admin` section: add as `admin: adminConfigSchema` to the gateway's configSchema. */
export const adminConfigSchema = z
  .strictObject({
    localToken: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    oidc: oidcConfigSchema.optional(),
    /** Largest admin request body accepted (JSON). */
    maxBodyBytes: z.number().int().min(1024).max(1048576).default(65536),
    /** Largest PIPL access file built (in memory, never on disk); a larger one is refused with result-too-large. */
    accessFileMaxBytes: z.number().int().min(1_048_576).max(1_073_741_824).default(134_217_728),
  })
  .superRefine((admin, ctx) => {
    if (!admin.localToken.enabled && !admin.oidc) {
      ctx.addIssue({ code: 'custom', path: ['oidc'], message: 'configure admin.oidc, or enable admin.localToken: otherwise nobody can use the admin API' });
    }
  })
  .prefault({});
/** Parsed `admin`. */
export type AdminConfig = z.infer<typeof adminConfigSchema>;
