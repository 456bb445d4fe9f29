/**
 * User information (wechat-oa.md §8), with the field set Tencent returns since
 * 2021-12-27 (no nickname, avatar, sex or location; `language` is no longer
 * provided either):
 *   GET  /cgi-bin/user/info?openid=&lang=
 *   POST /cgi-bin/user/info/batchget  {"user_list":[{"openid","lang"}]}  (≤ 100 → 40032)
 * A user who unfollowed gets `{subscribe: 0, openid}` only — the openid stays
 * so batch answers can be matched, as in Tencent's batchget sample. 40003 for
 * an openid the account never saw (or another account's); 41009 when absent.
 */
import type { FollowerRegistry } from '../follower-registry';
import { isObject, queryParam } from './json-io';
import { oaEndpoint, oaFail, type OaApiDeps, type OaResult } from './oa-endpoint';

export const USER_INFO_PATH = '/cgi-bin/user/info';
export const USER_INFO_BATCH_PATH = '/cgi-bin/user/info/batchget';

/** One user's answer object, or undefined when the account never saw the openid. */
export function userInfo(followers: FollowerRegistry, appId: string, openid: string): Record<string, unknown> | undefined {
  const record = followers.record(appId, openid);
  if (!record) return undefined;
  if (!record.following) return { subscribe: 0, openid };
  const numericScene = record.qrScene !== undefined && /^\d+$/.test(record.qrScene);
  return {
    subscribe: 1,
    openid,
    subscribe_time: record.subscribedAt,
    remark: record.remark,
    groupid: 0,
    tagid_list: record.tagIds,
    subscribe_scene: record.scene,
    qr_scene: numericScene ? Number(record.qrScene) : 0,
    qr_scene_str: record.qrScene !== undefined && !numericScene ? record.qrScene : '',
  };
}

/** `GET /cgi-bin/user/info`. */
export function userInfoEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'GET', quota: 'userInfo', body: 'none' }, ({ appId, ctx }): OaResult => {
    const openid = queryParam(ctx, 'openid');
    if (!openid) return oaFail(41009);
    const info = userInfo(deps.followers, appId, openid);
    return info ? { ok: true, body: info } : oaFail(40003);
  });
}

/** `POST /cgi-bin/user/info/batchget`: all or nothing — one foreign openid fails the call. */
export function userInfoBatchEndpoint(deps: OaApiDeps) {
  return oaEndpoint(deps, { method: 'POST', quota: 'userInfo', body: 'json' }, ({ appId, body }): OaResult => {
    const list = body.user_list;
    if (!Array.isArray(list) || list.length === 0) return oaFail(47001, 'data format error: user_list is missing');
    if (list.length > deps.limits.batchGetMax) return oaFail(40032, `invalid openid list size, ${list.length} > ${deps.limits.batchGetMax}`);
    const infos: Record<string, unknown>[] = [];
    for (const entry of list) {
      const openid = isObject(entry) && typeof entry.openid === 'string' ? entry.openid : '';
      if (openid === '') return oaFail(41009);
      const info = userInfo(deps.followers, appId, openid);
      if (!info) return oaFail(40003, `invalid openid ${openid}`);
      infos.push(info);
    }
    return { ok: true, body: { user_info_list: infos } };
  });
}
