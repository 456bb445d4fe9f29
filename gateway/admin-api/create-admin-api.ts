/**
 * The admin API's factory, called by the composition root. Builds the
 * authenticator from the `admin` config, the handler table over the ports,
 * and the pipeline over the spec; returns one Koa middleware to mount.
 */
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import type { AuditVerifyReport } from '../audit/verify-audit-log';
import { createAuthenticator, type Authenticator } from '../auth/authenticate';
import type { OidcVerifierOptions } from '../auth/oidc';
import { adminRouter } from './admin-router';
import type { AdminConfig } from './config';
import type { AdminPorts } from './ports';
import { adminHandlers } from './routes';
import { loadOpenApi, operationsOf } from './spec';

/** What the admin API is built from. */
export interface AdminApiDeps {
  /** The parsed `admin` section (adminConfigSchema). */
  config: AdminConfig;
  /** The local admin token (adminTokenFor(config)); required when config.localToken.enabled. */
  localToken?: string;
  ports: AdminPorts;
  audit: AuditLog;
  /** Verifies the audit chain (createAuditLog's verify). */
  verifyAudit: () => Promise<AuditVerifyReport>;
  logger: Logger;
  now?: () => number;
  /** Test and tuning hooks for SSO token verification. */
  oidc?: OidcVerifierOptions;
}

/** The built admin API. */
export interface AdminApi {
  /** Serves everything under /admin/v1 (problem+json for every error there); other paths pass through. */
  middleware: Middleware;
  authenticate: Authenticator;
}

/** Build the admin API. @throws Error when the spec, handlers or config disagree (a programming or configuration error) */
export function createAdminApi(deps: AdminApiDeps): AdminApi {
  const doc = loadOpenApi();
  const operations = operationsOf(doc);
  const authenticate = createAuthenticator({ config: deps.config, ...(deps.localToken ? { localToken: deps.localToken } : {}), ...(deps.oidc ? { oidc: deps.oidc } : {}) });
  const handlers = adminHandlers({ ports: deps.ports, audit: deps.audit, verifyAudit: deps.verifyAudit, now: deps.now ?? Date.now });
  const middleware = adminRouter({ doc, operations, handlers, authenticate, audit: deps.audit, logger: deps.logger, maxBodyBytes: deps.config.maxBodyBytes });
  return { middleware, authenticate };
}
