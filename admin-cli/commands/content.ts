/**
 * `cgw content list|show|create|revise|submit|approve|reject|retire|messages`: the
 * pre-approved content library (text, image and link-card items) and its lifecycle,
 * through the admin API. Approval follows the two-person rule when the gateway
 * enforces it: another officer than the submitter approves.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { adminClient, CliFailure, expectData, printJson, runCommand, usageErrorsExit2, withConnectionOptions, type ConnectionOptions } from '../api-client';

type Item = components['schemas']['ContentItem'];
type ItemResult = components['schemas']['ContentItemResult'];
type ContentFields = Pick<components['schemas']['CreateContentItemRequest'], 'text' | 'link' | 'image'>;

interface ContentOptions extends ConnectionOptions {
  text?: string;
  textFile?: string;
  image?: string;
  linkUrl?: string;
  linkTitle?: string;
  linkDescription?: string;
  linkPicUrl?: string;
}

interface CreateOptions extends ContentOptions {
  label: string;
  json?: boolean;
}

interface ReviseOptions extends ContentOptions {
  version: string;
  label?: string;
  json?: boolean;
}

interface DecideOptions extends ConnectionOptions {
  version: string;
  note?: string;
  json?: boolean;
}

function itemLine(i: Item): string {
  return `${i.id}  ${i.status.padEnd(9)}  v${i.version}  ${i.kind.padEnd(5)}  ${i.label}  (updated ${i.updatedAt})`;
}

function itemDetails(i: Item): string {
  const lines = [itemLine(i), `fingerprint ${i.fingerprint}`, `content record ${i.contentRecordId}`];
  if (i.text !== null) lines.push(`text: ${i.text}`);
  if (i.link) lines.push(`link: ${i.link.title} <${i.link.url}>${i.link.description ? ` — ${i.link.description}` : ''}${i.link.picUrl ? ` [picture ${i.link.picUrl}]` : ''}`);
  if (i.image) lines.push(`image: ${i.image.contentType}, ${i.image.size} bytes, md5 ${i.image.md5}`);
  lines.push(`created ${i.createdAt} by ${i.createdBy}`);
  if (i.submittedAt) lines.push(`submitted ${i.submittedAt} by ${i.submittedBy}`);
  if (i.rejectedAt) lines.push(`rejected ${i.rejectedAt} by ${i.rejectedBy}`);
  if (i.approvedAt) lines.push(`approved ${i.approvedAt} by ${i.approvedBy}`);
  if (i.retiredAt) lines.push(`retired ${i.retiredAt} by ${i.retiredBy}`);
  return `${lines.join('\n')}\n`;
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new CliFailure(2, `cannot read the ${what} file ${file}`);
  }
}

function version(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new CliFailure(2, '--version must be a positive integer (the item version you reviewed)');
  return n;
}

/** The content fields the options give (none, for a label-only revision). @throws CliFailure 2 when they name more than one kind */
function contentFields(opts: ContentOptions): { kind?: 'text' | 'image' | 'link'; fields: ContentFields } {
  const kinds: ('text' | 'image' | 'link')[] = [];
  const fields: ContentFields = {};
  if (opts.text !== undefined && opts.textFile !== undefined) throw new CliFailure(2, 'give --text or --text-file, not both');
  if (opts.text !== undefined || opts.textFile !== undefined) {
    kinds.push('text');
    fields.text = opts.text ?? readFile(opts.textFile!, 'text').toString('utf8');
  }
  if (opts.image !== undefined) {
    kinds.push('image');
    fields.image = { dataBase64: readFile(opts.image, 'image').toString('base64'), filename: opts.image.split('/').pop()!.slice(0, 128) };
  }
  if (opts.linkUrl !== undefined || opts.linkTitle !== undefined) {
    if (!opts.linkUrl || !opts.linkTitle) throw new CliFailure(2, 'a link card needs --link-url and --link-title');
    kinds.push('link');
    fields.link = { url: opts.linkUrl, title: opts.linkTitle, ...(opts.linkDescription !== undefined ? { description: opts.linkDescription } : {}), ...(opts.linkPicUrl ? { picUrl: opts.linkPicUrl } : {}) };
  }
  if (kinds.length > 1) throw new CliFailure(2, `an item is one kind: give text, an image or a link card, not ${kinds.join(' and ')}`);
  return { ...(kinds[0] ? { kind: kinds[0] } : {}), fields };
}

function withContentOptions(command: Command): Command {
  return command
    .option('--text <text>', 'a text item: the text RMs send')
    .option('--text-file <file>', 'a text item, the text read from a UTF-8 file')
    .option('--image <file>', 'an image item: a JPEG, PNG or GIF file')
    .option('--link-url <url>', 'a link card: the page it opens (http or https)')
    .option('--link-title <title>', 'a link card: its title')
    .option('--link-description <text>', 'a link card: its description')
    .option('--link-pic-url <url>', 'a link card: its picture');
}

function printResult(result: ItemResult, json: boolean | undefined, verb: string): void {
  if (json) printJson(result);
  else process.stdout.write(`${result.item.id}: ${verb} (now ${result.item.status}, version ${result.item.version}), record ${result.recordId}\n`);
}

/** Register the content commands on `program`. */
export function registerContentCommands(program: Command): void {
  const content = program.command('content').description('the pre-approved content library: items RMs send from the WeCom sidebar');

  withConnectionOptions(content.command('list').description('list items, most recently changed first'))
    .option('--status <status>', 'draft, submitted, approved or retired')
    .option('--kind <kind>', 'text, image or link')
    .option('--limit <n>', 'page size (1-200, default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print the page as JSON')
    .action(async (opts: ConnectionOptions & { status?: Item['status']; kind?: Item['kind']; limit?: string; cursor?: string; json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const query = { ...(opts.status ? { status: opts.status } : {}), ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.limit ? { limit: Number(opts.limit) } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) };
        const page = await expectData(adminClient(opts).GET('/content-items', { params: { query } }));
        if (opts.json) printJson(page);
        else {
          process.stdout.write(page.items.length === 0 ? 'no content items match\n' : `${page.items.map(itemLine).join('\n')}\n`);
          if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
        }
        return 0;
      });
    });

  withConnectionOptions(content.command('show').argument('<itemId>').description('show one item: its content, fingerprint and lifecycle'))
    .option('--json', 'print it as JSON')
    .action(async (itemId: string, opts: ConnectionOptions & { json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const item = await expectData(adminClient(opts).GET('/content-items/{itemId}', { params: { path: { itemId } } }));
        if (opts.json) printJson(item);
        else process.stdout.write(itemDetails(item));
        return 0;
      });
    });

  withContentOptions(withConnectionOptions(content.command('create').description('create an item as a draft (version 1): give exactly one of --text/--text-file, --image, or --link-url with --link-title')))
    .requiredOption('--label <label>', "the library's name for the item, shown to RMs")
    .option('--json', 'print the result as JSON')
    .action(async (opts: CreateOptions) => {
      process.exitCode = await runCommand(async () => {
        const { kind, fields } = contentFields(opts);
        if (!kind) throw new CliFailure(2, 'give the content: --text, --text-file, --image, or --link-url with --link-title');
        const result = await expectData(adminClient(opts).POST('/content-items', { body: { label: opts.label, kind, ...fields } }));
        printResult(result, opts.json, 'created');
        return 0;
      });
    });

  withContentOptions(withConnectionOptions(content.command('revise').argument('<itemId>').description('revise a draft: new content of the same kind and/or a new label, as the next version')))
    .requiredOption('--version <n>', 'the version you are revising (the current one)')
    .option('--label <label>', 'a new label')
    .option('--json', 'print the result as JSON')
    .action(async (itemId: string, opts: ReviseOptions) => {
      process.exitCode = await runCommand(async () => {
        const { fields } = contentFields(opts);
        const body = { version: version(opts.version), ...(opts.label ? { label: opts.label } : {}), ...fields };
        const result = await expectData(adminClient(opts).POST('/content-items/{itemId}/revise', { params: { path: { itemId } }, body }));
        printResult(result, opts.json, 'revised');
        return 0;
      });
    });

  const decide = (action: 'submit' | 'approve' | 'reject' | 'retire', description: string, noteRequired: boolean) => {
    const command = withConnectionOptions(content.command(action).argument('<itemId>').description(description)).requiredOption('--version <n>', 'the version you reviewed (the current one)');
    (noteRequired ? command.requiredOption('--note <text>', 'why (archived with the transition)') : command.option('--note <text>', 'a note archived with the transition'))
      .option('--json', 'print the result as JSON')
      .action(async (itemId: string, opts: DecideOptions) => {
        process.exitCode = await runCommand(async () => {
          const body = { version: version(opts.version), ...(opts.note !== undefined ? { note: opts.note } : {}) };
          const client = adminClient(opts);
          const params = { params: { path: { itemId } } };
          const result = await expectData(
            action === 'submit' ? client.POST('/content-items/{itemId}/submit', { ...params, body })
              : action === 'approve' ? client.POST('/content-items/{itemId}/approve', { ...params, body })
                : action === 'reject' ? client.POST('/content-items/{itemId}/reject', { ...params, body: { ...body, note: opts.note! } })
                  : client.POST('/content-items/{itemId}/retire', { ...params, body: { ...body, note: opts.note! } }),
          );
          printResult(result, opts.json, { submit: 'submitted', approve: 'approved', reject: 'rejected', retire: 'retired' }[action]);
          return 0;
        });
      });
  };
  decide('submit', 'submit a draft for approval', false);
  decide('approve', 'approve a submitted item (two-person rule: not the submitter); RMs can then send it and matching messages are linked to it', false);
  decide('reject', 'reject a submitted item back to draft, with a note', true);
  decide('retire', 'retire an approved item, with a note: messages sent from then on no longer match it', true);

  withConnectionOptions(content.command('messages').argument('<itemId>').description('captured chat-archive messages that matched the item, newest first'))
    .option('--limit <n>', 'page size (1-200, default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print the page as JSON')
    .action(async (itemId: string, opts: ConnectionOptions & { limit?: string; cursor?: string; json?: boolean }) => {
      process.exitCode = await runCommand(async () => {
        const query = { ...(opts.limit ? { limit: Number(opts.limit) } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) };
        const page = await expectData(adminClient(opts).GET('/content-items/{itemId}/messages', { params: { path: { itemId }, query } }));
        if (opts.json) printJson(page);
        else {
          process.stdout.write(page.items.length === 0 ? 'no captured message matched this item\n' : `${page.items.map((m) => `${m.sentAt}  record ${m.recordId}  v${m.itemVersion}  ${m.msgtype}  ${m.accountId}  sender ${m.senderIndex ?? '-'}`).join('\n')}\n`);
          if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
        }
        return 0;
      });
    });
  usageErrorsExit2(content);
}
