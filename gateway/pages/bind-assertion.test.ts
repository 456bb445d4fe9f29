import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { bindConfigSchema } from '../consent/config';
import { AssertionError, AssertionKeysUnavailableError, createAssertionVerifier } from './bind-assertion';

const NOW = Date.UTC(2025, 0, 15, 2, 0, 0);
const ISSUER = 'https://login.bank.example';
const EXPECTED = { state: 'S1', openid: 'oUser000000000000000000000001' };

function config(assertion: Record<string, unknown>) {
  return bindConfigSchema.parse({ loginUrl: 'https://login.bank.example/bind', assertion: { issuer: ISSUER, ...assertion } }).assertion!;
}

async function sign(key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'], alg: string, claims: Record<string, unknown> = {}, kid?: string): Promise<string> {
  const iat = Math.floor(NOW / 1000);
  return new SignJWT({ state: 'S1', sub: 'CIF123', ...claims }).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuer(ISSUER).setAudience('cgw-bind').setIssuedAt(iat).setExpirationTime(iat + 60).sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (err instanceof AssertionError) return err.problem;
  if (err instanceof AssertionKeysUnavailableError) return 'keys_unavailable';
  throw new Error(`expected a refusal, got ${String(err)}`);
}

describe('createAssertionVerifier with a PEM key', () => {
  it('accepts RS256 by default and names the customer from `sub`', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const verifier = createAssertionVerifier(config({ publicKeyPem: await exportSPKI(publicKey) }), () => NOW);
    const verified = await verifier.verify(await sign(privateKey, 'RS256'), EXPECTED);
    expect(verified.customerId).toBe('CIF123');
    expect(verified.header.alg).toBe('RS256');
  });

  it('refuses PS256 unless the allowlist has it', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256');
    const pem = await exportSPKI(publicKey);
    const token = await sign(privateKey, 'PS256');
    expect(await refusal(createAssertionVerifier(config({ publicKeyPem: pem }), () => NOW).verify(token, EXPECTED))).toBe('algorithm');
    await expect(createAssertionVerifier(config({ publicKeyPem: pem, algorithms: ['PS256'] }), () => NOW).verify(token, EXPECTED)).resolves.toMatchObject({ customerId: 'CIF123' });
  });

  it('refuses an ES256 header on an RSA key (both allowed) as a bad signature', async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const verifier = createAssertionVerifier(config({ publicKeyPem: await exportSPKI(rsa.publicKey) }), () => NOW);
    expect(await refusal(verifier.verify(await sign(ec.privateKey, 'ES256'), EXPECTED))).toBe('signature');
  });

  it('refuses a configuration without a readable key at start', () => {
    expect(() => createAssertionVerifier(config({ publicKeyPem: 'not a pem' }), () => NOW)).toThrow(/publicKeyPem/);
    const keyless = { issuer: ISSUER, audience: 'cgw-bind', algorithms: ['RS256' as const], customerClaim: 'sub', maxAgeSeconds: 300 };
    expect(() => createAssertionVerifier(keyless, () => NOW)).toThrow(/publicKeyPem or jwksUrl/);
  });
});

describe('createAssertionVerifier with a JWKS', () => {
  let server: Server;
  let url: string;
  let keys: JWK[] = [];
  let status = 200;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("verifies against the bank's published key by kid, and refuses an unknown kid", async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    keys = [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }];
    const verifier = createAssertionVerifier(config({ jwksUrl: url }), () => NOW);
    await expect(verifier.verify(await sign(privateKey, 'ES256', {}, 'k1'), EXPECTED)).resolves.toMatchObject({ customerId: 'CIF123' });
    expect(await refusal(verifier.verify(await sign(privateKey, 'ES256', {}, 'k2'), EXPECTED))).toBe('unknown_key');
  });

  it('reports a JWKS that answers 500 or not at all as keys unavailable (retry), not as a bad assertion', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    status = 500;
    expect(await refusal(createAssertionVerifier(config({ jwksUrl: url }), () => NOW).verify(await sign(privateKey, 'ES256', {}, 'k1'), EXPECTED))).toBe('keys_unavailable');
    status = 200;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await refusal(createAssertionVerifier(config({ jwksUrl: deadUrl }), () => NOW).verify(await sign(privateKey, 'ES256', {}, 'k1'), EXPECTED))).toBe('keys_unavailable');
  });
});
