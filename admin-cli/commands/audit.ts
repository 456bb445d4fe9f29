/**
 * `cgw audit list|verify`. Both go through the admin API by default (so the
 * reading is itself audited); `verify --db/--config` reads the database
 * directly, like `cgw archive verify`, for an auditor without API access or
 * a gateway that is down. Exit 1 when verification finds anything.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { createDataSource, type DatabaseConfig } from '../../gateway/db/data-source';
import { verifyAuditLog } from '../../gateway/audit/verify-audit-log';
import { usageErrorsExit2, adminClient, CliFailure, expectData, printJson, runCommand, withConnectionOptions, type ConnectionOptions } from '../api-client';
import { loadCliConfig } from './load';

type AuditVerifyReport = components['schemas']['AuditVerifyReport'];
type AuditEventType = components['schemas']['AuditEventType'];
type AuditOutcome = components['schemas']['AuditOutcome'];

interface ListOptions extends ConnectionOptions {
  type?: AuditEventType;
  actor?: string;
  target?: string;
  outcome?: AuditOutcome;
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
  limit?: string;
  cursor?: string;
  json?: boolean;
}

interface VerifyOptions extends ConnectionOptions {
  db?: string;
  config?: string;
  json?: boolean;
}

/** Register the audit commands on `program`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the chained audit log of admin actions');

  withConnectionOptions(audit.command('list').description('list audit events, newest first'))
    .option('--type <code>', 'only this event type (see docs/audit-event-types.md)')
    .option('--actor <subject>', "only this actor's events")
    .option('--target <id>', 'only events on this target (e.g. a message id)')
    .option('--outcome <outcome>', 'success, failure or denied')
    .option('--from <iso>', 'events at or after this instant (ISO 8601)')
    .option('--to <iso>', 'events before this instant (ISO 8601)')
    .option('--order <order>', 'asc or desc (default desc)')
    .option('--limit <n>', 'page size (1-200, default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print the page as JSON')
    .action(async (opts: ListOptions) => {
      process.exitCode = await runCommand(async () => {
        const query = {
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.actor ? { actor: opts.actor } : {}),
          ...(opts.target ? { target: opts.target } : {}),
          ...(opts.outcome ? { outcome: opts.outcome } : {}),
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.order ? { order: opts.order } : {}),
          ...(opts.limit ? { limit: Number(opts.limit) } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        };
        const page = await expectData(adminClient(opts).GET('/audit-events', { params: { query } }));
        if (opts.json) printJson(page);
        else {
          for (const e of page.items) {
            const details = Object.keys(e.details).length > 0 ? `  ${JSON.stringify(e.details)}` : '';
            process.stdout.write(`#${e.seq}  ${e.at}  ${e.type}  ${e.outcome}  ${e.actor.subject} (${e.actor.via})${e.target ? `  on ${e.target}` : ''}${e.contentHash ? `  content ${e.contentHash.slice(0, 12)}…` : ''}${details}\n`);
          }
          if (page.items.length === 0) process.stdout.write('no audit events match\n');
          if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
        }
        return 0;
      });
    });

  withConnectionOptions(audit.command('verify').description("verify the audit log's hash chain: detects altered, deleted, inserted or reordered events"))
    .option('-c, --config <file>', 'read the database named in this configuration directly (no API)')
    .option('--db <file>', 'read this SQLite database directly (no API)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: VerifyOptions) => {
      process.exitCode = await runCommand(async () => {
        const report = opts.db || opts.config ? await verifyDirectly(opts) : await expectData(adminClient(opts).POST('/audit/verify', {}));
        if (opts.json) printJson(report);
        else process.stdout.write(humanReport(report));
        return report.ok ? 0 : 1;
      });
    });
  usageErrorsExit2(audit);
}

async function verifyDirectly(opts: VerifyOptions): Promise<AuditVerifyReport> {
  let database: DatabaseConfig;
  if (opts.db) {
    // SQLite would create a missing file: a typo must not verify an empty log.
    if (!existsSync(opts.db)) throw new CliFailure(2, `no database at ${opts.db}`);
    database = { type: 'sqlite', path: opts.db };
  } else {
    const config = loadCliConfig(opts.config);
    if (!config) throw new CliFailure(2, 'the configuration is invalid (see above)');
    database = config.database;
  }
  const dataSource = await createDataSource(database).initialize();
  try {
    return await verifyAuditLog(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function humanReport(r: AuditVerifyReport): string {
  const lines = [
    r.ok ? 'audit log verified: no alteration, deletion, insertion or reordering found' : 'AUDIT LOG VERIFICATION FAILED',
    `  events  ${r.events}, head #${r.head.seq} ${r.head.hash}`,
    ...r.findings.map((f) => `  seq ${f.seq}${f.eventId ? ` event ${f.eventId}` : ''}: ${f.kind}: ${f.detail}`),
  ];
  return `${lines.join('\n')}\n`;
}
