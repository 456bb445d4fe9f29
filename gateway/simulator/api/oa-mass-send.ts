/**
 * Mass sends (wechat-oa.md §11; 100 a day per account → 45009):
 *   POST /cgi-bin/message/mass/sendall  `filter: {is_to_all} | {tag_id}`
 *   POST /cgi-bin/message/mass/send     `touser: [openid…]`, 2 … 10,000 (40032 outside)
 *   POST /cgi-bin/message/mass/preview  `touser: openid` (its own 100/day [S])
 * Tencent answers at once and sends later; openids that do not follow are
 * filtered out, not refused (they count in MASSSENDJOBFINISH's FilterCount).
 * `msg_data_id` comes back only for mpnews, as the docs say.
 *
 * `clientmsgid` (sendall/send, ≤ 64 bytes, 45067 beyond): a second send with
 * the same key within 24 hours is refused with 45065 carrying the first
 * task's `msg_id`, or 45066 when it comes within a minute of the first. (When
 * no key is given Tencent derives one from scope and content [recalled]; the
 * simulator does not, so identical sends without a key both go out.)
 */
import { isObject } from './json-io';
import { oaEndpoint, oaFail, recipientProblem, type OaApiDeps, type OaCall, type OaResult } from './oa-endpoint';
import { MASS_MSGTYPES, checkPayload } from './oa-payloads';

export const MASS_SENDALL_PATH = '/cgi-bin/message/mass/sendall';
export const MASS_SEND_PATH = '/cgi-bin/message/mass/send';
export const MASS_PREVIEW_PATH = '/cgi-bin/message/mass/preview';
const CLIENTMSGID_TTL_MS = 24 * 3600_000;
const CLIENTMSGID_RETRY_MS = 60_000;

function payloadProblem(deps: OaApiDeps, { appId, body }: OaCall): OaResult | undefined {
  // Mass media ids name permanent material, which the simulator does not keep: presence only.
  return checkPayload(body, MASS_MSGTYPES, { appId, media: deps.media, limits: deps.limits, checkMedia: false });
}

/** 45067/45066/45065 for a reused or oversized `clientmsgid`; undefined when the send may go ahead. */
function clientMsgIdProblem(deps: OaApiDeps, { appId, body }: OaCall): OaResult | undefined {
  const clientMsgId = body.clientmsgid;
  if (clientMsgId === undefined || clientMsgId === '') return undefined;
  if (typeof clientMsgId !== 'string' || Buffer.byteLength(clientMsgId) > 64) return oaFail(45067);
  const now = deps.clock.now();
  const earlier = deps.clientMsgIds.find(`mass\u0000${appId}\u0000${clientMsgId}`, now, CLIENTMSGID_TTL_MS);
  if (!earlier) return undefined;
  return { ok: false, errcode: now - earlier.at < CLIENTMSGID_RETRY_MS ? 45066 : 45065, extra: { msg_id: earlier.msgid } };
}

function accept(deps: OaApiDeps, call: OaCall, path: string, recipients: string[], filtered: number): OaResult {
  const reused = clientMsgIdProblem(deps, call);
  if (reused) return reused;
  const msgId = deps.ids.massMsgId();
  const clientMsgId = call.body.clientmsgid;
  if (typeof clientMsgId === 'string' && clientMsgId !== '') deps.clientMsgIds.remember(`mass\u0000${call.appId}\u0000${clientMsgId}`, msgId, deps.clock.now());
  const dataId = call.body.msgtype === 'mpnews' ? { msg_data_id: deps.ids.massDataId() } : {};
  deps.received.record({ product: 'oa', appId: call.appId, path, body: call.body, at: deps.clock.now(), msgid: String(msgId), recipients });
  deps.onMassAccepted?.(call.appId, msgId, recipients, filtered);
  return { ok: true, body: { errcode: 0, errmsg: 'send job submission success', msg_id: msgId, ...dataId } };
}

/** `mass/sendall`: everyone, or everyone under one tag. */
export function massSendAllEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'mass', body: 'json' }, (call) => {
    const problem = payloadProblem(deps, call);
    if (problem) return problem;
    const filter = call.body.filter;
    if (!isObject(filter)) return oaFail(47001, 'data format error: filter is missing');
    if (filter.is_to_all === true) return accept(deps, call, MASS_SENDALL_PATH, deps.followers.list(call.appId).map((f) => f.openid), 0);
    const tagId = Number(filter.tag_id);
    if (filter.tag_id === undefined || !Number.isInteger(tagId)) return oaFail(47001, 'data format error: filter.tag_id is missing');
    return accept(deps, call, MASS_SENDALL_PATH, deps.followers.withTag(call.appId, tagId), 0);
  });
}

/** `mass/send`: a list of openids. */
export function massSendEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'mass', body: 'json' }, (call) => {
    const problem = payloadProblem(deps, call);
    if (problem) return problem;
    const touser = call.body.touser;
    if (!Array.isArray(touser) || touser.some((o) => typeof o !== 'string')) return oaFail(47001, 'data format error: touser must be a list of openids');
    const { massMinRecipients: min, massMaxRecipients: max } = deps.limits;
    if (touser.length < min || touser.length > max) return oaFail(40032, `invalid openid list size, ${touser.length} not in ${min}..${max}`);
    const unique = [...new Set(touser as string[])];
    const recipients = unique.filter((openid) => deps.followers.isFollowing(call.appId, openid));
    return accept(deps, call, MASS_SEND_PATH, recipients, unique.length - recipients.length);
  });
}

/** `mass/preview`: one follower (or a WeChat id, `towxname`, which the simulator takes on trust). */
export function massPreviewEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'massPreview', body: 'json' }, (call) => {
    const problem = payloadProblem(deps, call);
    if (problem) return problem;
    const wxname = call.body.towxname;
    if (call.body.touser === undefined && typeof wxname === 'string' && wxname !== '') return preview(deps, call, wxname);
    return recipientProblem(deps, call.appId, call.body.touser, 43004) ?? preview(deps, call, call.body.touser as string);
  });
}

function preview(deps: OaApiDeps, call: OaCall, recipient: string): OaResult {
  const msgId = deps.ids.massMsgId();
  deps.received.record({ product: 'oa', appId: call.appId, path: MASS_PREVIEW_PATH, body: call.body, at: deps.clock.now(), msgid: String(msgId), recipients: [recipient] });
  return { ok: true, body: { errcode: 0, errmsg: 'preview success', msg_id: msgId } };
}
