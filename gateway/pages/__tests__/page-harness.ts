/**
 * The page routes on a real HTTP listener with fake ports, a controllable
 * clock, a captured log, and a minimal cookie-keeping client per "browser".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pino from 'pino';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { MemoryKeyStore } from '../../archive/crypto/memory-key-store';
import { blindIndex } from '../../archive/crypto/blind-index';
import { bindConfigSchema, type BindConfig } from '../../consent/config';
import { REDACTED_KEYS } from '../../observability/logger';
import { captureStream } from '../../../test/log-capture';
import { createAssertionVerifier } from '../bind-assertion';
import { consentPages } from '../consent-pages';
import type { PageDeps } from '../page-deps';
import { pageSessionKey } from '../page-session';
import { FakeAudit, FakeBindings, FakeLedger, FakeNotices, FakeOAuth, FakePageStates } from './fakes';

export const ACCOUNT = { id: 'main-oa', appId: 'wx0123456789abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
export const OTHER_ACCOUNT = { id: 'other-oa', appId: 'wxfedcba9876543210', appSecret: 'fedcba9876543210fedcba9876543210' };
export const BANK_LOGIN = 'https://login.bank.example/wechat-bind';
export const ISSUER = 'https://login.bank.example';

export interface PageHarness {
  url: string;
  deps: PageDeps;
  ledger: FakeLedger;
  notices: FakeNotices;
  bindings: FakeBindings;
  states: FakePageStates;
  oauth: FakeOAuth;
  audit: FakeAudit;
  logLines: string[];
  clock: { now: number };
  bankKey: CryptoKey;
  /** Sign an assertion as the bank (defaults: valid for `state`). */
  sign(claims: JWTPayload, options?: { key?: CryptoKey; alg?: string; iat?: number; exp?: number }): Promise<string>;
  browser(): Browser;
  close(): Promise<void>;
}

export interface Browser {
  cookies: Map<string, string>;
  fetch(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
  /** Through OAuth as `openid`: the consent (or bind) page's first redirect, WeChat's code, the callback. Returns the page's follow-up location. */
  login(openid: string, flow?: 'consent' | 'bind', extra?: { unionid?: string }): Promise<string>;
}

export interface PageHarnessOptions {
  publicBaseUrl?: string;
  bind?: Partial<BindConfig> | null;
}

/** Start the pages with fakes. */
export async function startPageHarness(options: PageHarnessOptions = {}): Promise<PageHarness> {
  const clock = { now: Date.UTC(2025, 0, 15, 2, 0, 0) };
  const now = () => clock.now;
  const notices = new FakeNotices();
  const ledger = new FakeLedger(notices);
  const bindings = new FakeBindings();
  const states = new FakePageStates(now);
  const oauth = new FakeOAuth();
  const audit = new FakeAudit();
  const capture = captureStream();
  const logger = pino({ level: 'debug', redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' } }, capture);
  const keyStore = new MemoryKeyStore();
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const bind = options.bind === null ? bindConfigSchema.parse({}) : bindConfigSchema.parse({
    loginUrl: BANK_LOGIN,
    assertion: { issuer: ISSUER, publicKeyPem: await exportSPKI(publicKey), customerClaim: 'cif' },
    ...options.bind,
  });

  let server: Server | undefined;
  const app = new Koa();
  // The URL is needed before the middleware exists (it is the public base URL); Koa composes at callback().
  let handle: ReturnType<Koa['callback']> | undefined;
  const listening = await new Promise<Server>((resolve) => {
    const s = createServer((req, res) => void handle!(req, res)).listen(0, '127.0.0.1', () => resolve(s));
  });
  server = listening;
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  const indexKey = keyStore.indexKey();
  const deps: PageDeps = {
    accounts: new Map([ACCOUNT, OTHER_ACCOUNT].map((a) => [a.id, a])),
    consent: { publicBaseUrl: options.publicBaseUrl ?? url, oauthStateTtlSeconds: 600, pageSessionTtlSeconds: 900 },
    bind,
    ledger, notices, bindings, pageStates: states, oauth,
    assertions: bind.loginUrl && bind.assertion ? createAssertionVerifier(bind.assertion, now) : null,
    sessionKey: pageSessionKey(indexKey),
    subjectIndex: (id) => blindIndex(indexKey, 'subject', id),
    customerIndex: (id) => blindIndex(indexKey, 'customer', id),
    audit, logger, now,
  };
  app.use(consentPages(deps));
  app.use((ctx) => {
    ctx.status = 418;
  });
  handle = app.callback();

  const browser = (): Browser => {
    const cookies = new Map<string, string>();
    const self: Browser = {
      cookies,
      async fetch(path, init = {}) {
        const headers: Record<string, string> = { ...(init.headers ?? {}) };
        if (cookies.size > 0 && headers.cookie === undefined) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const response = await fetch(path.startsWith('http') ? path : url + path, { ...init, headers, redirect: 'manual' });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const eq = pair!.indexOf('=');
          const value = pair!.slice(eq + 1);
          if (value === '' || /Max-Age=0/i.test(line)) cookies.delete(pair!.slice(0, eq));
          else cookies.set(pair!.slice(0, eq), value);
        }
        return response;
      },
      async login(openid, flow = 'consent', extra = {}) {
        const start = await self.fetch(`/p/${ACCOUNT.id}/${flow}`);
        if (start.status !== 302) throw new Error(`expected the OAuth redirect, got ${start.status}`);
        const authorize = new URL(start.headers.get('location')!);
        const state = authorize.searchParams.get('state')!;
        const code = oauth.codeFor(openid, extra.unionid ? { unionid: extra.unionid } : {});
        const back = await self.fetch(`/p/${ACCOUNT.id}/oauth?code=${code}&state=${state}`);
        if (back.status !== 302) throw new Error(`expected the page redirect after OAuth, got ${back.status}: ${await back.text()}`);
        return back.headers.get('location')!;
      },
    };
    return self;
  };

  return {
    url, deps, ledger, notices, bindings, states, oauth, audit, logLines: capture.lines, clock, bankKey: privateKey,
    async sign(claims, opts = {}) {
      const iat = opts.iat ?? Math.floor(clock.now / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: opts.alg ?? 'ES256' })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
        .setAudience(claims.aud ?? 'cgw-bind')
        .setIssuedAt(iat)
        .setExpirationTime(opts.exp ?? iat + 120)
        .sign(opts.key ?? privateKey);
    },
    browser,
    close: () => new Promise<void>((resolve) => {
      server!.close(() => resolve());
      server!.closeAllConnections();
    }),
  };
}

/** The form token and lang of a rendered consent page. */
export function formFields(html: string): { token: string; lang: string } {
  const token = /name="token" value="([A-Za-z0-9]+)"/.exec(html)?.[1];
  const lang = /name="lang" value="([^"]+)"/.exec(html)?.[1];
  if (!token || !lang) throw new Error('no consent form in the page');
  return { token, lang };
}
