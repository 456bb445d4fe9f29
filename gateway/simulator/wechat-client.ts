/**
 * Who is holding the phone. On Tencent the WeChat client itself vouches for
 * the user when a page inside it opens the authorize URL; the simulator's
 * stand-in is a cookie on the simulator's origin naming one account's openid:
 *
 *   cgwsim_wechat_user=<appId>:<openid>
 *
 * `GET /sim/wechat-client/login` sets it; tests may also send it directly
 * (`simulator.wechatUserCookie(appId, openid)` builds the header value).
 * The openid names the person: at another account the same person is used
 * (with that account's openid for them, see state/wechat-people.ts).
 */
import { APP_ID_PATTERN, OPENID_PATTERN } from './accounts';

/** The cookie's name. */
export const WECHAT_USER_COOKIE = 'cgwsim_wechat_user';

/** One account's openid as the cookie carries it. */
export interface WechatClientUser {
  appId: string;
  openid: string;
}

/** The cookie's value for `user`. @throws Error when either id does not have Tencent's shape. */
export function wechatUserCookieValue(user: WechatClientUser): string {
  if (!APP_ID_PATTERN.test(user.appId)) throw new Error('appId must be wx + 16 hex');
  if (!OPENID_PATTERN.test(user.openid)) throw new Error('openid must be o + 27 base64url characters');
  return `${user.appId}:${user.openid}`;
}

/** The user a cookie value names, or undefined when it is missing or malformed. */
export function readWechatUserCookie(value: string | undefined): WechatClientUser | undefined {
  if (value === undefined) return undefined;
  const [appId, openid, ...rest] = value.split(':');
  if (rest.length > 0 || appId === undefined || openid === undefined) return undefined;
  return APP_ID_PATTERN.test(appId) && OPENID_PATTERN.test(openid) ? { appId, openid } : undefined;
}
