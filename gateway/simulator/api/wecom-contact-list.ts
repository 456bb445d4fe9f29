/**
 * Who has which customers and groups (wecom.md §4.1, §4.2, §4.7), contact secret only (48002):
 *
 *   GET  /cgi-bin/externalcontact/get_follow_user_list → {"follow_user":[userid…]}
 *        members in service [S: every one of them has the 客户联系 feature]
 *   GET  /cgi-bin/externalcontact/list?userid=RM → {"external_userid":["wm…"]}
 *        41009 no userid; 60111 unknown or departed member; 84061 a member
 *        without customers [C: what WeCom answers then]
 *   POST /cgi-bin/externalcontact/groupchat/list {"status_filter","owner_filter":{"userid_list"},"cursor","limit"}
 *        → {"group_chat_list":[{"chat_id","status"}],"next_cursor"}; limit 1 … 1000
 *        and status_filter 0 … 3 (40058 otherwise [S]); next_cursor empty on the last page
 *   POST /cgi-bin/externalcontact/groupchat/get {"chat_id"} → {"group_chat":{chat_id, name, owner,
 *        create_time, notice, member_list[{userid, type, join_time, join_scene}], admin_list}};
 *        an unknown chat_id 40058 [S]
 */
import { isObject, nonEmptyString, queryParam } from './json-io';
import { activeMember, contactEndpoint, cursorFor, memberOf, parseCursor, stringList } from './contact-endpoint';
import { wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';

export const GET_FOLLOW_USER_LIST_PATH = '/cgi-bin/externalcontact/get_follow_user_list';
export const EXTERNAL_CONTACT_LIST_PATH = '/cgi-bin/externalcontact/list';
export const GROUPCHAT_LIST_PATH = '/cgi-bin/externalcontact/groupchat/list';
export const GROUPCHAT_GET_PATH = '/cgi-bin/externalcontact/groupchat/get';

/** `get_follow_user_list`'s middleware. */
export function getFollowUserListEndpoint(deps: WecomApiDeps) {
  return contactEndpoint(deps, GET_FOLLOW_USER_LIST_PATH, ({ corp }): WecomResult => wecomOk({ follow_user: corp.members.filter((m) => activeMember(deps, corp.corpId, m) !== undefined) }), { method: 'GET' });
}

/** externalcontact `list`'s middleware. */
export function externalContactListEndpoint(deps: WecomApiDeps) {
  return contactEndpoint(deps, EXTERNAL_CONTACT_LIST_PATH, ({ corp, ctx }): WecomResult => {
    const userid = queryParam(ctx, 'userid');
    if (!userid) return wecomFail(41009);
    const member = activeMember(deps, corp.corpId, userid);
    if (member === undefined) return wecomFail(60111, `userid not found: ${userid}`);
    const customers = deps.contacts.customersOf(corp.corpId, member);
    if (customers.length === 0) return wecomFail(84061);
    return wecomOk({ external_userid: customers });
  }, { method: 'GET' });
}

/** `groupchat/list`'s middleware. */
export function groupchatListEndpoint(deps: WecomApiDeps) {
  return contactEndpoint(deps, GROUPCHAT_LIST_PATH, ({ corp, body }): WecomResult => {
    const limit = body.limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > deps.limits.groupListMax) return wecomFail(40058, `invalid Request Parameter: limit must be 1-${deps.limits.groupListMax}`);
    const statusFilter = body.status_filter ?? 0;
    if (statusFilter !== 0 && statusFilter !== 1 && statusFilter !== 2 && statusFilter !== 3) return wecomFail(40058, 'invalid Request Parameter: status_filter must be 0-3');
    let owners: string[] | undefined;
    if (body.owner_filter !== undefined) {
      const list = isObject(body.owner_filter) ? stringList(body.owner_filter.userid_list ?? []) : undefined;
      if (!list || list.length > 100) return wecomFail(40058, 'invalid Request Parameter: owner_filter.userid_list must list at most 100 userids');
      owners = list.map((u) => u.toLowerCase());
    }
    const offset = parseCursor(body.cursor);
    if (offset === undefined) return wecomFail(40058, 'invalid Request Parameter: cursor');
    const matching = deps.contacts.groupsOf(corp.corpId).filter((g) => (statusFilter === 0 || g.status === statusFilter) && (owners === undefined || owners.length === 0 || owners.includes(g.owner.toLowerCase())));
    const page = matching.slice(offset, offset + limit);
    const more = offset + limit < matching.length;
    return wecomOk({ group_chat_list: page.map((g) => ({ chat_id: g.chatId, status: g.status })), next_cursor: more ? cursorFor(offset + limit) : '' });
  });
}

/** externalcontact `groupchat/get`'s middleware. */
export function groupchatGetEndpoint(deps: WecomApiDeps) {
  return contactEndpoint(deps, GROUPCHAT_GET_PATH, ({ corp, body }): WecomResult => {
    const chatId = nonEmptyString(body, 'chat_id');
    if (chatId === undefined) return wecomFail(40058, 'invalid Request Parameter: chat_id missing');
    const group = deps.contacts.group(corp.corpId, chatId);
    if (!group) return wecomFail(40058, 'invalid Request Parameter: unknown chat_id');
    return wecomOk({
      group_chat: {
        chat_id: group.chatId,
        name: group.name,
        owner: group.owner,
        create_time: Math.floor(group.createdAt / 1000),
        notice: group.notice,
        member_list: group.members.map((m) => ({ userid: m.id, type: memberOf(deps, corp.corpId, m.id) === undefined ? 2 : 1, join_time: Math.floor(m.joinedAt / 1000), join_scene: 1 })),
        admin_list: [],
      },
    });
  });
}
