/**
 * Archiving consent (wecom.md §6.2), msgaudit secret only (48002):
 *
 *   POST /cgi-bin/msgaudit/check_single_agree {"info":[{"userid","exteranalopenid"}]}
 *     → {"agreeinfo":[{"status_change_time","userid","exteranalopenid","agree_status"}]}
 *   POST /cgi-bin/msgaudit/check_room_agree {"roomid"}
 *     → {"agreeinfo":[{"status_change_time","exteranalopenid","agree_status"}]} (the room's customers)
 *
 * `exteranalopenid` is Tencent's spelling in both directions; a request that
 * "fixes" it is missing the field (40058). More than 100 entries 301060; a
 * userid that is no member or an id that is no customer of the corp 301061
 * (the whole call fails). status_change_time is in seconds, 0 for a customer
 * who never chose (answered Disagree).
 */
import type { AgreeRecord } from '../state/msgaudit';
import { isObject, nonEmptyString } from './json-io';
import { isMember, msgauditEndpoint } from './msgaudit-endpoint';
import { wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';

export const CHECK_SINGLE_AGREE_PATH = '/cgi-bin/msgaudit/check_single_agree';
export const CHECK_ROOM_AGREE_PATH = '/cgi-bin/msgaudit/check_room_agree';

const seconds = (record: AgreeRecord): number => Math.floor(record.changedAt / 1000);

/** `check_single_agree`'s middleware. */
export function checkSingleAgreeEndpoint(deps: WecomApiDeps) {
  return msgauditEndpoint(deps, CHECK_SINGLE_AGREE_PATH, ({ corp, body }): WecomResult => {
    const info = body.info;
    if (!Array.isArray(info) || info.length === 0) return wecomFail(40058, 'invalid Request Parameter: info must be a non-empty list');
    if (info.length > deps.limits.agreeCheckMax) return wecomFail(301060);
    const pairs: { userid: string; exteranalopenid: string }[] = [];
    for (const [index, entry] of info.entries()) {
      const userid = isObject(entry) ? nonEmptyString(entry, 'userid') : undefined;
      const exteranalopenid = isObject(entry) ? nonEmptyString(entry, 'exteranalopenid') : undefined;
      if (userid === undefined || exteranalopenid === undefined) return wecomFail(40058, `invalid Request Parameter: info[${index}] needs userid and exteranalopenid`);
      pairs.push({ userid, exteranalopenid });
    }
    const customers = deps.externalContacts.get(corp.corpId);
    if (pairs.some((p) => !isMember(corp, p.userid) || !customers?.has(p.exteranalopenid))) return wecomFail(301061);
    return wecomOk({
      agreeinfo: pairs.map((p) => {
        const record = deps.msgaudit.singleAgree(corp.corpId, p.userid, p.exteranalopenid);
        return { status_change_time: seconds(record), userid: p.userid, exteranalopenid: p.exteranalopenid, agree_status: record.status };
      }),
    });
  });
}

/** `check_room_agree`'s middleware. An unknown roomid is 40058 [S: WeCom's answer is not documented]. */
export function checkRoomAgreeEndpoint(deps: WecomApiDeps) {
  return msgauditEndpoint(deps, CHECK_ROOM_AGREE_PATH, ({ corp, body }): WecomResult => {
    const roomid = nonEmptyString(body, 'roomid');
    if (roomid === undefined) return wecomFail(40058, 'invalid Request Parameter: roomid missing');
    const room = deps.msgaudit.room(corp.corpId, roomid);
    if (!room) return wecomFail(40058, 'invalid Request Parameter: unknown roomid');
    const customers = room.members.filter((m) => !isMember(corp, m.id));
    return wecomOk({
      agreeinfo: customers.map((m) => {
        const record = deps.msgaudit.roomAgree(corp.corpId, roomid, m.id);
        return { status_change_time: seconds(record), exteranalopenid: m.id, agree_status: record.status };
      }),
    });
  });
}
