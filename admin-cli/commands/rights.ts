/**
 * `cgw rights access|restrict|lift`: PIPL rights requests through the admin
 * API. The access file is personal data in clear: it is streamed to a new
 * file readable by its owner only (0600), never over an existing one unless
 * --force, and its sha256 printed so it can be matched to the archived
 * rights.access record.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { adminClient, CliFailure, expectData, printJson, runCommand, usageErrorsExit2, withConnectionOptions, type ConnectionOptions } from '../api-client';
import { consentStateLines } from './consent';
import { parsePerson, PERSON_HELP } from './person-args';

interface AccessOptions extends ConnectionOptions {
  out: string;
  force?: boolean;
  omitMediaBytes?: boolean;
  json?: boolean;
}

interface ProcessingOptions extends ConnectionOptions {
  basis: string;
  requestId?: string;
  json?: boolean;
}

/** Register the rights commands on `program`. */
export function registerRightsCommands(program: Command): void {
  const rights = program.command('rights').description('PIPL rights requests: access (everything held about a person, as a file), restricting processing');

  withConnectionOptions(rights.command('access').argument('<person>', PERSON_HELP).description('answer an access request: write everything held about the person, decrypted, to a JSON file (archived as rights.access and audited)'))
    .requiredOption('--out <file>', 'where to write the file (created with mode 0600)')
    .option('--force', 'overwrite the file if it exists')
    .option('--omit-media-bytes', 'leave media files out (their size and hashes stay)')
    .option('--json', 'print a JSON summary')
    .action(async (spec: string, opts: AccessOptions) => {
      process.exitCode = await runCommand(async () => {
        const person = parsePerson(spec);
        const body = { person, omitMediaBytes: opts.omitMediaBytes === true };
        const call = adminClient(opts).POST('/rights/access', { body, parseAs: 'stream' });
        const stream = (await expectData(call)) as unknown as WebReadableStream<Uint8Array> | null;
        const { response } = await call;
        if (!stream) throw new CliFailure(1, 'the gateway answered without a file');
        const hash = createHash('sha256');
        let size = 0;
        const counting = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        let out;
        try {
          out = createWriteStream(opts.out, { flags: opts.force ? 'w' : 'wx', mode: 0o600 });
          await pipeline(Readable.fromWeb(stream), counting, out);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'EEXIST') throw new CliFailure(2, `${opts.out} exists: choose another --out, or pass --force`);
          if (out) rmSync(opts.out, { force: true });
          throw new CliFailure(1, `the file could not be written (${code ?? (err as Error).message}); nothing was kept`);
        }
        const summary = { file: opts.out, size, sha256: hash.digest('hex'), recordId: response.headers.get('x-cgw-record-id') };
        if (opts.json) printJson(summary);
        else process.stdout.write(`wrote ${summary.file}: ${summary.size} bytes, sha256 ${summary.sha256}\nrights.access record ${summary.recordId} (holds the same sha256 and size)\n`);
        return 0;
      });
    });

  const processing = (name: 'restrict' | 'lift', describe: string) => {
    withConnectionOptions(rights.command(name).argument('<person>', PERSON_HELP).description(describe))
      .requiredOption('--basis <text>', 'the request and how it reached the bank, e.g. "written request of 2031-05-02, ticket PIPL-118"')
      .option('--request-id <id>', 'your id for this request: a retry with the same id records nothing new')
      .option('--json', 'print the result as JSON')
      .action(async (spec: string, opts: ProcessingOptions) => {
        process.exitCode = await runCommand(async () => {
          const body = { person: parsePerson(spec), basis: opts.basis, ...(opts.requestId ? { requestId: opts.requestId } : {}) };
          const client = adminClient(opts);
          const result = await expectData(name === 'restrict' ? client.POST('/rights/restrict', { body }) : client.POST('/rights/lift', { body }));
          if (opts.json) printJson(result);
          else process.stdout.write(`${name === 'restrict' ? 'processing restricted' : 'restriction lifted'}${result.duplicate ? ' (already recorded under this request id)' : ''}, evidence record ${result.evidenceRecordId}\n${consentStateLines(result.current).join('\n')}\n`);
          return 0;
        });
      });
  };
  processing('restrict', 'withdraw processing consent: retained for legal obligation only (regulated records kept, nothing else sent)');
  processing('lift', 'lift a processing restriction: processing consent granted again');
  usageErrorsExit2(rights);
}
