/**
 * OA web authorization (网页授权, wechat-oa.md §10) in the simulator: the
 * people behind openids (unionids, snapshot users), codes and web tokens, the
 * routes, and the methods tests drive them with.
 */
import type Router from '@koa/router';
import type { SimulatedAccount } from './accounts';
import type { Clock } from './clock';
import type { FollowerRegistry } from './follower-registry';
import type { Rng } from './random';
import { createOauthRouter } from './api/oauth-routes';
import type { OauthAuthorization, OauthDeps } from './api/oauth-common';
import { unionidFor } from './api/sns-access-token';
import type { CallCounter } from './state/call-counter';
import { OauthGrants, type OauthLimits } from './state/oauth-grants';
import { WechatPeople } from './state/wechat-people';
import { WECHAT_USER_COOKIE, wechatUserCookieValue } from './wechat-client';

export type { OauthAuthorization } from './api/oauth-common';

/** What tests and the gateway's harness call for web authorization. */
export interface OauthMethods {
  /** `cgwsim_wechat_user=<appId>:<openid>`: a Cookie header value that makes the browser this WeChat user. @throws Error for an unknown account or a malformed openid. */
  wechatUserCookie(appId: string, openid: string): string;
  /** The person's unionid as OAuth discloses it at `appId` (undefined for snapshot users and accounts not bound to the Open Platform). */
  unionid(appId: string, openid: string): string | undefined;
  /** The same person's openid at `appIdB` (minted on first use, with the same unionid). @throws Error for an unknown account. */
  samePerson(appIdA: string, openidA: string, appIdB: string): string;
  /** Make the openid a snapshot-page virtual account: OAuth answers `is_snapshotuser: 1` and no unionid. */
  markSnapshotUser(appId: string, openid: string): void;
  /** Every code the authorize page issued, oldest first. */
  oauthAuthorizations(filter?: { appId?: string; openid?: string }): OauthAuthorization[];
}

export interface OauthSideBase {
  clock: Clock;
  rng: Rng;
  followers: FollowerRegistry;
  counter: CallCounter;
  findAccount(appId: string): SimulatedAccount | undefined;
  account(appId: string): SimulatedAccount;
  newOpenid(appId: string): string;
}

/** OAuth state, router and methods. */
export function createOauthSide(base: OauthSideBase, limits: Partial<OauthLimits> = {}) {
  const people = new WechatPeople(base.rng);
  const authorizations: OauthAuthorization[] = [];
  const deps: OauthDeps = {
    clock: base.clock,
    rng: base.rng,
    grants: new OauthGrants(base.clock, base.rng, limits),
    people,
    followers: base.followers,
    counter: base.counter,
    findAccount: base.findAccount,
    newOpenid: base.newOpenid,
    authorizations,
  };
  const methods: OauthMethods = {
    wechatUserCookie(appId, openid) {
      return `${WECHAT_USER_COOKIE}=${wechatUserCookieValue({ appId: base.account(appId).appId, openid })}`;
    },
    unionid: (appId, openid) => unionidFor(deps, base.account(appId).appId, openid),
    samePerson: (appIdA, openidA, appIdB) => people.samePerson(base.account(appIdA).appId, openidA, base.account(appIdB).appId, () => base.newOpenid(appIdB)),
    markSnapshotUser(appId, openid) {
      people.markSnapshot(base.account(appId).appId, openid);
    },
    oauthAuthorizations: (filter = {}) =>
      authorizations.filter((a) => (filter.appId === undefined || a.appId === filter.appId) && (filter.openid === undefined || a.openid === filter.openid)).map((a) => ({ ...a })),
  };
  return {
    router: createOauthRouter(deps) as Router,
    methods,
    /** `follow(…, { unionid })`: the openid is that person. */
    linkUnionid: (appId: string, openid: string, unionid: string): void => people.link(base.account(appId).appId, openid, unionid),
  };
}
