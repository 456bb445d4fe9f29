/**
 * `POST /cgi-bin/message/template/send` (wechat-oa.md §6): a template message
 * to a follower, outside the 48-hour window. Checks: recipient (40003 never
 * seen or foreign, 43004 unfollowed), template (40037), data (47003 naming
 * the first missing or empty key). Answers a numeric `msgid`.
 *
 * `client_msg_id` (the reference's idempotency key): Tencent sends one
 * message per openid and key within 10 minutes. A repeat inside that time is
 * answered like the first — errcode 0 and the first msgid [S: the docs do not
 * show the repeat's answer] — and is not received again.
 */
import { isObject } from './json-io';
import { oaEndpoint, oaFail, oaOk, recipientProblem, type OaApiDeps, type OaResult } from './oa-endpoint';

export const TEMPLATE_SEND_PATH = '/cgi-bin/message/template/send';
export const CLIENT_MSG_ID_TTL_MS = 10 * 60_000;

/** 47003 for the first required key without a non-empty string `value`; undefined when all are there. */
export function templateDataProblem(data: unknown, keys: readonly string[]): OaResult | undefined {
  for (const key of keys) {
    const entry = isObject(data) ? data[key] : undefined;
    if (!isObject(entry) || typeof entry.value !== 'string' || entry.value === '') {
      return oaFail(47003, `argument invalid! data.${key}.value is empty`);
    }
  }
  return undefined;
}

/** The endpoint's middleware. */
export function templateSendEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'templateSend', body: 'json' }, ({ appId, body }) => {
    const recipient = recipientProblem(deps, appId, body.touser, 43004);
    if (recipient) return recipient;
    const templateId = typeof body.template_id === 'string' ? body.template_id : '';
    const keys = deps.templates.dataKeys(appId, 'template', templateId);
    if (!keys) return oaFail(40037);
    const dataProblem = templateDataProblem(body.data, keys);
    if (dataProblem) return dataProblem;
    const openid = body.touser as string;
    const now = deps.clock.now();
    const key = typeof body.client_msg_id === 'string' && body.client_msg_id !== '' ? `template\u0000${appId}\u0000${openid}\u0000${body.client_msg_id}` : undefined;
    const earlier = key === undefined ? undefined : deps.clientMsgIds.find(key, now, CLIENT_MSG_ID_TTL_MS);
    if (earlier) return oaOk({ msgid: earlier.msgid });
    const msgid = deps.ids.templateMsgId();
    if (key !== undefined) deps.clientMsgIds.remember(key, msgid, now);
    deps.received.record({ product: 'oa', appId, path: TEMPLATE_SEND_PATH, body, at: now, msgid: String(msgid), recipients: [openid] });
    deps.onTemplateAccepted?.(appId, openid, msgid);
    return oaOk({ msgid });
  });
}
