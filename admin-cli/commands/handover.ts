/**
 * `cgw handover start|status|list|records`: RM departure through the admin API — hand an RM's
 * customers and groups over to another RM (WeCom in-service or resigned transfer), follow it,
 * and list everything involving an RM (their records, their handed-over customers', the
 * hand-over records).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { adminClient, CliFailure, expectData, printJson, runCommand, usageErrorsExit2, withConnectionOptions, type ConnectionOptions } from '../api-client';
import { list } from './person-args';

type Schemas = components['schemas'];
type Handover = Schemas['Handover'];

interface StartOptions extends ConnectionOptions {
  corp: string;
  mode: string;
  from: string;
  to: string;
  customers?: string;
  customersFile?: string;
  groups: boolean;
  message?: string;
  requestId?: string;
  json?: boolean;
}

interface RecordsOptions extends ConnectionOptions {
  corp: string;
  rm: string;
  decrypt?: boolean;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

const MODES = new Set(['in-service', 'resigned']);

function counts(c: Schemas['HandoverItemCounts']): string {
  const parts = (['pending', 'calling', 'waiting', 'succeeded', 'refused', 'limit_exceeded', 'rejected', 'skipped', 'failed'] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  return `${c.total}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** The lines `status` prints. */
export function handoverLines(h: Handover): string[] {
  const lines = [
    `hand-over ${h.id}  ${h.status}`,
    `  ${h.mode} on ${h.corp}: ${h.handoverUserid} -> ${h.takeoverUserid}, started ${h.createdAt} by ${h.startedBy}`,
    `  customers ${counts(h.customers)}`,
    `  groups ${counts(h.groups)}`,
  ];
  if (h.failure) lines.push(`  FAILED ${h.failure.code}: ${h.failure.detail}`);
  if (h.note) lines.push(`  note: ${h.note}`);
  if (h.finishedAt) lines.push(`  finished ${h.finishedAt}`);
  else if (h.nextRunAt) lines.push(`  next step at ${h.nextRunAt}`);
  for (const c of h.customerItems ?? []) lines.push(`  customer ${c.externalUserId}  ${c.status}${c.reason ? `  ${c.reason}` : ''}${c.detail ? `: ${c.detail}` : ''}${c.takeoverAt ? `  taken over ${c.takeoverAt}` : ''}`);
  for (const g of h.groupItems ?? []) lines.push(`  group ${g.chatId}  ${g.status}${g.reason ? `  ${g.reason}` : ''}${g.detail ? `: ${g.detail}` : ''}`);
  if (h.recordIds) lines.push(`  archive records: ${h.recordIds.length}`);
  return lines;
}

function customersOf(opts: StartOptions): string[] | undefined {
  const given = list(opts.customers);
  if (opts.customersFile) {
    let text: string;
    try {
      text = readFileSync(opts.customersFile, 'utf8');
    } catch {
      throw new CliFailure(2, `cannot read ${opts.customersFile}`);
    }
    given.push(...text.split(/[\s,]+/).filter((id) => id !== ''));
  }
  return given.length > 0 ? given : undefined;
}

/** Register the hand-over commands on `program`. */
export function registerHandoverCommands(program: Command): void {
  const handover = program.command('handover').description("RM departure: hand an RM's WeCom customers and groups over to another RM, follow it, and find everything involving an RM");

  withConnectionOptions(handover.command('start').description("start a hand-over of an RM's customers and groups (WeCom transfers them; takeovers happen 24 h later unless a customer refuses)"))
    .requiredOption('--corp <id>', 'the WeCom corp, as configured')
    .requiredOption('--mode <mode>', 'in-service (the RM stays) or resigned (the RM has left WeCom)')
    .requiredOption('--from <userid>', 'the RM whose customers are handed over')
    .requiredOption('--to <userid>', 'the RM who takes them over')
    .option('--customers <ids>', 'only these customers (external_userids, comma-separated); default all the RM has')
    .option('--customers-file <file>', 'only the customers listed in this file (external_userids, one per line)')
    .option('--no-groups', "leave the RM's customer groups")
    .option('--message <text>', 'in-service only: what WeCom tells each customer (at most 200 characters)')
    .option('--request-id <id>', 'your id for this request: a retry with the same id answers the hand-over it started')
    .option('--json', 'print the hand-over as JSON')
    .action(async (opts: StartOptions) => {
      process.exitCode = await runCommand(async () => {
        if (!MODES.has(opts.mode)) throw new CliFailure(2, `unknown mode ${opts.mode}: use in-service or resigned`);
        const externalUserIds = customersOf(opts);
        const body = {
          corp: opts.corp, mode: opts.mode as Schemas['HandoverMode'], handoverUserid: opts.from, takeoverUserid: opts.to, includeGroups: opts.groups,
          ...(externalUserIds ? { externalUserIds } : {}),
          ...(opts.message !== undefined ? { transferSuccessMsg: opts.message } : {}),
          ...(opts.requestId ? { requestId: opts.requestId } : {}),
        };
        const started = await expectData(adminClient(opts).POST('/handovers', { body }));
        if (opts.json) printJson(started);
        else {
          const skipped = started.customers.skipped;
          const head = started.duplicate ? `hand-over ${started.id} was already started with this request id` : `hand-over ${started.id} started`;
          const lines = [
            `${head} (${started.mode}): ${started.handoverUserid} -> ${started.takeoverUserid}, ${started.customers.total} customer(s), ${started.groups.total} group(s)`,
            ...(skipped > 0 ? [`${skipped} customer(s) refused before calling: WeCom allows 2 in-service transfers per customer in 90 days (cgw handover status ${started.id})`] : []),
            `follow it: cgw handover status ${started.id}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return 0;
      });
    });

  withConnectionOptions(handover.command('status').argument('<handoverId>').description("a hand-over's state, each customer's and group's (exit 1 when it failed)"))
    .option('--json', 'print it as JSON')
    .action(async (handoverId: string, opts: ConnectionOptions & { json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const found = await expectData(adminClient(opts).GET('/handovers/{handoverId}', { params: { path: { handoverId } } }));
        if (opts.json) printJson(found);
        else process.stdout.write(`${handoverLines(found).join('\n')}\n`);
        return found.status === 'failed' ? 1 : 0;
      });
    });

  withConnectionOptions(handover.command('list').description('hand-overs, newest first'))
    .option('--corp <id>', 'only this corp')
    .option('--status <status>', 'transferring, waiting, completed or failed')
    .option('--limit <n>', 'at most this many (1-200, default 50)')
    .option('--json', 'print JSON')
    .action(async (opts: ConnectionOptions & { corp?: string; status?: Schemas['HandoverStatus']; limit?: string; json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const query = { ...(opts.corp ? { corp: opts.corp } : {}), ...(opts.status ? { status: opts.status } : {}), ...(opts.limit ? { limit: Number(opts.limit) } : {}) };
        const answer = await expectData(adminClient(opts).GET('/handovers', { params: { query } }));
        if (opts.json) printJson(answer);
        else {
          const line = (h: Handover) => `${h.id}  ${h.status.padEnd(12)}  ${h.mode.padEnd(10)}  ${h.corp}  ${h.handoverUserid} -> ${h.takeoverUserid}  customers ${h.customers.succeeded}/${h.customers.total} taken over  ${h.createdAt}`;
          process.stdout.write(answer.items.length === 0 ? 'no hand-overs match\n' : `${answer.items.map(line).join('\n')}\n`);
        }
        return 0;
      });
    });

  withConnectionOptions(handover.command('records').description("everything involving an RM: their own records, every customer handed to or from them (whole history), the hand-over records (the reading is audited)"))
    .requiredOption('--corp <id>', 'the WeCom corp, as configured')
    .requiredOption('--rm <userid>', "the RM's WeCom userid")
    .option('--decrypt', 'include each record decrypted (needs consent:read)')
    .option('--limit <n>', 'records per page (1-200, default 50)')
    .option('--cursor <cursor>', 'the next page (printed after each page)')
    .option('--json', 'print JSON')
    .action(async (opts: RecordsOptions) => {
      process.exitCode = await runCommand(async () => {
        const query = { decrypt: opts.decrypt === true, ...(opts.limit ? { limit: Number(opts.limit) } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) };
        const page = await expectData(adminClient(opts).GET('/rms/{corp}/{userid}/records', { params: { path: { corp: opts.corp, userid: opts.rm }, query } }));
        if (opts.json) printJson(page);
        else {
          const lines = [
            `RM ${opts.rm} on ${page.corp}: ${page.handovers.length === 0 ? 'no hand-overs' : page.handovers.map((h) => `${h.role} in ${h.id} (${h.mode}, ${h.status})`).join('; ')}`,
            ...page.items.map((r) => `  ${r.occurredAt}  ${r.recordType.padEnd(20)}  ${r.recordId}  [${r.involvement.join(', ')}]`),
            page.nextCursor ? `more: --cursor ${page.nextCursor}` : `(${page.items.length} record(s) on this page, the last page)`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return 0;
      });
    });
  usageErrorsExit2(handover);
}
