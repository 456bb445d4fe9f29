/** How verified SSO claims become an Actor: role and group claims, the role map, and malformed claims. */
import { actorFrom } from '../../gateway/auth/oidc';
import { AuthFailure } from '../../gateway/auth/auth-failure';
import { createAuthenticator } from '../../gateway/auth/authenticate';

const config = { rolesClaim: 'realm_access.roles', groupsClaim: 'groups', roleMap: { 'SSO-Audit': 'auditor' as const, 'SSO-Compliance-Leads': ['compliance-officer' as const, 'compliance-supervisor' as const] } };

describe('SSO claims to an Actor', () => {
  it('reads roles from a nested claim and maps groups through the role map, without duplicates', () => {
    const actor = actorFrom({ sub: 'u1', name: 'Wei', realm_access: { roles: ['compliance-officer', 'offline_access'] }, groups: ['SSO-Compliance-Leads', 'SSO-Audit'] }, config);
    expect(actor).toEqual({ subject: 'u1', name: 'Wei', roles: ['compliance-officer', 'compliance-supervisor', 'auditor'], groups: ['SSO-Compliance-Leads', 'SSO-Audit'], via: 'oidc' });
  });

  it('takes a role name only from the roles claim: a group called it-admin grants nothing unless mapped', () => {
    expect(actorFrom({ sub: 'u2', groups: ['it-admin'] }, config).roles).toEqual([]);
  });

  it('does not let claim names reach Object.prototype through the role map', () => {
    expect(actorFrom({ sub: 'u3', groups: ['constructor', '__proto__', 'toString'] }, config).roles).toEqual([]);
  });

  it.each([
    ['no subject', { groups: [] }],
    ['an over-long subject', { sub: 'x'.repeat(256) }],
    ['a groups claim that is an object', { sub: 'u4', groups: { a: 1 } }],
    ['a roles claim with a number', { sub: 'u5', realm_access: { roles: ['auditor', 7] } }],
    ['too many groups', { sub: 'u6', groups: Array.from({ length: 300 }, (_, i) => `g${i}`) }],
  ])('refuses %s as invalid-claims', (_name, payload) => {
    expect(() => actorFrom(payload, config)).toThrow(expect.objectContaining({ reason: 'invalid-claims' }));
  });
});

describe('the authenticator', () => {
  it('refuses to start with the local token enabled but no token given', () => {
    expect(() => createAuthenticator({ config: { localToken: { enabled: true } } })).toThrow(/no local admin token/);
  });

  it('refuses an Authorization header of megabytes before parsing it', async () => {
    const authenticate = createAuthenticator({ config: { localToken: { enabled: true } }, localToken: 'cgw_abc' });
    await expect(authenticate(`Bearer ${'a'.repeat(9000)}`)).rejects.toEqual(new AuthFailure('malformed-authorization'));
  });
});
