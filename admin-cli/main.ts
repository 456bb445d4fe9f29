/**
 * cgw: the operator and compliance CLI. It talks to the admin API, except for
 * `migrate` and `archive verify`, which work on the database directly.
 * Exit codes: 0 ok, 1 a check found problems, 2 bad usage or configuration.
 */
import { Command } from 'commander';
import { configCheckCommand } from './commands/config-check';
import { migrateCommand } from './commands/migrate';
import { archiveVerifyCommand } from './commands/archive-verify';
import { policiesTestCommand } from './commands/policies-test';
import { registerApprovalsCommands } from './commands/approvals';
import { registerAuditCommands } from './commands/audit';
import { registerPolicyEvalCommand } from './commands/policies-eval';
import { registerAppsCommands } from './commands/apps';
import { msgauditStatusCommand } from './commands/msgaudit-status';
import { registerConsentCommands } from './commands/consent';
import { registerBindingsCommands } from './commands/bindings';
import { registerRightsCommands } from './commands/rights';
import { registerAlertsCommands } from './commands/alerts';
import { registerContentCommands } from './commands/content'; // content library
import { registerHandoverCommands } from './commands/handover'; // RM departure

const program = new Command('cgw').description('wechat-compliance-gateway operator CLI').showHelpAfterError();

program
  .command('config')
  .description('configuration')
  .command('check')
  .description('validate the configuration exactly as the gateway does at start, reporting every problem')
  .option('-c, --config <file>', 'YAML configuration file (default: $CGW_CONFIG)')
  .action(async (opts: { config?: string }) => {
    process.exitCode = await configCheckCommand(opts);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .option('-c, --config <file>', 'YAML configuration file (default: $CGW_CONFIG)')
  .option('--status', 'only show applied and pending migrations')
  .action(async (opts: { config?: string; status?: boolean }) => {
    process.exitCode = await migrateCommand(opts);
  });

program
  .command('archive')
  .description('the encrypted archive')
  .command('verify')
  .description('verify every hash chain and signed checkpoint: detects altered, deleted, inserted or reordered records and forged checkpoints')
  .option('-c, --config <file>', 'YAML configuration file (default: $CGW_CONFIG)')
  .option('--db <file>', 'an SQLite archive file (instead of --config)')
  .option('--pki <dir>', 'directory with the CA certificate (default: archive.pkiDir, or pki/ beside --db)')
  .option('--json', 'print a JSON summary on stdout (progress still goes to stderr)')
  .action(async (opts: { config?: string; db?: string; pki?: string; json?: boolean }) => {
    process.exitCode = await archiveVerifyCommand(opts);
  });

program
  .command('msgaudit')
  .description('WeCom chat-archive ingestion')
  .command('status')
  .description('per corp: last archived seq, last pull, lag, time left before Tencent\'s retention horizon, undecryptable records, why a puller stopped (reads the database directly)')
  .option('-c, --config <file>', 'YAML configuration file (default: $CGW_CONFIG)')
  .option('--json', 'print JSON on stdout')
  .action(async (opts: { config?: string; json?: boolean }) => {
    process.exitCode = await msgauditStatusCommand(opts);
  });

const policies = program.command('policies').description('the outbound policy engine');
policies
  .command('test')
  .description('run data-driven policy case files (policies/cases/*.yaml): prints each case, with the differences of failing ones')
  .argument('<files...>', 'case files')
  .action(async (files: string[]) => {
    process.exitCode = await policiesTestCommand(files);
  });

// Admin API commands; policies eval joins the `policies` group if a command above created it.
registerApprovalsCommands(program);
registerAuditCommands(program);
registerPolicyEvalCommand(program);
registerAppsCommands(program);
registerConsentCommands(program);
registerBindingsCommands(program);
registerRightsCommands(program);
registerAlertsCommands(program);
registerContentCommands(program); // content library
registerHandoverCommands(program); // RM departure

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`cgw: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
