/**
 * `POST /cgi-bin/message/subscribe/bizsend` (wechat-oa.md §7): a subscription
 * notice, allowed once per `accept` the user gave for the template (or always
 * for a long-term grant). Checks: recipient (40003 never seen or foreign),
 * template (40037), data (47003), consent (43101). Reading [S]: a user who
 * unfollowed keeps consents they gave, as the notice goes to the service
 * notifications, not the chat.
 */
import { oaEndpoint, oaFail, oaOk, type OaApiDeps } from './oa-endpoint';
import { templateDataProblem } from './oa-template-send';

export const SUBSCRIBE_SEND_PATH = '/cgi-bin/message/subscribe/bizsend';

/** The endpoint's middleware. */
export function subscribeSendEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'subscribeSend', body: 'json' }, ({ appId, body }) => {
    const openid = typeof body.touser === 'string' ? body.touser : '';
    if (deps.followers.status(appId, openid) === 'unknown') return oaFail(40003);
    const templateId = typeof body.template_id === 'string' ? body.template_id : '';
    const keys = deps.templates.dataKeys(appId, 'subscribe', templateId);
    if (!keys) return oaFail(40037);
    const dataProblem = templateDataProblem(body.data, keys);
    if (dataProblem) return dataProblem;
    if (!deps.templates.consume(appId, openid, templateId)) return oaFail(43101);
    deps.received.record({ product: 'oa', appId, path: SUBSCRIBE_SEND_PATH, body, at: deps.clock.now(), recipients: [openid] });
    return oaOk();
  });
}
