/** POST /apps/{appId}/tokens/revoke: cut an internal app off until its SDK fetches a new token (e.g. after its credentials leaked and were rotated). */
import type { AppsPort } from '../ports';
import type { Handler } from '../typed';

/** The revoke-tokens handler. */
export function revokeAppTokensHandler(apps: AppsPort): Handler<'revokeAppTokens'> {
  return async ({ path, body }) => {
    const accountId = body?.accountId;
    const revoked = await apps.revokeTokens(path.appId, accountId);
    return { body: { appId: path.appId, ...(accountId ? { accountId } : {}), revoked }, audit: { target: `app:${path.appId}`, details: { revoked, ...(accountId ? { account: accountId } : {}) } } };
  };
}
