/**
 * WeCom for pages inside the WeCom client (the gateway's content sidebar):
 * web authorization, JS-SDK tickets and temporary media (api/wecom-web.ts,
 * state/wecom-web.ts), and the methods tests use to look at them.
 */
import type Koa from 'koa';
import type { WecomApiDeps } from './api/wecom-endpoint';
import { createWecomWebRouter, WECOM_USER_COOKIE, wecomUserCookieValue } from './api/wecom-web';
import { DEFAULT_WECOM_WEB_LIMITS, WecomWebState, type IssuedTicket, type StoredWecomMedia, type WecomWebLimits } from './state/wecom-web';

/** What tests ask the simulator about WeCom web pages. */
export interface WecomWebMethods {
  /** The Cookie header (`cgwsim_wecom_user=<corpId>:<userid>`) that makes the simulated WeCom client `userid`, for the WeCom listener. */
  wecomUserCookie(corpId: string, userid: string): string;
  /** Every jsapi_ticket WeCom issued for the corp (the corp's and each app's), oldest first. */
  jsapiTickets(corpId: string): IssuedTicket[];
  /** Ticket calls the corp made this hour (400 per hour allowed). */
  jsapiTicketFetches(corpId: string): number;
  /** Temporary media the corp's apps uploaded, with the md5 of each file. */
  wecomUploads(corpId: string): StoredWecomMedia[];
}

/** The state, the routes mounted on `app` after its own, and the methods. */
export function createWecomWebSide(deps: WecomApiDeps, limits: Partial<WecomWebLimits> = {}) {
  const state = new WecomWebState(deps.clock, deps.rng, { ...DEFAULT_WECOM_WEB_LIMITS, ...limits });
  const router = createWecomWebRouter(deps, state);
  const methods: WecomWebMethods = {
    wecomUserCookie: (corpId, userid) => `${WECOM_USER_COOKIE}=${wecomUserCookieValue(corpId, userid)}`,
    jsapiTickets: (corpId) => state.issuedTickets(corpId),
    jsapiTicketFetches: (corpId) => state.ticketFetches(corpId),
    wecomUploads: (corpId) => state.uploads(corpId),
  };
  return {
    state,
    methods,
    /** Mount the routes on the WeCom app (after its own: they are new paths). */
    mount(app: Koa): Koa {
      app.use(router.routes());
      return app;
    },
  };
}
