/**
 * WeCom web authorization (网页授权登录) for the sidebar: the authorize URL
 * the WeCom client opens silently (scope snsapi_base, with the app's
 * agentid), and the code exchange, `GET /cgi-bin/auth/getuserinfo?code=`
 * with the app's token (gateway/upstream), which names a corp member by
 * `userid` — anyone else gets an `openid` (and an `external_userid` when
 * a customer), and is refused here: the sidebar is for the bank's staff.
 */
import { TencentApiError } from '../../connectors/wechat/api/tencent-api-error';

/** Who the code named. */
export type WecomWebIdentity = { member: true; userid: string } | { member: false };

/** WeCom refused the code (40029 invalid, used or expired; 41008 missing). */
export class WecomCodeRejectedError extends Error {
  constructor(readonly errcode: number, options?: { cause?: unknown }) {
    super(`WeCom refused the authorization code (${errcode})`, options);
    this.name = 'WecomCodeRejectedError';
  }
}

const CODE_ERRCODES = new Set([40029, 41008, 40163, 42003]);
const USERID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** The authorize URL: Tencent's `#wechat_redirect` suffix included, as WeCom's docs build it. */
export function wecomAuthorizeUrl(input: { authorizeUrl: string; corpId: string; agentId: number; redirectUri: string; state: string }): string {
  const query = new URLSearchParams({ appid: input.corpId, redirect_uri: input.redirectUri, response_type: 'code', scope: 'snsapi_base', state: input.state, agentid: String(input.agentId) });
  return `${input.authorizeUrl}?${query.toString()}#wechat_redirect`;
}

/**
 * Exchange `code`. `get` calls Tencent as the app and throws the upstream error.
 * @throws WecomCodeRejectedError, TencentApiError (anything else: unavailable)
 */
export async function exchangeWecomCode(get: (path: string, query: Record<string, string>) => Promise<Record<string, unknown>>, code: string): Promise<WecomWebIdentity> {
  let body: Record<string, unknown>;
  try {
    body = await get('/cgi-bin/auth/getuserinfo', { code });
  } catch (err) {
    if (err instanceof TencentApiError && err.kind === 'errcode' && err.errcode !== undefined && CODE_ERRCODES.has(err.errcode)) throw new WecomCodeRejectedError(err.errcode, { cause: err });
    throw err;
  }
  // Newer answers say `userid`, the older user/getuserinfo said `UserId`.
  const userid = typeof body.userid === 'string' ? body.userid : typeof body.UserId === 'string' ? body.UserId : undefined;
  return userid !== undefined && USERID.test(userid) ? { member: true, userid } : { member: false };
}
