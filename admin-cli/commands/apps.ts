/** `cgw apps revoke-tokens APP [--account ID]`: cut an internal app's gateway tokens off (after rotating its credentials, or an incident). */
import type { Command } from 'commander';
import { adminClient, expectData, printJson, runCommand, withConnectionOptions, type ConnectionOptions } from '../api-client';

interface RevokeOptions extends ConnectionOptions {
  account?: string;
  json?: boolean;
}

/** Register the apps commands on `program`. */
export function registerAppsCommands(program: Command): void {
  const apps = program.command('apps').description("internal apps' gateway credentials");
  withConnectionOptions(apps.command('revoke-tokens').description('revoke every live gateway access token of an app; its SDK must fetch a new one').argument('<appId>', 'the app id in the configuration'))
    .option('--account <id>', 'only tokens for this account or corp')
    .option('--json', 'print the result as JSON')
    .action(async (appId: string, opts: RevokeOptions) => {
      process.exitCode = await runCommand(async () => {
        const result = await expectData(adminClient(opts).POST('/apps/{appId}/tokens/revoke', {
          params: { path: { appId } },
          body: opts.account ? { accountId: opts.account } : {},
        }));
        if (opts.json) printJson(result);
        else process.stdout.write(`revoked ${result.revoked} token(s) of ${result.appId}${result.accountId ? ` on ${result.accountId}` : ''}\n`);
        return 0;
      });
    });
}
