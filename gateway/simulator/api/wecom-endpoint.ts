/**
 * The steps every WeCom API call goes through before its own logic: HTTP
 * method (40058, which WeCom answers when a POST API is called with GET),
 * `access_token` (41001 missing, 40014 unknown, 42001 expired), the corp's
 * per-API rate (10,000/min, 150,000/h → 45009), the JSON body (40058).
 */
import type Koa from 'koa';
import { beijingDay, type Clock } from '../clock';
import type { Rng } from '../random';
import type { CallCounter } from '../state/call-counter';
import type { CustomerContacts } from '../state/customer-contacts';
import type { MemberRateLimit } from '../state/member-rate-limit';
import type { MessageIds } from '../state/message-ids';
import type { MsgauditState } from '../state/msgaudit';
import type { ReceivedLog } from '../state/received-log';
import type { WelcomeCodes } from '../state/welcome-codes';
import type { SimulatedCorp } from '../state/wecom-corps';
import type { WecomPrincipal, WecomTokenStore } from '../state/wecom-token-store';
import { normaliseIp } from '../token-store';
import { sendTencentJson } from '../token-server';
import { wecomErrorBody, type WecomErrcode } from '../wecom-error';
import { queryParam, readJsonBody } from './json-io';
import type { WecomLimits } from './wecom-limits';

/** Everything the WeCom endpoints read and change. */
export interface WecomApiDeps {
  clock: Clock;
  rng: Rng;
  corps: ReadonlyMap<string, SimulatedCorp>;
  /** Per corp, its customers: the configured ones plus those added at run time. */
  externalContacts: ReadonlyMap<string, ReadonlySet<string>>;
  tokens: WecomTokenStore;
  counter: CallCounter;
  limits: WecomLimits;
  received: ReceivedLog;
  memberRate: MemberRateLimit;
  welcomeCodes: WelcomeCodes;
  ids: MessageIds;
  msgaudit: MsgauditState;
  /** Customer follows, departed members, customer groups and transfers (customer hand-over). */
  contacts: CustomerContacts;
  /** Apply the takeovers due on the clock, so an answer reflects them (simulator-handover.ts). */
  settleTransfers(corpId: string): void;
}

export type WecomResult = { ok: true; body: Record<string, unknown> } | { ok: false; errcode: WecomErrcode; message?: string };

/** One authenticated call as handlers see it. */
export interface WecomCall {
  principal: WecomPrincipal;
  corp: SimulatedCorp;
  body: Record<string, unknown>;
  ctx: Koa.Context;
}

/** Shorthand for an error result; `detail` names what was wrong (WeCom's errmsg text, before the hint). */
export const wecomFail = (errcode: WecomErrcode, detail?: string): WecomResult => ({ ok: false, errcode, ...(detail !== undefined ? { message: detail } : {}) });

/** WeCom always includes errcode 0 and "ok" on success. */
export const wecomOk = (extra: Record<string, unknown> = {}): WecomResult => ({ ok: true, body: { errcode: 0, errmsg: 'ok', ...extra } });

/** Write a result the way WeCom does. */
export function sendWecomResult(ctx: Koa.Context, deps: Pick<WecomApiDeps, 'clock' | 'rng'>, result: WecomResult): void {
  if (result.ok) sendTencentJson(ctx, result.body);
  else sendTencentJson(ctx, wecomErrorBody(result.errcode, deps.clock, normaliseIp(ctx.ip), { ...(result.message !== undefined ? { message: result.message } : {}), rng: deps.rng }));
}

/**
 * Wrap `handler` (a POST JSON API, or with `method: 'GET'` one that reads only
 * its query: the body handed over is then empty) in the common steps; mount with `router.all`.
 */
export function wecomEndpoint(deps: WecomApiDeps, path: string, handler: (call: WecomCall) => WecomResult | Promise<WecomResult>, options: { method?: 'GET' | 'POST' } = {}): Koa.Middleware {
  return async (ctx) => sendWecomResult(ctx, deps, await run(deps, path, handler, ctx, options.method ?? 'POST'));
}

async function run(deps: WecomApiDeps, path: string, handler: (call: WecomCall) => WecomResult | Promise<WecomResult>, ctx: Koa.Context, method: 'GET' | 'POST'): Promise<WecomResult> {
  if (ctx.method !== method) return wecomFail(40058, `invalid Request Parameter: ${method} required`);
  const check = deps.tokens.check(queryParam(ctx, 'access_token'));
  if (check.errcode !== 0) return wecomFail(check.errcode);
  const { principal } = check;
  ctx.state.corpId = principal.corpId;
  const now = deps.clock.now();
  const scope = `wecom:${principal.corpId}:${path}`;
  if (!deps.counter.take(`${scope}:minute`, Math.floor(now / 60_000), deps.limits.perApiPerMinute)) return wecomFail(45009);
  if (!deps.counter.take(`${scope}:hour`, Math.floor(now / 3600_000), deps.limits.perApiPerHour)) return wecomFail(45009);
  if (method === 'GET') return handler({ principal, corp: deps.corps.get(principal.corpId) as SimulatedCorp, body: {}, ctx });
  const read = await readJsonBody(ctx);
  if (!read.ok) return wecomFail(40058, `invalid Request Parameter: body is ${read.reason === 'empty' ? 'empty' : 'not a JSON object'}`);
  return handler({ principal, corp: deps.corps.get(principal.corpId) as SimulatedCorp, body: read.body, ctx });
}

/** Beijing calendar month key and its number of days, for monthly caps. */
export function beijingMonth(epochMs: number): { key: string; days: number } {
  const day = new Date(beijingDay(epochMs) * 86_400_000);
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth();
  return { key: `${year}-${month + 1}`, days: new Date(Date.UTC(year, month + 1, 0)).getUTCDate() };
}
