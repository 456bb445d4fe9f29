/** Checks that span several fields: ids unique, subscriptions resolvable, one replying app per account. */
import type { GatewayConfig } from './schema';

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
  return problems;
}

function noteAppId(seen: Map<string, string>, appId: string, where: string, problems: string[]): void {
  const first = seen.get(appId);
  if (first) problems.push(`${where}: appId also used at ${first}`);
  else seen.set(appId, where);
}
