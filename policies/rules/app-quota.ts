/** Per-app quotas: an app that has sent its per-day or per-minute allowance is refused before Tencent is called (45009). */
import type { Rule } from './types';

/** Deny when the app's usage in its quota scope has reached a limit. */
export const checkAppQuota: Rule = (ev) => {
  const { message, usage } = ev.ctx;
  const scope = ev.prepared.quotas.match(message.appId, message.kind);
  if (!scope) return;
  const over: string[] = [];
  if (scope.perDay !== undefined && usage.appSentToday >= scope.perDay) over.push(`perDay ${scope.perDay} reached`);
  if (scope.perMinute !== undefined && usage.appSentThisMinute >= scope.perMinute) over.push(`perMinute ${scope.perMinute} reached`);
  if (over.length > 0) ev.findings.push({ code: 'quota.app_exceeded', rule: scope.id, detail: over.join(', '), effect: 'deny', errcode: scope.errcode });
};
