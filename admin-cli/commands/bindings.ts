/** `cgw bindings bind|unbind|show` and `cgw customers records`: PII bindings to the bank's customer id, and everything with a customer, through the admin API. */
import type { Command } from 'commander';
import { adminClient, expectData, printJson, runCommand, usageErrorsExit2, withConnectionOptions, type ConnectionOptions } from '../api-client';
import { parsePerson, PERSON_HELP, readJsonObject } from './person-args';

interface ChangeOptions extends ConnectionOptions {
  person: string[];
  customer?: string;
  evidence: string;
  source?: 'crm_api' | 'import' | 'cli';
  occurredAt?: string;
  requestId?: string;
  json?: boolean;
}

interface RecordsOptions extends ConnectionOptions {
  decrypt?: boolean;
  limit?: string;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Register the bindings and customers commands on `program`. */
export function registerBindingsCommands(program: Command): void {
  const bindings = program.command('bindings').description("PII bindings of WeChat/WeCom ids to the bank's customer id (CIF)");

  const change = (name: 'bind' | 'unbind', describe: string) => {
    const command = withConnectionOptions(bindings.command(name).description(describe))
      .requiredOption('--person <person>', `${PERSON_HELP}; repeat for up to four ids`, collect)
      .requiredOption('--evidence <file>', 'a JSON object: what the change rests on (KYC reference, channel, the CRM record)');
    if (name === 'bind') command.requiredOption('--customer <id>', "the bank's customer id");
    command
      .option('--source <source>', 'crm_api, import or cli (default cli)')
      .option('--occurred-at <iso>', 'when it was established (default now)')
      .option('--request-id <id>', 'your id for this request: a retry with the same id records nothing new')
      .option('--json', 'print the result as JSON')
      .action(async (opts: ChangeOptions) => {
        process.exitCode = await runCommand(async () => {
          const common = {
            persons: opts.person.map(parsePerson),
            evidence: readJsonObject(opts.evidence),
            source: opts.source ?? 'cli',
            ...(opts.occurredAt ? { occurredAt: opts.occurredAt } : {}),
            ...(opts.requestId ? { requestId: opts.requestId } : {}),
          };
          const client = adminClient(opts);
          const result = await expectData(name === 'bind' ? client.POST('/bindings', { body: { ...common, customerId: opts.customer! } }) : client.POST('/bindings/unbind', { body: common }));
          if (opts.json) printJson(result);
          else process.stdout.write(`${result.action === 'bind' ? 'bound' : 'unbound'} ${result.persons} id(s), evidence record ${result.evidenceRecordId}\n`);
          return 0;
        });
      });
  };
  change('bind', "bind ids (an openid and its unionid, an external_userid) to a customer id, with evidence");
  change('unbind', 'unbind ids from their customer id, with evidence (history is kept)');

  withConnectionOptions(bindings.command('show').argument('<person>', PERSON_HELP).description("show a person's binding history (customer ids only with the bindings:read permission)"))
    .option('--json', 'print it as JSON')
    .action(async (spec: string, opts: ConnectionOptions & { json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const person = parsePerson(spec);
        const answer = await expectData(adminClient(opts).GET('/persons/{kind}/{personId}/bindings', { params: { path: { kind: person.kind, personId: person.id }, query: { account: person.account } } }));
        if (opts.json) printJson(answer);
        else {
          const hidden = answer.customerIdsShown ? '' : ' (customer ids hidden: your roles lack bindings:read)';
          const lines = [
            `person ${answer.person.kind} ${answer.person.id} on ${answer.person.account}: ${answer.bound ? `bound${answer.customerId ? ` to ${answer.customerId}` : ''}` : 'not bound'}${hidden}`,
            ...answer.history.map((b) => `  ${b.occurredAt}  ${b.action.padEnd(6)} ${b.kind} on ${b.accountId}${b.customerId ? ` -> ${b.customerId}` : ''}  ${b.source}${b.actor ? ` by ${b.actor}` : ''}  evidence ${b.evidenceRecordId}`),
          ];
          if (answer.history.length === 0) lines.push('  no binding history');
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return 0;
      });
    });
  usageErrorsExit2(bindings);

  const customers = program.command('customers').description("everything the archive holds about a bank customer");
  withConnectionOptions(customers.command('records').argument('<customerId>', "the bank's customer id").description("list the archive records about a customer (every id ever bound to it); --decrypt shows their content (needs consent:read; audited)"))
    .option('--decrypt', 'include each record decrypted')
    .option('--limit <n>', 'page size (1-200, default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--all', 'follow every page')
    .option('--json', 'print JSON (one page, or with --all every item)')
    .action(async (customerId: string, opts: RecordsOptions) => {
      process.exitCode = await runCommand(async () => {
        const client = adminClient(opts);
        let cursor = opts.cursor;
        const all = [];
        for (;;) {
          const query = { ...(opts.decrypt ? { decrypt: true } : {}), ...(opts.limit ? { limit: Number(opts.limit) } : {}), ...(cursor ? { cursor } : {}) };
          const page = await expectData(client.GET('/customers/{customerId}/records', { params: { path: { customerId }, query } }));
          if (opts.json && !opts.all) {
            printJson(page);
            return 0;
          }
          all.push(...page.items);
          if (!opts.json) {
            for (const r of page.items) process.stdout.write(`${r.occurredAt}  ${r.recordType.padEnd(22)} ${r.accountId}  ${r.recordId}${r.payload ? `\n  ${JSON.stringify(r.payload)}` : ''}\n`);
          }
          cursor = page.nextCursor ?? undefined;
          if (!opts.all || !cursor) break;
        }
        if (opts.json) printJson({ items: all });
        else {
          if (all.length === 0) process.stdout.write('no records\n');
          if (cursor) process.stdout.write(`more: --cursor ${cursor}\n`);
        }
        return 0;
      });
    });
  usageErrorsExit2(customers);
}
