/**
 * `POST /cgi-bin/message/custom/send` (wechat-oa.md §5): a customer-service
 * message to one follower, allowed only inside an open window with quota
 * left (§5.1). Checks in order: payload, recipient (40003 never seen or
 * another account's, 45015 unfollowed), window (45015 closed, 45047 spent).
 */
import { oaEndpoint, oaOk, recipientProblem, type OaApiDeps } from './oa-endpoint';
import { CUSTOM_MSGTYPES, checkPayload } from './oa-payloads';

export const CUSTOM_SEND_PATH = '/cgi-bin/message/custom/send';

/** The endpoint's middleware. */
export function customSendEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'customSend', body: 'json' }, ({ appId, body }) => {
    const problem =
      checkPayload(body, CUSTOM_MSGTYPES, { appId, media: deps.media, limits: deps.limits, checkMedia: true }) ??
      recipientProblem(deps, appId, body.touser, 45015);
    if (problem) return problem;
    const openid = body.touser as string;
    const now = deps.clock.now();
    const window = deps.windows.spend(appId, openid, now);
    if (window !== 0) return { ok: false, errcode: window };
    deps.received.record({ product: 'oa', appId, path: CUSTOM_SEND_PATH, body, at: now, recipients: [openid] });
    return oaOk();
  });
}
