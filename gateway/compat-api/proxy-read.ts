/**
 * The reads an app needs (user info), proxied to Tencent and archived: the
 * answer carries PII (openid, unionid, remark, tags), so the gateway keeps
 * what it handed to which app.
 */
import type { ParameterizedContext } from 'koa';
import { CompatError } from './compat-error';
import { OPENID } from '../../connectors/wechat/outbound/classify-oa';
import type { CompatDeps } from './compat-deps';
import type { TokenOwner } from './app-tokens';
import { readJsonBody } from './read-json-body';
import { randomUUID } from 'node:crypto';

/** OA read paths under /cgi-bin/ and their HTTP method. */
export const OA_READ_PATHS: Readonly<Record<string, 'GET' | 'POST'>> = {
  'user/info': 'GET',
  'user/info/batchget': 'POST',
};

/** Proxy one read and archive Tencent's answer. @throws CompatError for bad input; -1 when the archive cannot commit. */
export async function proxyRead(deps: CompatDeps, owner: TokenOwner, ctx: ParameterizedContext, path: string, method: 'GET' | 'POST'): Promise<Record<string, unknown>> {
  const target = { product: 'oa' as const, accountId: owner.accountId };
  let outcome;
  let request: Record<string, unknown>;
  if (method === 'GET') {
    const openid = ctx.query.openid;
    if (typeof openid !== 'string' || !OPENID.test(openid)) throw new CompatError(40003);
    const lang = typeof ctx.query.lang === 'string' && /^[a-zA-Z_]{2,8}$/.test(ctx.query.lang) ? ctx.query.lang : 'zh_CN';
    request = { openid, lang };
    outcome = await deps.outbound.tencent.get(target, `/cgi-bin/${path}`, { openid, lang }, deps.config.inlineTimeoutMs);
  } else {
    request = await readJsonBody(ctx.req, 64 * 1024);
    const list = request.user_list;
    if (!Array.isArray(list) || list.length === 0 || list.length > 100) throw new CompatError(47001, 'user_list must hold 1 to 100 entries');
    outcome = await deps.outbound.tencent.send(target, `/cgi-bin/${path}`, request, deps.config.inlineTimeoutMs);
  }
  const response = outcome.ok ? outcome.response : { errcode: outcome.errcode ?? -1, errmsg: outcome.errmsg };
  await deps.outbound.archive.append({
    recordType: 'oa.api.read',
    accountId: owner.accountId,
    subject: typeof request.openid === 'string' ? request.openid : null,
    occurredAtMs: deps.now(),
    dedupeKey: `oa.api.read|${randomUUID()}`,
    payload: { appId: owner.appId, path: `/cgi-bin/${path}`, request, response },
    outbox: [],
  });
  return response as Record<string, unknown>;
}
