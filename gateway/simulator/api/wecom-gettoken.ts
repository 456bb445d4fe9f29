/**
 * `GET /cgi-bin/gettoken?corpid=&corpsecret=` (wecom.md §2): the same token
 * while it is valid, one per secret. 41002 no corpid, 40013 unknown corpid,
 * 41004 no secret, 40001 a secret of none of the corp's apps.
 */
import type Koa from 'koa';
import { queryParam } from './json-io';
import { sendWecomResult, wecomFail, wecomOk, type WecomApiDeps } from './wecom-endpoint';

export const GETTOKEN_PATH = '/cgi-bin/gettoken';

/** The endpoint's middleware. */
export function getTokenEndpoint(deps: WecomApiDeps): Koa.Middleware {
  return (ctx) => {
    const grant = deps.tokens.issue(queryParam(ctx, 'corpid'), queryParam(ctx, 'corpsecret'));
    if (grant.ok) ctx.state.corpId = grant.principal.corpId;
    sendWecomResult(ctx, deps, grant.ok ? wecomOk({ access_token: grant.accessToken, expires_in: grant.expiresIn }) : wecomFail(grant.errcode));
  };
}
