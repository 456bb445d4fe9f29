// Test fixture: a real OpenID provider (oidc-provider 9, ESM only, hence a child process).
// Issues JWT access tokens through client_credentials + resource indicators; each client is a
// test identity whose SSO claims (roles, groups, name) are added with extraTokenClaims.
//
// Three providers on three ports, so the tests get real tokens for every failure they need:
//   main      the SSO the gateway trusts
//   rogue     the SAME issuer and key id, another private key   -> a token with a bad signature
//   imposter  main's keys, another issuer                        -> a validly signed token from the wrong issuer
//
// Input: argv[2] is JSON {clients: {[clientId]: {claims: {...}, ttlSeconds?: number}}, audiences: string[]}.
// Output: one JSON line on stdout {issuer, jwksUri, rogue, imposter} (token endpoints are <base>/token).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

const input = JSON.parse(process.argv[2] ?? '{}');
const identities = input.clients ?? {};
const audiences = new Set(input.audiences ?? []);
const CLIENT_SECRET = 'test-secret-not-used-elsewhere';

async function signingKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

function listen() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function provider(issuer, key) {
  const p = new Provider(issuer, {
    jwks: { keys: [key] },
    clients: Object.keys(identities).map((clientId) => ({
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        // Every audience the test names is a resource server that wants JWT access tokens.
        getResourceServerInfo: (_ctx, resource) => {
          if (!audiences.has(resource)) throw new Error(`unknown resource ${resource}`);
          return { scope: 'cgw', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    scopes: ['cgw'],
    ttl: { ClientCredentials: (_ctx, _token, client) => identities[client.clientId]?.ttlSeconds ?? 600 },
    extraTokenClaims: (_ctx, token) => identities[token.clientId]?.claims,
  });
  p.on('server_error', (_ctx, err) => process.stderr.write(`oidc server_error: ${err.message}\n`));
  return p;
}

const [mainServer, rogueServer, imposterServer] = await Promise.all([listen(), listen(), listen()]);
const base = (server) => `http://127.0.0.1:${server.address().port}`;
const issuer = base(mainServer);
const mainKey = await signingKey('cgw-test-key');
const rogueKey = await signingKey('cgw-test-key');

const mount = (server, p) => server.on('request', p.callback());
mount(mainServer, provider(issuer, mainKey));
mount(rogueServer, provider(issuer, rogueKey));
mount(imposterServer, provider(`${base(imposterServer)}/imposter`, mainKey));

process.stdout.write(`${JSON.stringify({ issuer, jwksUri: `${issuer}/jwks`, rogue: base(rogueServer), imposter: base(imposterServer) })}\n`);
process.on('SIGTERM', () => process.exit(0));
