/** Checks that span several fields: ids unique, subscriptions resolvable, one replying app per account. */
import type { GatewayConfig } from './schema';
import { msgauditCrossFieldProblems } from '../msgaudit/config';
import { contentLibraryCrossFieldProblems } from '../content-library/config'; // content library

/** Every cross-field problem in an otherwise schema-valid configuration. */
export function crossFieldProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  if (config.server.workers > 1 && config.database.type === 'sqlite') {
    problems.push('server.workers: SQLite has one writer process; use 1 worker, or PostgreSQL / SQL Server for more');
  }
  const accountIds = new Set<string>();
  const appIds = new Map<string, string>();
  config.accounts.forEach((a, i) => {
    if (accountIds.has(a.id)) problems.push(`accounts.${i}.id: duplicate account id "${a.id}"`);
    accountIds.add(a.id);
    noteAppId(appIds, a.appId, `accounts.${i}.appId`, problems);
  });
  const seenApps = new Set<string>();
  const replier = new Map<string, string>();
  config.apps.forEach((app, i) => {
    if (seenApps.has(app.id)) problems.push(`apps.${i}.id: duplicate app id "${app.id}"`);
    seenApps.add(app.id);
    noteAppId(appIds, app.credentials.appId, `apps.${i}.credentials.appId`, problems);
    if (app.subscribes.length === 0 && app.sends.length === 0) problems.push(`apps.${i}: subscribes to no account and sends through none; give it subscribes or sends`);
    if (app.subscribes.length > 0 && !app.callbackUrl) problems.push(`apps.${i}.callbackUrl: required, the app subscribes to ${app.subscribes.join(', ')}`);
    if (app.sends.length > 0 && app.owners.length === 0) problems.push(`apps.${i}.owners: required for an app that sends: members of these SSO groups can never approve its messages`);
    app.sends.forEach((target, j) => {
      const corp = config.corps.find((c) => c.id === target);
      if (!accountIds.has(target) && !corp) problems.push(`apps.${i}.sends.${j}: no account or corp "${target}"`);
      if (corp && !app.wecomCredentials) problems.push(`apps.${i}.wecomCredentials: required, the app sends through corp "${target}"`);
    });
    app.subscribes.forEach((acct, j) => {
      if (!accountIds.has(acct)) problems.push(`apps.${i}.subscribes.${j}: no account "${acct}"`);
    });
    app.repliesFor.forEach((acct, j) => {
      if (!app.subscribes.includes(acct)) problems.push(`apps.${i}.repliesFor.${j}: "${acct}" is not among the app's subscriptions`);
      const other = replier.get(acct);
      if (other) problems.push(`apps.${i}.repliesFor.${j}: account "${acct}" already has replying app "${other}" (one per account)`);
      else replier.set(acct, app.id);
    });
    for (const a of config.accounts) {
      if (a.token === app.credentials.token || a.encodingAESKey === app.credentials.encodingAESKey || a.appSecret === app.credentials.appSecret) {
        problems.push(`apps.${i}.credentials: must not reuse the Tencent secrets of account "${a.id}" (internal apps never hold Tencent secrets)`);
      }
    }
  });
  const corpIds = new Set<string>();
  config.corps.forEach((c, i) => {
    if (corpIds.has(c.id) || accountIds.has(c.id)) problems.push(`corps.${i}.id: "${c.id}" is already an account or corp id`);
    corpIds.add(c.id);
  });
  const wecomIds = new Map<string, string>();
  config.apps.forEach((app, i) => {
    if (!app.wecomCredentials) return;
    const where = `apps.${i}.wecomCredentials.corpId`;
    const first = wecomIds.get(app.wecomCredentials.corpId);
    if (first) problems.push(`${where}: also used at ${first}`);
    else wecomIds.set(app.wecomCredentials.corpId, where);
    if (config.corps.some((c) => c.corpId === app.wecomCredentials!.corpId)) problems.push(`${where}: must not be a real CorpID (internal apps never hold Tencent credentials)`);
  });
  problems.push(...msgauditCrossFieldProblems(config));
  problems.push(...contentLibraryCrossFieldProblems(config)); // content library
  return problems;
}

function noteAppId(seen: Map<string, string>, appId: string, where: string, problems: string[]): void {
  const first = seen.get(appId);
  if (first) problems.push(`${where}: appId also used at ${first}`);
  else seen.set(appId, where);
}
