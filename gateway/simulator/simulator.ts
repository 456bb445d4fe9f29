/**
 * The Tencent simulator: OA token and outbound API endpoints, OA web
 * authorization (OAuth2), pushes to the accounts' callback URLs with
 * Tencent's delivery rules, follower state, and a simulated WeCom (APIs,
 * chat-archive consent, callbacks) on a second listener. For gateway tests
 * it keeps a log of every message Tencent accepted (`received`), every call
 * (`calls`) and lets tests schedule faults per path (`faults`). Tests build
 * one per file; `npm start` in demo mode builds one and points demo traffic
 * at the gateway.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { assertAccountShape, createFollowerGenerator, type FollowerGenerator, type SimulatedAccount } from './accounts';
import { systemClock, type Clock } from './clock';
import { deliverPush, verifyUrl, type DeliveryReport, type UrlVerification } from './deliver';
import { FollowerRegistry, type Follower, type FollowSource } from './follower-registry';
import { readPushFacts } from './push-facts';
import { cryptoRng, seededRng, type Rng } from './random';
import { createOaSide, type OaOutboundOptions } from './simulator-oa';
import type { MsgauditMethods } from './simulator-msgaudit';
import type { HandoverMethods } from './simulator-handover';
import { createOauthSide, type OauthMethods } from './simulator-oauth';
import { createWecomSide, type NewExternalContact } from './simulator-wecom';
import type { WecomWebMethods } from './simulator-wecom-web'; // content sidebar
import { createWecomCallbacks, type WecomCallbackMethods } from './wecom-callbacks';
import { faultMiddleware } from './api/fault-middleware';
import type { WecomLimits } from './api/wecom-limits';
import { CallCounter } from './state/call-counter';
import { CallLog, type ApiCall } from './state/call-log';
import { FaultPlan } from './state/faults';
import type { OaMediaType } from './state/media-store';
import { MessageIds } from './state/message-ids';
import type { OauthLimits } from './state/oauth-grants';
import { ReceivedLog, type ApiProduct, type DroppedDelivery, type ReceivedFilter, type ReceivedMessage } from './state/received-log';
import type { QualifyingTrigger, ServiceWindow } from './state/service-window';
import type { SimulatedCorp } from './state/wecom-corps';
import type { WecomTokenCheck } from './state/wecom-token-store';
import { anyOaErrorBody } from './tencent-error';
import { createTokenRouter } from './token-server';
import { OaTokenStore, type TokenCheck, type TokenLimits } from './token-store';

export interface TencentSimulatorOptions extends OaOutboundOptions {
  accounts: readonly SimulatedAccount[];
  clock?: Clock;
  /** Per-attempt push deadline; Tencent's is 5 s, tests shorten it. */
  attemptTimeoutMs?: number;
  /** Attempts per push; Tencent makes 3. */
  maxAttempts?: number;
  tokenLimits?: Partial<TokenLimits>;
  /** Makes nonces, tokens, ids and follower openids reproducible. */
  seed?: string;
  /** Simulated WeCom corps, served by `wecomApp` / `listenWecom()`. */
  corps?: readonly SimulatedCorp[];
  wecomLimits?: Partial<WecomLimits>;
  /** OAuth code and web-token lifetimes, the access_token minute limit (defaults: Tencent's). */
  oauthLimits?: Partial<OauthLimits>;
}

export interface ListeningSimulator {
  /** Base URL to use as the Tencent API host, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

export interface TencentSimulator extends OauthMethods, MsgauditMethods, WecomCallbackMethods, HandoverMethods, WecomWebMethods {
  /** Koa app with the OA API (api.weixin.qq.com): token and outbound endpoints. */
  readonly app: Koa;
  /** Koa app with the WeCom API (qyapi.weixin.qq.com); a separate host because the paths collide with OA's. */
  readonly wecomApp: Koa;
  readonly clock: Clock;
  readonly tokens: OaTokenStore;
  /** Faults scheduled per API path, for both products. */
  readonly faults: FaultPlan;
  /** Serve the OA API (and the OAuth authorize page); the URL is what SDKs take as their API host. */
  listen(port?: number, host?: string): Promise<ListeningSimulator>;
  /** Serve the WeCom API on its own port. */
  listenWecom(port?: number, host?: string): Promise<ListeningSimulator>;
  /** Deliver a push built with `pushes.ts` to the account's callback URL. @throws Error for an unknown account or a push addressed elsewhere. */
  send(appId: string, pushXml: string): Promise<DeliveryReport>;
  /** Run the URL-verification handshake against the account's callback URL. */
  verifyUrl(appId: string): Promise<UrlVerification>;
  followers(appId: string): Follower[];
  /** An openid for a new follower of this account (not yet following: send a subscribe push, or `follow`). */
  newFollowerOpenid(appId: string): string;
  /** For API endpoints: is this access_token valid now, and for which account? */
  checkAccessToken(token: string | undefined): TokenCheck;
  account(appId: string): SimulatedAccount;
  readonly appIds: readonly string[];

  /** Messages Tencent accepted, oldest first: path, body, whose token, when, recipients. */
  received(filter?: ReceivedFilter): ReceivedMessage[];
  /** WeCom app-message deliveries dropped silently by the per-member rate limit. */
  dropped(filter?: { corpId?: string; agentId?: number; userid?: string }): DroppedDelivery[];
  /** Every API request and how it ended (status, errcode, fault), oldest first. */
  calls(filter?: { product?: ApiProduct; path?: string; appId?: string; corpId?: string }): ApiCall[];
  /** Wait until background pushes (OA job-finish events, WeCom msg_audit_approved) have been delivered. */
  settled(): Promise<void>;

  /**
   * The user follows now (or at `at`, epoch ms), as if a subscribe push had gone out;
   * `unionid` says which person it is (the same unionid at another account is the same person).
   * @throws Error when the openid is already another person's.
   */
  follow(appId: string, openid: string, options?: { at?: number; unionid?: string } & Partial<FollowSource>): void;
  /** The user unfollows; the account keeps knowing the openid (45015/43004 rather than 40003). */
  unfollow(appId: string, openid: string): void;
  /** Put a follower under a user tag (mass `tag_id`, `tagid_list`). */
  tagFollower(appId: string, openid: string, tagId: number): void;
  /** A qualifying user action opens a fresh service window of its kind (at `at`, epoch ms; default now). */
  recordQualifyingAction(appId: string, openid: string, trigger: QualifyingTrigger, at?: number): void;
  /** The user's service windows, open or closed. */
  serviceWindows(appId: string, openid: string): ServiceWindow[];
  registerTemplate(appId: string, templateId: string, dataKeys: readonly string[]): void;
  registerSubscribeTemplate(appId: string, templateId: string, dataKeys: readonly string[]): void;
  /** The user accepted a subscription template: one bizsend, or unlimited with `longTerm`. */
  grantSubscription(appId: string, openid: string, templateId: string, options?: { longTerm?: boolean }): void;
  /** Plant live temporary media without uploading; returns its media_id. */
  addMedia(appId: string, type: OaMediaType, filename?: string): string;

  readonly corpIds: readonly string[];
  corp(corpId: string): SimulatedCorp;
  checkWecomAccessToken(token: string | undefined): WecomTokenCheck;
  /** The corp's customers, configured and added. */
  externalContacts(corpId: string): string[];
  /** A member and a customer become contacts (add_external_contact): the customer's id and a 20-second WelcomeCode. */
  addExternalContact(corpId: string, userid: string, options?: { externalUserId?: string; state?: string }): NewExternalContact;
}

/** Build a simulator. @throws Error when an account or corp is malformed or listed twice, or options name an unknown account. */
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
  const accountOf = (appId: string): SimulatedAccount => {
    const account = accounts.get(appId);
    if (!account) throw new Error(`the simulator has no account ${appId}`);
    return account;
  };
  const tokens = new OaTokenStore([...accounts.values()], clock, { rng, ...(options.tokenLimits ? { limits: options.tokenLimits } : {}) });
  const registry = new FollowerRegistry();
  const received = new ReceivedLog();
  const calls = new CallLog();
  const faults = new FaultPlan();
  const counter = new CallCounter();
  const ids = new MessageIds(rng);
  const background = new Set<Promise<unknown>>();

  const send = async (appId: string, pushXml: string): Promise<DeliveryReport> => {
    const account = accountOf(appId);
    const facts = readPushFacts(pushXml);
    if (facts.toUserName !== account.originalId) {
      throw new Error(`push is addressed to ${facts.toUserName}, not to ${appId}'s ${account.originalId}`);
    }
    const createTime = /<CreateTime>(\d+)<\/CreateTime>/.exec(pushXml)?.[1];
    registry.observe(appId, facts, createTime === undefined ? Math.floor(clock.now() / 1000) : Number(createTime));
    oa.observePush(appId, pushXml, facts);
    return deliverPush(account, pushXml, {
      clock,
      rng,
      ...(options.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: options.attemptTimeoutMs } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    });
  };
  const track = (work: Promise<unknown>): void => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };
  const pushLater = (appId: string, xml: string): void => {
    // Tencent reports job results after it has answered the send; a failed delivery is the account server's problem.
    track(new Promise((resolve) => setImmediate(resolve)).then(() => send(appId, xml)).catch(() => undefined));
  };

  const newFollowerOpenid = (appId: string): string => (generators.get(accountOf(appId).appId) as FollowerGenerator).next();

  const oa = createOaSide({ clock, rng, tokens, followers: registry, received, counter, ids, account: accountOf, pushLater }, options);
  const oauth = createOauthSide(
    { clock, rng, followers: registry, counter, findAccount: (appId) => accounts.get(appId), account: accountOf, newOpenid: newFollowerOpenid },
    options.oauthLimits,
  );
  const wecomCallbacks = createWecomCallbacks({
    clock,
    rng,
    corp: (corpId) => wecom.corp(corpId),
    track,
    ...(options.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: options.attemptTimeoutMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const wecom = createWecomSide({ clock, rng, received, counter, ids, faults, calls, pushLater: wecomCallbacks.pushLater }, options.corps ?? [], options.wecomLimits);

  const app = new Koa();
  app.use(
    faultMiddleware({
      product: 'oa',
      faults,
      calls,
      clock,
      errorBody: (_ctx, errcode) => anyOaErrorBody(errcode, clock, rng),
    }),
  );
  const tokenRouter = createTokenRouter(tokens, clock);
  app.use(tokenRouter.routes());
  app.use(tokenRouter.allowedMethods());
  app.use(oa.router.routes());
  app.use(oauth.router.routes());

  return {
    app,
    wecomApp: wecom.app,
    clock,
    tokens,
    faults,
    appIds: [...accounts.keys()],
    account: accountOf,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host),
    listenWecom: (port = 0, host = '127.0.0.1') => listen(wecom.app, port, host),
    send,
    verifyUrl: (appId) =>
      verifyUrl(accountOf(appId), { clock, rng, ...(options.attemptTimeoutMs !== undefined ? { timeoutMs: options.attemptTimeoutMs } : {}) }),
    followers: (appId) => registry.list(accountOf(appId).appId),
    newFollowerOpenid,
    checkAccessToken: (token) => tokens.checkAccessToken(token),
    received: (filter) => received.list(filter),
    dropped: (filter) => received.dropped(filter),
    calls: (filter) => calls.list(filter),
    async settled() {
      while (background.size > 0) await Promise.all([...background]);
    },
    follow(appId, openid, { unionid, ...rest } = {}) {
      if (unionid !== undefined) oauth.linkUnionid(appId, openid, unionid);
      oa.follow(appId, openid, rest);
    },
    unfollow: oa.unfollow,
    tagFollower: oa.tagFollower,
    recordQualifyingAction: oa.recordQualifyingAction,
    serviceWindows: oa.serviceWindows,
    registerTemplate: oa.registerTemplate,
    registerSubscribeTemplate: oa.registerSubscribeTemplate,
    grantSubscription: oa.grantSubscription,
    addMedia: oa.addMedia,
    corpIds: wecom.corpIds,
    corp: wecom.corp,
    checkWecomAccessToken: wecom.checkWecomAccessToken,
    externalContacts: wecom.externalContacts,
    addExternalContact: wecom.addExternalContact,
    ...oauth.methods,
    ...wecom.msgaudit,
    ...wecom.handover,
    ...wecom.web, // content sidebar
    pushWecomEvent: wecomCallbacks.pushWecomEvent,
    verifyWecomUrl: wecomCallbacks.verifyWecomUrl,
    wecomCallbacks: wecomCallbacks.wecomCallbacks,
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
