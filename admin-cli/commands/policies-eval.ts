/**
 * `cgw policies eval <request.json>`: dry-runs the gateway's live policy on
 * one Tencent-shaped request, through the admin API. Registered under the
 * `policies` group, which other policy commands (`policies test`) share.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { usageErrorsExit2, adminClient, CliFailure, expectData, printJson, runCommand, withConnectionOptions, type ConnectionOptions } from '../api-client';

type PolicyEvalRequest = components['schemas']['PolicyEvalRequest'];

/** The `policies` command group: found when another command created it first, created otherwise. */
export function policiesGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'policies') ?? program.command('policies').description('the policy: test cases, dry runs');
}

/** Register `policies eval` on `program`. */
export function registerPolicyEvalCommand(program: Command): void {
  const evalCommand = withConnectionOptions(
    policiesGroup(program)
      .command('eval')
      .argument('<request.json>', 'JSON file: {"accountId", "appId", "path": "/cgi-bin/…", "body": {…}, "at"?: ISO instant}')
      .description("dry-run the gateway's live policy on one request (nothing is sent, held or archived)"),
  )
    .option('--json', 'print the decision as JSON')
    .action(async (file: string, opts: ConnectionOptions & { json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        let request: PolicyEvalRequest;
        try {
          request = JSON.parse(readFileSync(file, 'utf8')) as PolicyEvalRequest;
        } catch (err) {
          throw new CliFailure(2, `cannot read ${file} as JSON (${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
        }
        const decision = await expectData(adminClient(opts).POST('/policy/eval', { body: request }));
        if (opts.json) printJson(decision);
        else {
          const lines = [
            `outcome  ${decision.outcome}`,
            ...decision.reasons.map((r) => `  ${r.code} (rule ${r.rule})${r.detail ? `: ${r.detail}` : ''}`),
            ...(decision.approval ? [`approval ${decision.approval.requiredApprovals} approver(s) from ${decision.approval.group} within ${Math.round(decision.approval.ttlMs / 60000)} min (route ${decision.approval.route})`] : []),
            ...(decision.deny ? [`answer   errcode ${decision.deny.errcode}: ${decision.deny.errmsg}`] : []),
            ...decision.masked.map((m) => `masked   ${m.path}: ${m.count} × ${m.detector}`),
            `policy   ${decision.policyVersion}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return 0;
      });
    });
  usageErrorsExit2(evalCommand);
}
