/** Test SSO identities and the admin config that maps their claims to roles, shared by the admin API tests. */
import type { TestIdentity, TestOidcProvider } from './oidc-provider';

/** The audience the gateway requires in the tests. */
export const ADMIN_AUDIENCE = 'urn:cgw:admin';
/** Another resource server's audience. */
export const OTHER_AUDIENCE = 'urn:other-api';

/** Identities by client id: roles straight from the roles claim, or mapped from SSO groups. */
export const IDENTITIES: Record<string, TestIdentity> = {
  'it-admin': { claims: { roles: ['it-admin'], name: 'Ida Admin' } },
  officer: { claims: { groups: ['SSO-Compliance-Officers', 'compliance-approvers'], name: 'Olga Officer' } },
  officer2: { claims: { groups: ['SSO-Compliance-Officers', 'compliance-approvers'] } },
  supervisor: { claims: { roles: ['compliance-supervisor'], groups: ['compliance-approvers'] } },
  auditor: { claims: { groups: ['SSO-Auditors'] } },
  nobody: { claims: { groups: ['Everyone'] } },
  'crm-owner': { claims: { roles: ['compliance-officer'], groups: ['crm-owners', 'compliance-approvers'] } },
  'outside-officer': { claims: { roles: ['compliance-officer'], groups: ['other-team'] } },
  'short-lived': { claims: { roles: ['compliance-officer'] }, ttlSeconds: 4 },
};

/** The `admin` config trusting `provider`, with the local token as given. */
export function adminConfigFor(provider: TestOidcProvider, localToken = true): Record<string, unknown> {
  return {
    localToken: { enabled: localToken },
    oidc: {
      issuer: provider.issuer,
      audience: ADMIN_AUDIENCE,
      jwksUri: provider.jwksUri,
      algorithms: ['RS256'],
      roleMap: { 'SSO-Compliance-Officers': 'compliance-officer', 'SSO-Auditors': ['auditor'] },
      // Zero, so the expiry test waits one second, not thirty.
      clockToleranceSeconds: 0,
    },
  };
}
