/**
 * Scrubs text that came from outside (Tencent's errmsg, a proxy's error page)
 * before it goes into an error message: query parameters that carry
 * credentials, any literal credential the caller names, and identifiers
 * shaped like an openid or external_userid (some errmsgs quote the one they
 * reject, and identifiers must not reach logs). errmsg is kept otherwise
 * intact (its rid/hint helps Tencent support), only shortened.
 */

/** Query parameters whose values are credentials. */
export const CREDENTIAL_PARAMS = ['access_token', 'secret', 'corpsecret', 'appsecret', 'component_access_token', 'suite_access_token', 'provider_access_token'];

const PARAM_PATTERN = new RegExp(`\\b(${CREDENTIAL_PARAMS.join('|')})=[^&\\s"'<>()\\[\\]{},;]*`, 'gi');
const MAX_LENGTH = 400;
// openid: `o` + 27 base64url; external_userid: `wm`/`wo`/`wb` + 30 (wechat-oa.md §3, wecom.md §4).
const OPENID_PATTERN = /(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/g;
const EXTERNAL_USERID_PATTERN = /(?<![A-Za-z0-9_-])w[mob][A-Za-z0-9_-]{30}(?![A-Za-z0-9_-])/g;

/** Replace credentials in `text` by `[redacted]` and identifiers by their kind, drop control characters, cap the length. */
export function scrubText(text: string, sensitive: readonly string[] = []): string {
  let out = text.replace(PARAM_PATTERN, '$1=[redacted]');
  for (const value of sensitive) {
    // Short values would also hit ordinary words; credentials are long.
    if (value.length >= 8) out = out.split(value).join('[redacted]');
  }
  out = out.replace(OPENID_PATTERN, '[openid]').replace(EXTERNAL_USERID_PATTERN, '[external_userid]');
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out;
}
