/** The `admin` configuration section: defaults, SSO settings, and the problems it refuses. */
import { adminConfigSchema } from '../../gateway/admin-api/config';

const sso = { issuer: 'https://sso.bank.example/realms/staff', audience: 'cgw-admin' };
const problems = (value: unknown) => {
  const result = adminConfigSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('admin config', () => {
  it('defaults to the local admin token only, with a 64 KiB body limit and a 128 MiB access file limit (the embedded default)', () => {
    expect(adminConfigSchema.parse(undefined)).toEqual({ localToken: { enabled: true }, maxBodyBytes: 65536, accessFileMaxBytes: 134_217_728 });
  });

  it('fills SSO defaults: RS256, roles and groups claims, no role map, 30 s clock tolerance', () => {
    expect(adminConfigSchema.parse({ localToken: { enabled: false }, oidc: sso }).oidc).toEqual({ ...sso, algorithms: ['RS256'], rolesClaim: 'roles', groupsClaim: 'groups', roleMap: {}, clockToleranceSeconds: 30 });
  });

  it('refuses a configuration with neither the local token nor SSO: nobody could log in', () => {
    expect(problems({ localToken: { enabled: false } })).toEqual(['oidc: configure admin.oidc, or enable admin.localToken: otherwise nobody can use the admin API']);
  });

  it('refuses plain-HTTP key endpoints except on loopback', () => {
    expect(problems({ oidc: { ...sso, issuer: 'http://sso.bank.example' } })).toEqual(['oidc.issuer: must be https (http only on a loopback address)']);
    expect(problems({ oidc: { ...sso, jwksUri: 'http://10.0.0.5/jwks' } })).toEqual(['oidc.jwksUri: must be https (http only on a loopback address)']);
    expect(problems({ oidc: { ...sso, issuer: 'http://127.0.0.1:8443' } })).toEqual([]);
  });

  it('refuses symmetric and unsigned algorithms, unknown roles in the role map, and unknown keys, all at once', () => {
    const found = problems({ oidc: { ...sso, algorithms: ['HS256', 'none'], roleMap: { 'SSO-Admins': 'root' } }, colour: 'blue' });
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^oidc\.algorithms\.0: /), expect.stringMatching(/^oidc\.algorithms\.1: /), expect.stringMatching(/^oidc\.roleMap\.SSO-Admins/), expect.stringMatching(/colour/)]));
  });
});
