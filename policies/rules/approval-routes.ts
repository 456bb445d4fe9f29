/**
 * Approval routes: after every other rule has run, each route whose
 * conditions all hold (kinds, apps, owner groups, accounts, msgtypes, a
 * reason code that fired, a minimum audience) holds the message for its
 * group. How several requirements combine is in evaluate.ts (combineApprovals).
 */
import { audienceSize } from '../scope';
import type { Rule } from './types';

/** An approval.required finding and an approval requirement for each matching route. */
export const routeApprovals: Rule = (ev) => {
  const { message, requester } = ev.ctx;
  const fired = new Set(ev.findings.map((f) => f.code));
  for (const route of ev.prepared.approval.routes) {
    if (route.kinds && !route.kinds.has(message.kind)) continue;
    if (route.apps && !route.apps(message.appId)) continue;
    if (route.ownerGroups && !route.ownerGroups(requester.ownerGroup)) continue;
    if (route.accounts && !route.accounts(message.accountId)) continue;
    if (route.msgtypes && !route.msgtypes(message.msgtype)) continue;
    if (route.reasons && !route.reasons.some((code) => fired.has(code))) continue;
    if (route.minRecipients !== undefined && audienceSize(message) < route.minRecipients) continue;
    ev.findings.push({ code: 'approval.required', rule: route.id, detail: `${route.requiredApprovals} approval(s) by ${route.group}`, effect: 'hold' });
    ev.approvals.push(route);
  }
};
