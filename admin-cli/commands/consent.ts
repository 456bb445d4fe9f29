/** `cgw consent show|record`: a person's consent (derived state and ledger history), and an officer's recorded changes, through the admin API. */
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { adminClient, CliFailure, expectData, printJson, runCommand, usageErrorsExit2, withConnectionOptions, type ConnectionOptions } from '../api-client';
import { list, parsePerson, PERSON_HELP, readJsonObject } from './person-args';

type Schemas = components['schemas'];
type Purpose = Schemas['ConsentPurpose'];

const PURPOSES = new Set(['archiving', 'marketing', 'cross_border', 'sensitive', 'processing']);

interface RecordOptions extends ConnectionOptions {
  grant?: string;
  withdraw?: string;
  language?: Schemas['ConsentLanguage'];
  basis: string;
  occurredAt?: string;
  evidence?: string;
  requestId?: string;
  json?: boolean;
}

/** The derived state as a table a person reads. */
export function consentStateLines(current: Schemas['ConsentState']): string[] {
  return [
    `retained for legal obligation only: ${current.retainedForLegalObligationOnly ? 'YES (processing withdrawn)' : 'no'}`,
    `${'purpose'.padEnd(13)} ${'state'.padEnd(10)} ${'effective'.padEnd(10)} ${'since'.padEnd(24)} notice`,
    ...current.purposes.map((p) => `${p.purpose.padEnd(13)} ${p.state.padEnd(10)} ${p.effectiveState.padEnd(10)} ${(p.since ?? '-').padEnd(24)} ${p.noticeVersion ? `${p.noticeVersion.slice(0, 12)}…` : '-'}`),
  ];
}

function entryLine(e: Schemas['ConsentEntry']): string {
  return `  ${e.occurredAt}  ${e.purpose} ${e.action}  ${e.source}/${e.channel}${e.actor ? ` by ${e.actor}` : ''}  evidence ${e.evidenceRecordId}`;
}

/** Register the consent commands on `program`. */
export function registerConsentCommands(program: Command): void {
  const consent = program.command('consent').description("a person's PIPL consent: derived state, ledger history, an officer's recorded changes");

  withConnectionOptions(consent.command('show').argument('<person>', PERSON_HELP).description('show the derived consent per purpose and the full ledger history (the reading is audited)'))
    .option('--json', 'print it as JSON')
    .action(async (spec: string, opts: ConnectionOptions & { json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const person = parsePerson(spec);
        const answer = await expectData(adminClient(opts).GET('/persons/{kind}/{personId}/consent', { params: { path: { kind: person.kind, personId: person.id }, query: { account: person.account } } }));
        if (opts.json) printJson(answer);
        else {
          const lines = [
            `person ${answer.person.kind} ${answer.person.id} on ${answer.person.account}`,
            ...consentStateLines(answer.current),
            `history (${answer.history.length} entr${answer.history.length === 1 ? 'y' : 'ies'}, oldest first)${answer.history.length === 0 ? ': none' : ':'}`,
            ...answer.history.map(entryLine),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return 0;
      });
    });

  withConnectionOptions(consent.command('record').argument('<person>', PERSON_HELP).description('record consent changes received outside the gateway (a paper form, an import), with the basis'))
    .option('--grant <purposes>', 'purposes granted, comma-separated (archiving, marketing, cross_border, sensitive, processing)')
    .option('--withdraw <purposes>', 'purposes withdrawn, comma-separated')
    .option('--language <lang>', 'the language of the notice the person saw (zh-CN or en)')
    .requiredOption('--basis <text>', 'what the change rests on, e.g. "signed form, branch 12, scan DMS-4411"')
    .option('--occurred-at <iso>', 'when the person made the choice (default now)')
    .option('--evidence <file>', 'a JSON object of further evidence kept with the request')
    .option('--request-id <id>', 'your id for this request: a retry with the same id records nothing new')
    .option('--json', 'print the result as JSON')
    .action(async (spec: string, opts: RecordOptions) => {
      process.exitCode = await runCommand(async () => {
        const person = parsePerson(spec);
        const changes = [...list(opts.grant).map((p) => ({ p, action: 'grant' as const })), ...list(opts.withdraw).map((p) => ({ p, action: 'withdraw' as const }))];
        if (changes.length === 0) throw new CliFailure(2, 'name at least one purpose with --grant or --withdraw');
        const unknown = changes.find((c) => !PURPOSES.has(c.p));
        if (unknown) throw new CliFailure(2, `unknown purpose ${unknown.p}: use archiving, marketing, cross_border, sensitive or processing`);
        const body = {
          account: person.account,
          changes: changes.map((c) => ({ purpose: c.p as Purpose, action: c.action, ...(opts.language ? { language: opts.language } : {}) })),
          basis: opts.basis,
          ...(opts.occurredAt ? { occurredAt: opts.occurredAt } : {}),
          ...(opts.evidence ? { evidence: readJsonObject(opts.evidence) } : {}),
          ...(opts.requestId ? { requestId: opts.requestId } : {}),
        };
        const result = await expectData(adminClient(opts).POST('/persons/{kind}/{personId}/consent', { params: { path: { kind: person.kind, personId: person.id } }, body }));
        if (opts.json) printJson(result);
        else {
          const what = result.duplicate ? 'already recorded (same request id): nothing new' : `recorded ${result.entries.length} entr${result.entries.length === 1 ? 'y' : 'ies'}`;
          process.stdout.write(`${what}, evidence record ${result.evidenceRecordId}\n${consentStateLines(result.current).join('\n')}\n`);
        }
        return 0;
      });
    });
  usageErrorsExit2(consent);
}
