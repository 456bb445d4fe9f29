/**
 * Chat-archive lookups (wecom.md §6.2), msgaudit secret only (48002):
 *
 *   POST /cgi-bin/msgaudit/get_permit_user_list {"type"?: 1|2|3} → {"ids":[userid…]}
 *     the members archiving covers, of one edition (1 office, 2 service,
 *     3 enterprise) or all; another type 40058.
 *   POST /cgi-bin/msgaudit/groupchat/get {"roomid"} → roomname, creator,
 *     room_create_time (s), notice, members[{memberid, jointime (s)}]
 *     for internal groups only; a group with customers, or one the archive
 *     does not know, 301059.
 */
import { nonEmptyString } from './json-io';
import { msgauditEndpoint } from './msgaudit-endpoint';
import { wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';

export const GET_PERMIT_USER_LIST_PATH = '/cgi-bin/msgaudit/get_permit_user_list';
export const MSGAUDIT_GROUPCHAT_GET_PATH = '/cgi-bin/msgaudit/groupchat/get';

/** `get_permit_user_list`'s middleware. Without a list set by the test, every member is covered at edition 1. */
export function getPermitUserListEndpoint(deps: WecomApiDeps) {
  return msgauditEndpoint(deps, GET_PERMIT_USER_LIST_PATH, ({ corp, body }): WecomResult => {
    const type = body.type;
    if (type !== undefined && type !== 1 && type !== 2 && type !== 3) return wecomFail(40058, 'invalid Request Parameter: type must be 1, 2 or 3');
    const permits = deps.msgaudit.permitList(corp.corpId) ?? new Map(corp.members.map((m) => [m, 1] as const));
    return wecomOk({ ids: [...permits].filter(([, edition]) => type === undefined || edition === type).map(([userid]) => userid) });
  });
}

/** msgaudit `groupchat/get`'s middleware. */
export function msgauditGroupchatGetEndpoint(deps: WecomApiDeps) {
  return msgauditEndpoint(deps, MSGAUDIT_GROUPCHAT_GET_PATH, ({ corp, body }): WecomResult => {
    const roomid = nonEmptyString(body, 'roomid');
    if (roomid === undefined) return wecomFail(40058, 'invalid Request Parameter: roomid missing');
    const room = deps.msgaudit.room(corp.corpId, roomid);
    if (!room || !room.internal) return wecomFail(301059);
    return wecomOk({
      roomname: room.name,
      creator: room.creator,
      room_create_time: Math.floor(room.createdAt / 1000),
      notice: room.notice,
      members: room.members.map((m) => ({ memberid: m.id, jointime: Math.floor(m.joinedAt / 1000) })),
    });
  });
}
