/**
 * The Tencent simulator (OA side): token endpoints over HTTP, pushes to the
 * accounts' callback URLs with Tencent's delivery rules, and follower state.
 * Tests build one per file; `npm start` in demo mode builds one and points
 * demo traffic at the gateway.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { assertAccountShape, createFollowerGenerator, type FollowerGenerator, type SimulatedAccount } from './accounts';
import { systemClock, type Clock } from './clock';
import { deliverPush, verifyUrl, type DeliveryReport, type UrlVerification } from './deliver';
import { FollowerRegistry, type Follower } from './follower-registry';
import { readPushFacts } from './push-facts';
import { cryptoRng, seededRng, type Rng } from './random';
import { createTokenApp } from './token-server';
import { OaTokenStore, type TokenCheck, type TokenLimits } from './token-store';

export interface TencentSimulatorOptions {
  accounts: readonly SimulatedAccount[];
  clock?: Clock;
  /** Per-attempt push deadline; Tencent's is 5 s, tests shorten it. */
  attemptTimeoutMs?: number;
  /** Attempts per push; Tencent makes 3. */
  maxAttempts?: number;
  tokenLimits?: Partial<TokenLimits>;
  /** Makes nonces, tokens and follower openids reproducible. */
  seed?: string;
}

export interface ListeningSimulator {
  /** Base URL to use as the Tencent API host, e.g. `http://127.0.0.1:40123`. */
  url: string;
  close(): Promise<void>;
}

export interface TencentSimulator {
  /** Koa app with the Tencent API endpoints (token endpoints for now). */
  readonly app: Koa;
  readonly clock: Clock;
  readonly tokens: OaTokenStore;
  listen(port?: number, host?: string): Promise<ListeningSimulator>;
  /** Deliver a push built with `pushes.ts` to the account's callback URL. @throws Error for an unknown account or a push addressed elsewhere. */
  send(appId: string, pushXml: string): Promise<DeliveryReport>;
  /** Run the URL-verification handshake against the account's callback URL. */
  verifyUrl(appId: string): Promise<UrlVerification>;
  followers(appId: string): Follower[];
  /** An openid for a new follower of this account (not yet following: send a subscribe push). */
  newFollowerOpenid(appId: string): string;
  /** For API endpoints: is this access_token valid now, and for which account? */
  checkAccessToken(token: string | undefined): TokenCheck;
  account(appId: string): SimulatedAccount;
  readonly appIds: readonly string[];
}

/** Build a simulator for `accounts`. @throws Error when an account is malformed or listed twice. */
export function createTencentSimulator(options: TencentSimulatorOptions): TencentSimulator {
  const clock = options.clock ?? systemClock;
  const rng: Rng = options.seed === undefined ? cryptoRng : seededRng(`simulator:${options.seed}`);
  const accounts = new Map<string, SimulatedAccount>();
  const generators = new Map<string, FollowerGenerator>();
  for (const account of options.accounts) {
    assertAccountShape(account);
    if (accounts.has(account.appId)) throw new Error(`account ${account.appId} is listed twice`);
    accounts.set(account.appId, account);
    generators.set(account.appId, createFollowerGenerator(account, options.seed === undefined ? {} : { seed: options.seed }));
  }
  const tokens = new OaTokenStore([...accounts.values()], clock, { rng, ...(options.tokenLimits ? { limits: options.tokenLimits } : {}) });
  const registry = new FollowerRegistry();
  const app = createTokenApp(tokens, clock);

  const accountOf = (appId: string): SimulatedAccount => {
    const account = accounts.get(appId);
    if (!account) throw new Error(`the simulator has no account ${appId}`);
    return account;
  };

  return {
    app,
    clock,
    tokens,
    appIds: [...accounts.keys()],
    account: accountOf,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host),
    async send(appId, pushXml) {
      const account = accountOf(appId);
      const facts = readPushFacts(pushXml);
      if (facts.toUserName !== account.originalId) {
        throw new Error(`push is addressed to ${facts.toUserName}, not to ${appId}'s ${account.originalId}`);
      }
      const createTime = /<CreateTime>(\d+)<\/CreateTime>/.exec(pushXml)?.[1];
      registry.observe(appId, facts, createTime === undefined ? Math.floor(clock.now() / 1000) : Number(createTime));
      return deliverPush(account, pushXml, {
        clock,
        rng,
        ...(options.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: options.attemptTimeoutMs } : {}),
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      });
    },
    verifyUrl: (appId) =>
      verifyUrl(accountOf(appId), { clock, rng, ...(options.attemptTimeoutMs !== undefined ? { timeoutMs: options.attemptTimeoutMs } : {}) }),
    followers: (appId) => registry.list(accountOf(appId).appId),
    newFollowerOpenid: (appId) => (generators.get(accountOf(appId).appId) as FollowerGenerator).next(),
    checkAccessToken: (token) => tokens.checkAccessToken(token),
  };
}

async function listen(app: Koa, port: number, host: string): Promise<ListeningSimulator> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
