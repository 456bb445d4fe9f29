/**
 * Admin API authentication and authorisation against a real OpenID provider
 * (oidc-provider in a child process) and the real admin API on a real port,
 * with the audit log on SQLite and PostgreSQL.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describeEachDatabase } from '../db';
import { AUDIT_EVENT_ENTITY, type AuditEventRow } from '../../gateway/db/entities';
import { problemType } from '../../gateway/admin-api/problems';
import { startOidcProvider, type TestOidcProvider } from './oidc-provider';
import { call, startAdminServer, type AdminServer } from './admin-server';
import { heldMessage } from './fake-ports';
import { adminConfigFor, ADMIN_AUDIENCE, IDENTITIES, OTHER_AUDIENCE } from './identities';
import type { AuthFailureReason } from '../../gateway/auth/auth-failure';
import { createOidcVerifier } from '../../gateway/auth/oidc';
import { oidcConfigSchema } from '../../gateway/admin-api/config';

const LOCAL_TOKEN = `cgw_${randomBytes(24).toString('base64url')}`;
let provider: TestOidcProvider;
beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, ['urn:cgw:admin', OTHER_AUDIENCE]);
});
afterAll(async () => provider?.stop());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (jwt: string) => jwt.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p));

/** Each operation, called so that it would succeed for an allowed caller. */
const OPERATIONS: { name: string; path: string; method?: string; json?: unknown; roles: string[] }[] = [
  { name: 'whoami', path: '/whoami', roles: ['it-admin', 'officer', 'supervisor', 'auditor'] },
  { name: 'listApprovals', path: '/approvals', roles: ['officer', 'supervisor', 'auditor'] },
  { name: 'getApproval', path: '/approvals/m-1', roles: ['officer', 'supervisor', 'auditor'] },
  { name: 'commentMessage', path: '/approvals/m-1/comment', json: { text: 'looks fine' }, roles: ['officer', 'supervisor'] },
  { name: 'approveMessage', path: '/approvals/m-none/approve', json: {}, roles: ['officer', 'supervisor'] },
  { name: 'rejectMessage', path: '/approvals/m-none/reject', json: { reason: 'no' }, roles: ['officer', 'supervisor'] },
  { name: 'getMessageStatus', path: '/messages/m-none', roles: ['it-admin', 'officer', 'supervisor', 'auditor'] },
  { name: 'evaluatePolicy', path: '/policy/eval', json: { accountId: 'retail-oa', appId: 'crm', path: '/cgi-bin/message/custom/send', body: { msgtype: 'text' } }, roles: ['it-admin', 'officer', 'supervisor'] },
  { name: 'listAuditEvents', path: '/audit-events', roles: ['it-admin', 'supervisor', 'auditor'] },
  { name: 'verifyAuditLog', path: '/audit/verify', method: 'POST', roles: ['it-admin', 'supervisor', 'auditor'] },
];
const CALLERS = ['it-admin', 'officer', 'supervisor', 'auditor', 'nobody'];

describeEachDatabase('admin API authentication and roles', (db) => {
  let server: AdminServer;
  const tokens = new Map<string, string>();
  const lastAuthFailure = async () => (await server.audit.log.list({ type: 'admin.auth.failed', order: 'desc', limit: 1 })).items[0];

  beforeAll(async () => {
    server = await startAdminServer({ dataSource: db.dataSource, admin: adminConfigFor(provider), localToken: LOCAL_TOKEN, held: [heldMessage('m-1')] });
    for (const id of CALLERS) tokens.set(id, await provider.token(id));
  });
  afterAll(async () => server?.close());

  describe('role matrix', () => {
    for (const op of OPERATIONS) {
      for (const caller of CALLERS) {
        const allowed = op.roles.includes(caller);
        it(`${allowed ? 'lets' : 'refuses'} ${caller} ${allowed ? 'call' : 'with 403 on'} ${op.name}`, async () => {
          const answer = await call(server.api, op.path, { token: tokens.get(caller)!, ...(op.method ? { method: op.method } : {}), ...(op.json !== undefined ? { json: op.json } : {}) });
          if (allowed) {
            expect(answer.status).not.toBe(401);
            expect(answer.body?.type).not.toBe(problemType('forbidden'));
          } else {
            expect(answer.status).toBe(403);
            expect(answer.contentType).toBe('application/problem+json');
            expect(answer.body).toMatchObject({ type: problemType('forbidden'), status: 403 });
            const denied = (await server.audit.log.list({ type: 'admin.access.denied', order: 'desc', limit: 1 })).items[0];
            expect(denied).toMatchObject({ actor: { subject: caller, via: 'oidc' }, target: op.name, outcome: 'denied' });
          }
        });
      }
    }
  });

  it('maps SSO groups and role claims to roles and reports them on whoami', async () => {
    const officer = await call(server.api, '/whoami', { token: tokens.get('officer')! });
    expect(officer.body).toEqual({ subject: 'officer', name: 'Olga Officer', roles: ['compliance-officer'], groups: ['SSO-Compliance-Officers', 'compliance-approvers'], via: 'oidc', permissions: ['whoami', 'approvals:read', 'approvals:decide', 'messages:read', 'policy:eval', 'consent:read', 'consent:write', 'bindings:read', 'alerts:read', 'alerts:review', 'content:read', 'content:write', 'content:approve', 'handover:read'] });
    const auditor = await call(server.api, '/whoami', { token: tokens.get('auditor')! });
    expect(auditor.body).toMatchObject({ roles: ['auditor'], permissions: ['whoami', 'approvals:read', 'messages:read', 'audit:read', 'consent:read', 'alerts:read', 'content:read', 'handover:read'] });
  });

  it('accepts the local admin token with every role, audited as local-admin', async () => {
    const answer = await call(server.api, '/whoami', { token: LOCAL_TOKEN });
    expect(answer.body).toMatchObject({ subject: 'local-admin', via: 'local-token', roles: ['it-admin', 'compliance-officer', 'compliance-supervisor', 'auditor', 'crm-service'] });
    await call(server.api, '/audit-events', { token: LOCAL_TOKEN });
    const listed = (await server.audit.log.list({ type: 'admin.audit.list', order: 'desc', limit: 1 })).items[0];
    expect(listed).toMatchObject({ actor: { subject: 'local-admin', via: 'local-token' }, outcome: 'success' });
  });

  describe('refuses with 401 problem+json and an admin.auth.failed audit row', () => {
    const cases: [string, () => Promise<Record<string, string>>, AuthFailureReason][] = [
      ['no Authorization header', async () => ({}), 'missing-credentials'],
      ['a Basic Authorization header', async () => ({ authorization: 'Basic b2ZmaWNlcjpwdw==' }), 'malformed-authorization'],
      ['a garbage bearer token', async () => ({ authorization: 'Bearer garbage' }), 'malformed-token'],
      ['a JWT-shaped garbage token', async () => ({ authorization: 'Bearer aaaa.bbbb.cccc' }), 'malformed-token'],
      ['a wrong local admin token', async () => ({ authorization: `Bearer cgw_${randomBytes(24).toString('base64url')}` }), 'local-token-mismatch'],
      ['a token for another audience', async () => ({ authorization: `Bearer ${await provider.token('officer', { audience: OTHER_AUDIENCE })}` }), 'wrong-audience'],
      ['a token from another issuer signed with the trusted key', async () => ({ authorization: `Bearer ${await provider.token('officer', { from: 'imposter' })}` }), 'wrong-issuer'],
      ['a token signed by another key under the trusted key id', async () => ({ authorization: `Bearer ${await provider.token('officer', { from: 'rogue' })}` }), 'bad-signature'],
      [
        'an unsigned token (alg none)',
        async () => {
          const [, payload] = partsOf(await provider.token('supervisor'));
          return { authorization: `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.` };
        },
        'algorithm-not-allowed',
      ],
      [
        'an HS256 token keyed with the public JWKS (algorithm confusion)',
        async () => {
          const [header, payload] = partsOf(await provider.token('supervisor'));
          const jwks = await (await fetch(provider.jwksUri)).text();
          const input = `${b64url({ ...header, alg: 'HS256' })}.${b64url(payload)}`;
          return { authorization: `Bearer ${input}.${createHmac('sha256', jwks).update(input).digest('base64url')}` };
        },
        'algorithm-not-allowed',
      ],
      [
        'a token whose payload was edited after signing',
        async () => {
          const [header, payload, signature] = partsOf(await provider.token('auditor'));
          return { authorization: `Bearer ${b64url(header)}.${b64url({ ...payload, roles: ['it-admin'] })}.${signature}` };
        },
        'bad-signature',
      ],
    ];
    for (const [name, headers, reason] of cases) {
      it(`${name} (${reason})`, async () => {
        const sent = await headers();
        const answer = await call(server.api, '/approvals', { headers: sent });
        expect(answer.status).toBe(401);
        expect(answer.contentType).toBe('application/problem+json');
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(answer.body).toMatchObject({ type: problemType('unauthenticated'), status: 401, title: 'Authentication required', instance: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/) });
        expect(await lastAuthFailure()).toMatchObject({ actor: { subject: 'anonymous', via: 'anonymous' }, target: 'listApprovals', outcome: 'failure', details: { authFailure: reason, method: 'GET' } });
        const errorId = answer.body.instance.replace('urn:uuid:', '');
        expect(server.logs()).toContain(errorId);
        const secret = sent.authorization?.split(' ')[1];
        if (secret) {
          expect(server.logs()).not.toContain(secret);
          const rows = await db.dataSource.getRepository<AuditEventRow>(AUDIT_EVENT_ENTITY).find();
          expect(JSON.stringify(rows)).not.toContain(secret);
        }
      });
    }

    it('an expired token (token-expired)', async () => {
      const token = await provider.token('short-lived');
      expect((await call(server.api, '/whoami', { token })).status).toBe(200);
      // Until just past the token's own exp (tolerance 0), however long the first call took on a loaded machine.
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 + 1100 - Date.now())));
      const answer = await call(server.api, '/approvals', { token });
      expect(answer).toMatchObject({ status: 401, body: { detail: 'the token has expired' } });
      expect((await lastAuthFailure())?.details).toMatchObject({ authFailure: 'token-expired' });
    });

    it('an unauthenticated request to a route that does not exist, without revealing it', async () => {
      const answer = await call(server.api, '/no-such-route');
      expect(answer).toMatchObject({ status: 401, body: { type: problemType('unauthenticated') } });
      expect(await lastAuthFailure()).toMatchObject({ target: null, details: { authFailure: 'missing-credentials' } });
    });
  });

  it('answers an authenticated request to an unknown route 404 and a wrong method 405, as problem+json', async () => {
    const missing = await call(server.api, '/nope', { token: LOCAL_TOKEN });
    expect(missing).toMatchObject({ status: 404, contentType: 'application/problem+json', body: { type: problemType('route_not_found') } });
    const wrong = await call(server.api, '/approvals', { token: LOCAL_TOKEN, method: 'DELETE' });
    expect(wrong).toMatchObject({ status: 405, body: { type: problemType('method_not_allowed') } });
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('leaves requests outside /admin/v1 to the rest of the gateway', async () => {
    const answer = await fetch(`${server.url}/admin/v10/whoami`);
    expect(await answer.text()).toBe('not admin');
  });
});

describeEachDatabase('admin API with the local token disabled', (db) => {
  let server: AdminServer;
  beforeAll(async () => {
    server = await startAdminServer({ dataSource: db.dataSource, admin: adminConfigFor(provider, false) });
  });
  afterAll(async () => server?.close());

  it('refuses the local admin token (local-token-disabled) and still accepts SSO tokens', async () => {
    const answer = await call(server.api, '/whoami', { token: LOCAL_TOKEN });
    expect(answer).toMatchObject({ status: 401, body: { detail: 'the local admin token is disabled on this gateway' } });
    const failed = (await server.audit.log.list({ type: 'admin.auth.failed', order: 'desc', limit: 1 })).items[0];
    expect(failed?.details).toMatchObject({ authFailure: 'local-token-disabled' });
    expect((await call(server.api, '/whoami', { token: await provider.token('auditor') })).status).toBe(200);
  });
});

describeEachDatabase('admin API without SSO (embedded default)', (db) => {
  let server: AdminServer;
  beforeAll(async () => {
    server = await startAdminServer({ dataSource: db.dataSource, localToken: LOCAL_TOKEN });
  });
  afterAll(async () => server?.close());

  it('accepts the local token and refuses SSO tokens (oidc-not-configured)', async () => {
    expect((await call(server.api, '/whoami', { token: LOCAL_TOKEN })).status).toBe(200);
    const answer = await call(server.api, '/whoami', { token: await provider.token('supervisor') });
    expect(answer).toMatchObject({ status: 401 });
    const failed = (await server.audit.log.list({ type: 'admin.auth.failed', order: 'desc', limit: 1 })).items[0];
    expect(failed?.details).toMatchObject({ authFailure: 'oidc-not-configured' });
  });
});

describe('SSO key discovery', () => {
  it("finds the JWKS through the issuer's discovery document when jwksUri is not configured", async () => {
    const verify = createOidcVerifier(oidcConfigSchema.parse({ issuer: provider.issuer, audience: ADMIN_AUDIENCE, roleMap: { 'SSO-Auditors': 'auditor' } }));
    expect(await verify(await provider.token('auditor'))).toMatchObject({ subject: 'auditor', roles: ['auditor'], via: 'oidc' });
  });

  it('answers jwks-unavailable (503, retryable) when the issuer cannot be reached', async () => {
    const verify = createOidcVerifier(oidcConfigSchema.parse({ issuer: 'http://127.0.0.1:9', audience: ADMIN_AUDIENCE }), { timeoutMs: 1000 });
    await expect(verify(await provider.token('auditor'))).rejects.toMatchObject({ reason: 'jwks-unavailable', status: 503 });
  });
});
