/**
 * OA web authorization (网页授权, wechat-oa.md §10), scope `snsapi_base`: the
 * authorize URL the browser is sent to, and the code exchange at
 * `/sns/oauth2/access_token` that names the WeChat user (openid, unionid).
 *
 * The exchange carries the AppSecret in the query; the client scrubs it (and
 * the code) from anything it reports, and this module never returns the web
 * access_token or refresh_token: the gateway needs only who the user is.
 */
import type { TencentApiClient } from './tencent-api-client';
import { TencentApiError } from './tencent-api-error';

/** Tencent's authorize endpoint (`tencent.oauthAuthorizeUrl` points elsewhere for the simulator). */
export const DEFAULT_OAUTH_AUTHORIZE_URL = 'https://open.weixin.qq.com/connect/oauth2/authorize';

const EXCHANGE_PATH = '/sns/oauth2/access_token';
const ENDPOINT = `GET ${EXCHANGE_PATH}`;
/** Tencent: `state` is [a-zA-Z0-9], at most 128 bytes. */
const STATE = /^[A-Za-z0-9]{1,128}$/;
/** Codes are short opaque tokens; anything else never reaches Tencent. */
const CODE = /^[A-Za-z0-9_-]{1,128}$/;
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** What one authorization round trip asks for. */
export interface AuthorizeRequest {
  /** The authorize endpoint, default DEFAULT_OAUTH_AUTHORIZE_URL. */
  authorizeUrl?: string;
  appId: string;
  /** Where WeChat sends the browser back (its host must be the account's authorised domain). */
  redirectUri: string;
  /** Single-use nonce, [A-Za-z0-9]{1,128}. */
  state: string;
}

/**
 * The authorize URL exactly as Tencent documents it:
 * `…?appid=…&redirect_uri=<urlencoded>&response_type=code&scope=snsapi_base&state=…#wechat_redirect`.
 * @throws RangeError for a state Tencent would refuse, a redirect_uri that is not http(s), or an authorize URL with a query or fragment
 */
export function oauthAuthorizeUrl(request: AuthorizeRequest): string {
  if (!STATE.test(request.state)) throw new RangeError('OAuth state must be 1-128 characters [A-Za-z0-9]');
  if (!/^[A-Za-z0-9]{1,64}$/.test(request.appId)) throw new RangeError('OAuth appid must be alphanumeric');
  const redirect = new URL(request.redirectUri);
  if (!/^https?:$/.test(redirect.protocol) || redirect.hash) throw new RangeError('OAuth redirect_uri must be an http(s) URL without fragment');
  const base = new URL(request.authorizeUrl ?? DEFAULT_OAUTH_AUTHORIZE_URL);
  if (!/^https?:$/.test(base.protocol) || base.search || base.hash) throw new RangeError('OAuth authorize URL must be http(s) without query or fragment');
  // Parameter order and encoding as in Tencent's documentation and wechat-oauth: some WeChat
  // client versions are picky, and `#wechat_redirect` is mandatory.
  return `${base.origin}${base.pathname}?appid=${request.appId}&redirect_uri=${encodeURIComponent(request.redirectUri)}&response_type=code&scope=snsapi_base&state=${request.state}#wechat_redirect`;
}

/** Who the code says the user is. */
export interface OAuthIdentity {
  openid: string;
  /** Present when the account is bound to an Open Platform account. */
  unionid?: string;
  scope: string;
  /** `is_snapshotuser=1`: a virtual user of a Moments snapshot page, never a real person (must not be bound or asked for consent). */
  snapshotUser: boolean;
}

/** Why Tencent refused a code: the user must start again (a fresh code comes with a fresh redirect). */
export type OAuthCodeProblem = 'invalid' | 'used' | 'expired';

const CODE_ERRCODES: Record<number, OAuthCodeProblem> = { 40029: 'invalid', 40163: 'used', 42003: 'expired' };

/** Tencent refused the code (40029 invalid, 40163 already used, 42003 expired): a 4xx for the user, never retried. */
export class OAuthCodeError extends Error {
  override readonly name = 'OAuthCodeError';
  readonly code: string;
  readonly safeMessage: string;

  constructor(readonly problem: OAuthCodeProblem, readonly errcode: number | undefined) {
    const message = `OAuth code ${problem === 'invalid' ? 'is invalid' : problem === 'used' ? 'was already used' : 'has expired'}${errcode === undefined ? '' : ` (Tencent errcode ${errcode})`}`;
    super(message);
    this.code = `oauth.code_${problem}`;
    this.safeMessage = message;
  }
}

/** The user is a snapshot-page virtual user (`is_snapshotuser=1`): not a person to bind or record consent for. */
export class OAuthSnapshotUserError extends Error {
  override readonly name = 'OAuthSnapshotUserError';
  readonly code = 'oauth.snapshot_user';
  readonly safeMessage = 'the WeChat user is a snapshot-page virtual user (is_snapshotuser=1)';

  constructor() {
    super('the WeChat user is a snapshot-page virtual user (is_snapshotuser=1)');
  }
}

/**
 * Exchange a code for the user's identity.
 * @throws OAuthCodeError (40029 / 40163 / 42003, or a code of a shape Tencent never issues); TencentApiError for anything else (40125 wrong secret, transport, a bad answer)
 */
export async function exchangeOAuthCode(client: TencentApiClient, credentials: { appId: string; appSecret: string }, code: string): Promise<OAuthIdentity> {
  if (!CODE.test(code)) throw new OAuthCodeError('invalid', undefined);
  const result = await client.get(
    EXCHANGE_PATH,
    { appid: credentials.appId, secret: credentials.appSecret, code, grant_type: 'authorization_code' },
    // `secret` is scrubbed by name; the code is single-use but still nobody's business.
    { operation: 'token', sensitive: [credentials.appSecret, code] },
  );
  if (!result.ok) {
    const problem = result.error.errcode === undefined ? undefined : CODE_ERRCODES[result.error.errcode];
    if (problem) throw new OAuthCodeError(problem, result.error.errcode);
    throw result.error;
  }
  const { openid, unionid, scope, is_snapshotuser: snapshot } = result.body;
  if (typeof openid !== 'string' || !OPENID.test(openid) || (unionid !== undefined && (typeof unionid !== 'string' || !OPENID.test(unionid)))) {
    throw new TencentApiError({ kind: 'bad-response', product: 'oa', operation: 'token', endpoint: ENDPOINT, retry: 'never', delivered: 'no', scope: 'message', detail: `${ENDPOINT}: answer has no usable openid/unionid` });
  }
  return {
    openid,
    ...(typeof unionid === 'string' && unionid !== '' ? { unionid } : {}),
    scope: typeof scope === 'string' ? scope : '',
    snapshotUser: snapshot === 1 || snapshot === '1' || snapshot === true,
  };
}

/** The identity, if it may be bound to a customer or asked for consent. @throws OAuthSnapshotUserError for a snapshot-page virtual user */
export function requireRealUser(identity: OAuthIdentity): OAuthIdentity {
  if (identity.snapshotUser) throw new OAuthSnapshotUserError();
  return identity;
}
