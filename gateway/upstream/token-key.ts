/**
 * Names of the access tokens the gateway holds. OA: one per AppID. WeCom: one
 * per (corp, app secret), because each app secret has its own token.
 */

/** Key of an Official Account's token. */
export function oaTokenKey(appId: string): string {
  return `oa:${appId}`;
}

/** Key of the token of one WeCom app secret. */
export function wecomTokenKey(corpId: string, secretName: string): string {
  return `wecom:${corpId}:${secretName}`;
}

/** The lease that serialises refreshes of `tokenKey` across replicas. */
export function tokenLeaseName(tokenKey: string): string {
  return `upstream-token:${tokenKey}`;
}
