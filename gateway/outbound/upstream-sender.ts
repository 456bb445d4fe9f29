/** The outbound workflow's TencentSender over the upstream edge: token keys per account / WeCom secret, failures classified for delivery. */
import type { CorpConfig, AccountConfig } from '../config/schema';
import type { Upstream } from '../upstream/create-upstream';
import type { CallResult } from '../upstream/call-tencent';
import { oaTokenKey, wecomTokenKey } from '../upstream/token-key';
import type { WecomCorpConfig } from '../upstream/config';
import type { TencentOutcome, TencentSender, TencentTarget } from './ports';

/** Upstream secret name of a classified WeCom secret (`agent:1000002` → `app-1000002`, `contact` → `contacts`). */
export function upstreamSecretName(secret: string): string {
  return secret === 'contact' ? 'contacts' : `app-${secret.replace(/^agent:/, '')}`;
}

/** The corps as the upstream edge takes them: every secret by name. */
export function upstreamCorps(corps: readonly CorpConfig[]): WecomCorpConfig[] {
  return corps.map((c) => ({
    corpId: c.corpId,
    secrets: Object.fromEntries([...c.agents.map((a) => [`app-${a.agentId}`, a.secret]), ...(c.contactSecret ? [['contacts', c.contactSecret]] : []), ...(c.msgaudit ? [['msgaudit', c.msgaudit.secret]] : [])]),
  }));
}

function outcome(result: CallResult): TencentOutcome {
  if (result.ok) return { ok: true, response: result.body };
  const e = result.error;
  const errcode = 'errcode' in e && typeof e.errcode === 'number' ? e.errcode : null;
  return { ok: false, errcode, errmsg: e.message, retry: e.retry === 'never' ? 'never' : 'backoff', delivered: e.delivered === 'no' ? 'no' : 'unknown' };
}

/** A TencentSender for the configured accounts and corps. */
export function upstreamSender(upstream: Upstream, accounts: readonly AccountConfig[], corps: readonly CorpConfig[]): TencentSender {
  const key = (t: TencentTarget): string => {
    if (t.product === 'oa') {
      const account = accounts.find((a) => a.id === t.accountId);
      if (!account) throw new Error(`no OA account "${t.accountId}"`);
      return oaTokenKey(account.appId);
    }
    const corp = corps.find((c) => c.id === t.accountId);
    if (!corp || !t.secret) throw new Error(`no WeCom corp "${t.accountId}" or no secret for this call`);
    return wecomTokenKey(corp.corpId, upstreamSecretName(t.secret));
  };
  return {
    async send(target, path, body) {
      return outcome(await upstream.callTencent(key(target), { method: 'POST', path, json: body }));
    },
    async get(target, path, query) {
      return outcome(await upstream.callTencent(key(target), { method: 'GET', path, query }));
    },
    async upload(target, path, query, file) {
      return outcome(await upstream.callTencent(key(target), { method: 'POST', path, query, multipart: file }));
    },
  };
}
