/** `cgw approvals list|show|approve|reject|comment`: the compliance officer's review, through the admin API. */
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { usageErrorsExit2, adminClient, expectData, printJson, runCommand, withConnectionOptions, type ConnectionOptions } from '../api-client';

type ApprovalStatus = components['schemas']['ApprovalStatus'];
type ApprovalResult = components['schemas']['ApprovalResult'];

interface DecideOptions extends ConnectionOptions {
  note?: string;
  reason?: string;
  text?: string;
  json?: boolean;
}

interface ListOptions extends ConnectionOptions {
  status?: ApprovalStatus;
  account?: string;
  app?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

/** Register the approvals commands on `program`. */
export function registerApprovalsCommands(program: Command): void {
  const approvals = program.command('approvals').description('held outbound messages: review, approve, reject, comment');

  withConnectionOptions(approvals.command('list').description('list held messages, newest first'))
    .option('--status <status>', 'pending, approved, rejected or expired')
    .option('--account <id>', 'only this account')
    .option('--app <id>', 'only this internal app')
    .option('--limit <n>', 'page size (1-200, default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print the page as JSON')
    .action(async (opts: ListOptions) => {
      process.exitCode = await runCommand(async () => {
        const query = {
          ...(opts.status ? { status: opts.status } : {}),
          ...(opts.account ? { accountId: opts.account } : {}),
          ...(opts.app ? { appId: opts.app } : {}),
          ...(opts.limit ? { limit: Number(opts.limit) } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        };
        const page = await expectData(adminClient(opts).GET('/approvals', { params: { query } }));
        if (opts.json) printJson(page);
        else {
          for (const a of page.items) {
            process.stdout.write(`${a.messageId}  ${a.status.padEnd(8)}  ${a.approvalsCount}/${a.requiredApprovals}  ${a.accountId}/${a.appId}  ${a.kind} ${a.msgtype}  to ${a.recipientsCount}  expires ${a.expiresAt}  ${a.reasons.join(',')}\n`);
          }
          if (page.items.length === 0) process.stdout.write('no held messages match\n');
          if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
        }
        return 0;
      });
    });

  withConnectionOptions(approvals.command('show').argument('<messageId>').description('show one held message, decrypted (the viewing is audited)'))
    .option('--json', 'print it as JSON')
    .action(async (messageId: string, opts: ConnectionOptions & { json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const held = await expectData(adminClient(opts).GET('/approvals/{messageId}', { params: { path: { messageId } } }));
        if (opts.json) printJson(held);
        else {
          const lines = [
            `message      ${held.messageId} (${held.kind}, ${held.msgtype}) from ${held.appId} on ${held.accountId}`,
            `status       ${held.status}, ${held.approvals.length}/${held.requiredApprovals} approval(s), expires ${held.expiresAt}`,
            `recipients   ${held.recipientsCount}`,
            `decision     ${held.decision.outcome}: ${held.decision.reasons.map((r) => `${r.code} (${r.rule})`).join(', ')}`,
            `policy       ${held.policyVersion}`,
            `content hash ${held.contentHash}`,
            ...held.texts.map((t) => `text ${t.path}: ${t.text}`),
            ...held.approvals.map((a) => `approved by ${a.subject} at ${a.at}${a.note ? `: ${a.note}` : ''}`),
            ...(held.rejection ? [`rejected by ${held.rejection.subject} at ${held.rejection.at}: ${held.rejection.reason}`] : []),
            ...held.comments.map((c) => `comment by ${c.subject} at ${c.at}: ${c.text}`),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return 0;
      });
    });

  const decide = (name: 'approve' | 'reject' | 'comment', describe: string, flag: { spec: string; help: string; required: boolean }, send: (opts: DecideOptions, messageId: string) => Promise<ApprovalResult>) => {
    const command = withConnectionOptions(approvals.command(name).argument('<messageId>').description(describe));
    if (flag.required) command.requiredOption(flag.spec, flag.help);
    else command.option(flag.spec, flag.help);
    command.option('--json', 'print the result as JSON').action(async (messageId: string, opts: DecideOptions) => {
      process.exitCode = await runCommand(async () => {
        const result = await send(opts, messageId);
        if (opts.json) printJson(result);
        else process.stdout.write(`${result.messageId}: ${result.status}, ${result.approvalsCount}/${result.requiredApprovals} approval(s), content hash ${result.contentHash}\n`);
        return 0;
      });
    });
  };
  decide('approve', 'approve a pending message', { spec: '--note <text>', help: 'a note kept with the approval', required: false }, (opts, messageId) =>
    expectData(adminClient(opts).POST('/approvals/{messageId}/approve', { params: { path: { messageId } }, body: opts.note ? { note: opts.note } : {} })),
  );
  decide('reject', 'reject a pending message, with a reason', { spec: '--reason <text>', help: 'why (kept with the rejection)', required: true }, (opts, messageId) =>
    expectData(adminClient(opts).POST('/approvals/{messageId}/reject', { params: { path: { messageId } }, body: { reason: opts.reason! } })),
  );
  decide('comment', 'comment on a held message', { spec: '--text <text>', help: 'the comment', required: true }, (opts, messageId) =>
    expectData(adminClient(opts).POST('/approvals/{messageId}/comment', { params: { path: { messageId } }, body: { text: opts.text! } })),
  );
  usageErrorsExit2(approvals);
}
