/**
 * The steps every OA API call goes through before its own logic, in
 * Tencent's order: HTTP method (43001/43002), `access_token` from the query
 * string (41001 missing, 40014 unknown, 42001 expired, 40001 superseded — the
 * token store's own checks), the account's daily quota for the API (45009),
 * then the JSON body (44002 empty, 47001 unparsable).
 */
import type Koa from 'koa';
import { beijingDay, type Clock } from '../clock';
import type { FollowerRegistry } from '../follower-registry';
import type { Rng } from '../random';
import type { CallCounter } from '../state/call-counter';
import type { ClientMsgIds } from '../state/client-msg-ids';
import type { MediaStore } from '../state/media-store';
import type { MessageIds } from '../state/message-ids';
import type { ReceivedLog } from '../state/received-log';
import type { ServiceWindows } from '../state/service-window';
import type { TemplateRegistry } from '../state/templates';
import { oaErrorBody, type OaErrcode } from '../tencent-error';
import { sendTencentJson } from '../token-server';
import type { OaTokenStore } from '../token-store';
import { queryParam, readJsonBody } from './json-io';
import type { OaDailyQuotas, OaMessageLimits } from './oa-limits';

/** Everything the OA endpoints read and change. */
export interface OaApiDeps {
  clock: Clock;
  rng: Rng;
  tokens: OaTokenStore;
  followers: FollowerRegistry;
  windows: ServiceWindows;
  media: MediaStore;
  templates: TemplateRegistry;
  counter: CallCounter;
  quotas: OaDailyQuotas;
  limits: OaMessageLimits;
  received: ReceivedLog;
  ids: MessageIds;
  clientMsgIds: ClientMsgIds;
  /** Called after a template message was accepted (the simulator pushes TEMPLATESENDJOBFINISH when asked to). */
  onTemplateAccepted?(appId: string, openid: string, msgid: number): void;
  /** Called after a mass send was accepted (MASSSENDJOBFINISH). */
  onMassAccepted?(appId: string, msgId: number, recipients: readonly string[], filtered: number): void;
}

/** An endpoint's answer: a success body (errcode added when Tencent includes one) or an error, sometimes with fields (45065's msg_id). */
export type OaResult = { ok: true; body: Record<string, unknown> } | { ok: false; errcode: OaErrcode; message?: string; extra?: Record<string, unknown> };

/** One authenticated call as handlers see it. */
export interface OaCall {
  appId: string;
  /** The parsed JSON body (empty for GET and multipart endpoints). */
  body: Record<string, unknown>;
  ctx: Koa.Context;
}

export interface OaEndpointSpec {
  method: 'GET' | 'POST';
  quota: keyof OaDailyQuotas;
  /** `json` parses the body first; `raw` leaves the stream to the handler (multipart). */
  body: 'json' | 'none' | 'raw';
}

/** Shorthand for an error result. */
export const oaFail = (errcode: OaErrcode, message?: string): OaResult => ({ ok: false, errcode, ...(message !== undefined ? { message } : {}) });

/** Shorthand for Tencent's `{"errcode":0,"errmsg":"ok", …}`. */
export const oaOk = (extra: Record<string, unknown> = {}): OaResult => ({ ok: true, body: { errcode: 0, errmsg: 'ok', ...extra } });

/** Wrap `handler` in the common steps; mount with `router.all(path, …)` so a wrong method gets Tencent's answer. */
export function oaEndpoint(deps: OaApiDeps, spec: OaEndpointSpec, handler: (call: OaCall) => OaResult | Promise<OaResult>): Koa.Middleware {
  return async (ctx) => {
    const result = await run(deps, spec, handler, ctx);
    if (result.ok) sendTencentJson(ctx, result.body);
    else {
      const error = oaErrorBody(result.errcode, deps.clock, result.message === undefined ? { rng: deps.rng } : { message: result.message, rng: deps.rng });
      sendTencentJson(ctx, { ...error, ...result.extra });
    }
  };
}

async function run(deps: OaApiDeps, spec: OaEndpointSpec, handler: (call: OaCall) => OaResult | Promise<OaResult>, ctx: Koa.Context): Promise<OaResult> {
  if (ctx.method !== spec.method) return oaFail(spec.method === 'POST' ? 43002 : 43001);
  const check = deps.tokens.checkAccessToken(queryParam(ctx, 'access_token'));
  if (check.errcode !== 0) return oaFail(check.errcode);
  ctx.state.appId = check.appId;
  const day = beijingDay(deps.clock.now());
  if (!deps.counter.take(`oa:${check.appId}:${spec.quota}`, day, deps.quotas[spec.quota])) return oaFail(45009);
  let body: Record<string, unknown> = {};
  if (spec.body === 'json') {
    const read = await readJsonBody(ctx);
    if (!read.ok) return oaFail(read.reason === 'empty' ? 44002 : 47001);
    body = read.body;
  }
  return handler({ appId: check.appId, body, ctx });
}

/**
 * The recipient check shared by the message endpoints: 40003 for an openid the
 * account never saw (or another account's), `unfollowedErrcode` for one who
 * left; undefined when the user follows.
 */
export function recipientProblem(deps: OaApiDeps, appId: string, openid: unknown, unfollowedErrcode: 43004 | 45015): OaResult | undefined {
  if (typeof openid !== 'string' || openid === '') return oaFail(40003);
  const status = deps.followers.status(appId, openid);
  if (status === 'unknown') return oaFail(40003);
  if (status === 'unfollowed') return oaFail(unfollowedErrcode);
  return undefined;
}
