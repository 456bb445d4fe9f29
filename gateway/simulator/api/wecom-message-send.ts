/**
 * `POST /cgi-bin/message/send` (wecom.md §3): an app message to members.
 * Checks in order: agentid (41011 missing, 301002 when the token is not that
 * app's), payload, recipients (82001 none given, 40032/82002/82003 over
 * 1000/100/100, 81013 all invalid). Invalid parts are listed lower-cased in
 * `invaliduser`/`invalidparty`/`invalidtag` while the rest is sent. Per app
 * and member, deliveries over 30/min or 1000/h are dropped without an error
 * and written to the dropped log.
 */
import type { SimulatedCorp } from '../state/wecom-corps';
import { INTERACTIVE_CARD_TYPES, checkWecomMessage } from './wecom-payloads';
import { wecomEndpoint, wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';

export const MESSAGE_SEND_PATH = '/cgi-bin/message/send';

const split = (value: unknown): string[] =>
  typeof value === 'string' || typeof value === 'number'
    ? String(value)
        .split('|')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];

interface Resolved {
  members: string[];
  invalidUsers: string[];
  invalidParties: string[];
  invalidTags: string[];
}

/** Expand touser/toparty/totag into member userids (lower-cased, WeCom userids being case-insensitive). */
function resolveRecipients(corp: SimulatedCorp, users: string[], parties: string[], tags: string[]): Resolved {
  const memberIds = new Set(corp.members.map((m) => m.toLowerCase()));
  const members = new Set<string>();
  const invalidUsers: string[] = [];
  for (const user of users) {
    if (user === '@all') corp.members.forEach((m) => members.add(m.toLowerCase()));
    else if (memberIds.has(user.toLowerCase())) members.add(user.toLowerCase());
    else invalidUsers.push(user.toLowerCase());
  }
  const expand = (ids: string[], groups: Readonly<Record<string, readonly string[]>> | undefined): string[] => {
    const invalid: string[] = [];
    for (const id of ids) {
      const group = groups?.[id];
      if (group) group.forEach((m) => members.add(m.toLowerCase()));
      else invalid.push(id);
    }
    return invalid;
  };
  const invalidParties = expand(parties, corp.parties);
  const invalidTags = expand(tags, corp.tags);
  return { members: [...members], invalidUsers, invalidParties, invalidTags };
}

/** The endpoint's middleware. */
export function messageSendEndpoint(deps: WecomApiDeps) {
  return wecomEndpoint(deps, MESSAGE_SEND_PATH, ({ principal, corp, body }): WecomResult => {
    if (body.agentid === undefined || body.agentid === '') return wecomFail(41011);
    const agentId = Number(body.agentid);
    if (principal.kind !== 'agent' || principal.agentId !== agentId) return wecomFail(301002);
    const payloadProblem = checkWecomMessage(body, deps.limits.textMaxBytes);
    if (payloadProblem) return payloadProblem;

    const users = split(body.touser);
    const parties = split(body.toparty);
    const tags = split(body.totag);
    if (users.length + parties.length + tags.length === 0) return wecomFail(82001);
    if (users.length > deps.limits.touserMax) return wecomFail(40032, `invalid userid list size: ${users.length} > ${deps.limits.touserMax}`);
    if (parties.length > deps.limits.topartyMax) return wecomFail(82002, `invalid party list size: ${parties.length} > ${deps.limits.topartyMax}`);
    if (tags.length > deps.limits.totagMax) return wecomFail(82003, `invalid tag list size: ${tags.length} > ${deps.limits.totagMax}`);
    const resolved = resolveRecipients(corp, users, parties, tags);
    if (resolved.members.length === 0) return wecomFail(81013);

    const now = deps.clock.now();
    const msgid = deps.ids.wecomMsgId();
    deps.received.record({ product: 'wecom', corpId: corp.corpId, agentId, path: MESSAGE_SEND_PATH, body, at: now, msgid, recipients: resolved.members });
    for (const userid of resolved.members) {
      const verdict = deps.memberRate.deliver(corp.corpId, agentId, userid, now);
      if (verdict !== 'delivered') deps.received.recordDrop({ corpId: corp.corpId, agentId, userid, msgid, at: now, reason: verdict });
    }
    const card = body.template_card as { card_type?: unknown } | undefined;
    const interactive = body.msgtype === 'template_card' && INTERACTIVE_CARD_TYPES.includes(String(card?.card_type));
    return wecomOk({
      ...(resolved.invalidUsers.length ? { invaliduser: resolved.invalidUsers.join('|') } : {}),
      ...(resolved.invalidParties.length ? { invalidparty: resolved.invalidParties.join('|') } : {}),
      ...(resolved.invalidTags.length ? { invalidtag: resolved.invalidTags.join('|') } : {}),
      msgid,
      ...(interactive ? { response_code: deps.ids.responseCode() } : {}),
    });
  });
}
