/**
 * WeCom's error bodies (wecom.md §1, limits-and-errors.md §3.2): HTTP 200,
 * `{errcode, errmsg}` where errmsg is a short text followed by
 * `, hint: [<id>], from ip: <ip>, more info at https://open.work.weixin.qq.com/devtool/query?e=<code>`.
 * The hint differs on every call, so nothing can compare errmsg for equality.
 */
import { unixSeconds, type Clock } from './clock';
import { cryptoRng, randomDigits, type Rng } from './random';

/** errmsg texts; the global error page gives Chinese descriptions, these are the English texts the API answers with. */
export const WECOM_ERRMSG = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40003: 'invalid userid',
  40008: 'invalid message type',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40032: 'invalid userid list size',
  40056: 'invalid agentid',
  40058: 'invalid Request Parameter',
  40063: 'some parameters are empty',
  40096: 'invalid external userid',
  40097: 'the handover member has not resigned',
  40128: 'customer transferred too often, at most 2 times in 90 days',
  40129: 'customer is being transferred',
  40130: 'handover and takeover member are the same',
  41001: 'access_token missing',
  41002: 'corpid missing',
  41004: 'corpsecret missing',
  41006: 'media_id missing',
  41009: 'userid missing',
  41010: 'url missing',
  41011: 'agentid missing',
  41016: 'title missing',
  41035: 'external userid missing',
  41048: 'no customer to send to',
  41049: 'welcome_code missing',
  41050: 'invalid welcome_code',
  41064: 'attachments count exceed limit',
  41065: 'invalid attachments msgtype',
  42001: 'access_token expired',
  44004: 'empty content',
  45002: 'content size out of limit',
  45008: 'article size out of limit',
  45009: 'api freq out of limit',
  48002: 'api forbidden',
  60111: 'userid not found',
  81013: 'user & party & tag all invalid',
  82001: 'all touser & toparty & totag invalid',
  82002: 'invalid party list size',
  82003: 'invalid tag list size',
  84061: 'not external contact',
  90500: 'the group owner has not resigned',
  90501: 'chat is not external group chat',
  90502: 'the group owner has resigned',
  90504: 'the group owner is unchanged',
  301002: 'not allow operate another agent with this accesstoken.',
  301059: 'not internal group',
  301060: 'too many params',
  301061: 'userid or exteropenid not exist',
  // WeCom web authorization, JS-SDK tickets and media upload (content library sidebar)
  40004: 'invalid media type',
  40005: 'invalid file type',
  40029: 'invalid code',
  41005: 'media data missing',
  41008: 'missing code',
  44001: 'empty media data',
  45001: 'media size out of limit',
} as const satisfies Record<number, string>;

export type WecomErrcode = keyof typeof WECOM_ERRMSG;

/** The hint id: unix seconds followed by digits, as in `hint: [1684833894235730688668522]`. */
export function wecomHint(clock: Clock, rng: Rng = cryptoRng): string {
  return `${unixSeconds(clock)}${randomDigits(rng, 15)}`;
}

/** The body for `errcode` as seen from `callerIp`; `message` replaces the table's text where the call adds detail. */
export function wecomErrorBody(
  errcode: number,
  clock: Clock,
  callerIp: string,
  options: { message?: string; rng?: Rng } = {},
): { errcode: number; errmsg: string } {
  const text = options.message ?? (WECOM_ERRMSG as Record<number, string>)[errcode] ?? 'system busy';
  const suffix = `hint: [${wecomHint(clock, options.rng)}], from ip: ${callerIp}, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
  return { errcode, errmsg: `${text}, ${suffix}` };
}
