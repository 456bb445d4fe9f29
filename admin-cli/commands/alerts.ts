/** `cgw alerts list|close`: compliance alerts (a WeCom "Disagree", a supervised message that tripped a rule) and their review, through the admin API. */
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { adminClient, expectData, printJson, runCommand, usageErrorsExit2, withConnectionOptions, type ConnectionOptions } from '../api-client';

type Alert = components['schemas']['Alert'];

interface ListOptions extends ConnectionOptions {
  status?: components['schemas']['AlertStatus'];
  kind?: string;
  limit?: string;
  json?: boolean;
}

interface CloseOptions extends ConnectionOptions {
  action: components['schemas']['AlertCloseAction'];
  note: string;
  json?: boolean;
}

function alertLine(a: Alert): string {
  const closed = a.status === 'closed' ? `  closed ${a.closedAt} by ${a.closedBy}: ${a.closeAction} (review ${a.closeRecordId})` : '';
  return `${a.id}  ${a.status.padEnd(6)}  ${a.severity.padEnd(8)}  ${a.kind}  ${a.accountId}  ${a.createdAt}  ${a.summary}${closed}`;
}

/** Register the alerts commands on `program`. */
export function registerAlertsCommands(program: Command): void {
  const alerts = program.command('alerts').description('compliance alerts: list, review and close');

  withConnectionOptions(alerts.command('list').description('list alerts, newest first'))
    .option('--status <status>', 'open or closed')
    .option('--kind <kind>', 'only this kind')
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--json', 'print JSON')
    .action(async (opts: ListOptions) => {
      process.exitCode = await runCommand(async () => {
        const query = { ...(opts.status ? { status: opts.status } : {}), ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.limit ? { limit: Number(opts.limit) } : {}) };
        const answer = await expectData(adminClient(opts).GET('/alerts', { params: { query } }));
        if (opts.json) printJson(answer);
        else process.stdout.write(answer.items.length === 0 ? 'no alerts match\n' : `${answer.items.map(alertLine).join('\n')}\n`);
        return 0;
      });
    });

  withConnectionOptions(alerts.command('close').argument('<alertId>').description('review and close an open alert: the action and note are archived (alert.review) and audited'))
    .requiredOption('--action <action>', 'no_action, resolved, coached, escalated, reported or restricted')
    .requiredOption('--note <text>', 'what was found and done')
    .option('--json', 'print the result as JSON')
    .action(async (alertId: string, opts: CloseOptions) => {
      process.exitCode = await runCommand(async () => {
        const result = await expectData(adminClient(opts).POST('/alerts/{alertId}/close', { params: { path: { alertId } }, body: { action: opts.action, note: opts.note } }));
        if (opts.json) printJson(result);
        else process.stdout.write(`${result.alert.id}: closed (${result.alert.closeAction}), review record ${result.reviewRecordId}\n`);
        return 0;
      });
    });
  usageErrorsExit2(alerts);
}
