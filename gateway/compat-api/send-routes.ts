/**
 * The Tencent-compatible API's send, read and status routes, and the
 * allowlist: a path not listed here is answered 48001 naming the path and is
 * never forwarded. Thin: authenticate the gateway token, read and classify
 * the body, call the command, answer Tencent's JSON.
 */
import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { classifyOaSend, OA_SEND_PATHS } from '../../connectors/wechat/outbound/classify-oa';
import { classifyWecomSend, WECOM_SEND_PATHS } from '../../connectors/wecom/outbound/classify-wecom';
import { OutboundShapeError } from '../../connectors/canonical/outbound-shape';
import type { ClassifiedOutbound } from '../../connectors/canonical/classified-outbound';
import { submitOutbound } from '../outbound/submit-outbound';
import { CompatError } from './compat-error';
import type { CompatDeps } from './compat-deps';
import { readJsonBody } from './read-json-body';
import { proxyRead, OA_READ_PATHS } from './proxy-read';
import type { TokenOwner } from './app-tokens';
import { reasonCodesOf } from '../db/entities';

/** The owner of the request's gateway token; a refusal is an `api.auth.failed` audit line. @throws CompatError 41001/40014/42001/40001 (AppTokens.verify). */
export async function authenticate(deps: CompatDeps, ctx: ParameterizedContext, accountId: string, product: 'oa' | 'wecom'): Promise<TokenOwner> {
  const token = typeof ctx.query.access_token === 'string' ? ctx.query.access_token : undefined;
  try {
    return await deps.tokens.verify(token, accountId, product);
  } catch (err) {
    if (err instanceof CompatError) {
      await deps.audit.record({ type: 'api.auth.failed', actor: { subject: 'unknown-app', via: 'app-token' }, target: `${product}:${accountId}`, outcome: 'denied', details: { errcode: err.errcode, route: String(ctx._matchedRoute ?? '') } });
    }
    throw err;
  }
}

function classify(product: 'oa' | 'wecom', path: string, body: Record<string, unknown>, deps: CompatDeps, accountId: string): ClassifiedOutbound {
  try {
    const c = product === 'oa' ? classifyOaSend(path, body) : classifyWecomSend(path, body);
    if (c.secret?.startsWith('agent:')) {
      const agentId = Number(c.secret.slice(6));
      if (!deps.corps.get(accountId)?.agents.some((a) => a.agentId === agentId)) throw new OutboundShapeError(40056, 'invalid agentid');
    }
    if (c.secret === 'contact' && !deps.corps.get(accountId)?.contactSecret) throw new OutboundShapeError(48001, 'api unauthorized: the corp has no customer-contact secret configured');
    return c;
  } catch (err) {
    if (err instanceof OutboundShapeError) throw new CompatError(err.errcode, err.detail);
    throw err;
  }
}

function answer(ctx: ParameterizedContext, body: Record<string, unknown>): void {
  ctx.status = 200;
  ctx.type = 'application/json';
  ctx.body = body;
}

/** Adds sends, reads and the status extension. */
export function addSendRoutes(router: Router, deps: CompatDeps): void {
  const send = (product: 'oa' | 'wecom', path: string) => async (ctx: ParameterizedContext) => {
    const accountId = String(ctx.params.accountId ?? ctx.params.corpId ?? '');
    const owner = await authenticate(deps, ctx, accountId, product);
    const app = deps.apps.get(owner.appId);
    if (!app || !app.sends.includes(accountId)) throw new CompatError(40001, 'token was issued for an app that may no longer send here');
    const body = await readJsonBody(ctx.req, deps.config.maxBodyBytes);
    const classified = classify(product, path, body, deps, accountId);
    try {
      answer(ctx, await submitOutbound(deps.outbound, { app, accountId, classified, body }));
    } catch (err) {
      if (err instanceof OutboundShapeError) throw new CompatError(err.errcode, err.detail);
      throw err;
    }
  };
  for (const path of Object.keys(OA_SEND_PATHS)) router.post(`/oa/:accountId/cgi-bin/${path}`, send('oa', path));
  for (const path of Object.keys(WECOM_SEND_PATHS)) router.post(`/wecom/:corpId/cgi-bin/${path}`, send('wecom', path));

  for (const [path, method] of Object.entries(OA_READ_PATHS)) {
    router.register(`/oa/:accountId/cgi-bin/${path}`, [method], async (ctx) => {
      const accountId = String(ctx.params.accountId ?? '');
      const owner = await authenticate(deps, ctx, accountId, 'oa');
      answer(ctx, await proxyRead(deps, owner, ctx, path, method));
    });
  }

  // Extension (documented in docs/outbound.md): where a held or queued message stands, for apps that look.
  const status = (product: 'oa' | 'wecom') => async (ctx: ParameterizedContext) => {
    const accountId = String(ctx.params.accountId ?? ctx.params.corpId ?? '');
    const owner = await authenticate(deps, ctx, accountId, product);
    const id = Number(ctx.query.msgid);
    const msg = Number.isSafeInteger(id) ? await deps.outbound.messages.get(id) : null;
    if (!msg || msg.appId !== owner.appId || msg.accountId !== accountId) throw new CompatError(40003, 'no such msgid for this app');
    answer(ctx, {
      errcode: 0, errmsg: 'ok', msgid: msg.id, cgw_msgid: String(msg.id), status: msg.status, kind: msg.kind,
      reason_codes: reasonCodesOf(msg), approvals: msg.approvalsCount, approvals_required: msg.approvalsRequired,
      expires_at: msg.expiresAt === null ? null : Math.floor(msg.expiresAt / 1000), tencent_errcode: msg.tencentErrcode, tencent_msgid: msg.tencentMsgid,
    });
  };
  router.get('/oa/:accountId/cgw/message/status', status('oa'));
  router.get('/wecom/:corpId/cgw/message/status', status('wecom'));
}
