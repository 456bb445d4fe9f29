/**
 * The typed admin API client `cgw` uses (openapi-fetch over the generated
 * types), where its URL and token come from, and how problems are printed.
 * Exit codes (admin-cli/main.ts): 0 ok; 1 the gateway refused a well-formed
 * request (409), failed (5xx) or could not be reached, or a check found
 * problems; 2 bad usage or configuration (missing URL or token, 400, 401,
 * 403, 404, 405, 413, 415).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../gateway/admin-api/generated/openapi';

/** The typed client. */
export type AdminClient = Client<paths>;

/** Connection flags every API command takes. */
export interface ConnectionOptions {
  url?: string;
  token?: string;
  tokenFile?: string;
}

/** Refusals that mean the invocation or its configuration is wrong. */
const USAGE_STATUSES = new Set([400, 401, 403, 404, 405, 413, 415]);

/** A failure already explained on stderr; carries the exit code. */
export class CliFailure extends Error {
  constructor(readonly exitCode: 1 | 2, message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** Add --url, --token and --token-file to `command`. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'gateway base URL (default: $CGW_ADMIN_URL)')
    .option('--token <token>', 'bearer token: an SSO JWT or the local admin token (default: $CGW_ADMIN_TOKEN; prefer the variable or --token-file, a flag shows in process lists)')
    .option('--token-file <file>', 'read the bearer token from this file');
}

/** A client for the admin API. @throws CliFailure 2 when the URL or token is missing */
export function adminClient(options: ConnectionOptions): AdminClient {
  const url = options.url ?? process.env.CGW_ADMIN_URL;
  if (!url) throw new CliFailure(2, 'no admin API URL: pass --url or set CGW_ADMIN_URL (e.g. http://127.0.0.1:8080)');
  let token = options.token ?? process.env.CGW_ADMIN_TOKEN;
  if (options.tokenFile) {
    try {
      token = readFileSync(options.tokenFile, 'utf8').trim();
    } catch {
      throw new CliFailure(2, `cannot read the token file ${options.tokenFile}`);
    }
  }
  if (!token) throw new CliFailure(2, 'no admin token: set CGW_ADMIN_TOKEN, or pass --token-file (the embedded default keeps one in <dataDir>/admin-token)');
  return createClient<paths>({ baseUrl: `${url.replace(/\/+$/, '')}/admin/v1`, headers: { authorization: `Bearer ${token}` } });
}

/** The data of a successful call. @throws CliFailure after printing the problem (or the network failure) to stderr */
export async function expectData<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliFailure(1, `cannot reach the admin API (${cause})`);
  }
  if (result.response.ok && result.data !== undefined) return result.data;
  const status = result.response.status;
  throw new CliFailure(USAGE_STATUSES.has(status) ? 2 : 1, describeProblem(status, result.error));
}

/** A problem+json answer as lines a person can act on: status, type, title, detail, field problems, instance. */
export function describeProblem(status: number, error: unknown): string {
  const p = (typeof error === 'object' && error !== null ? error : {}) as { type?: string; title?: string; detail?: string; instance?: string; errors?: { pointer: string; message: string }[] };
  const slug = typeof p.type === 'string' ? p.type.replace('https://cgw.dev/problems/', '') : 'error';
  const lines = [`${status} ${slug}: ${p.title ?? (typeof error === 'string' && error ? error.slice(0, 200) : 'request failed')}`];
  if (p.detail) lines.push(`  ${p.detail}`);
  for (const e of p.errors ?? []) lines.push(`  ${e.pointer || '/'}: ${e.message}`);
  if (p.instance) lines.push(`  error id: ${p.instance}`);
  return lines.join('\n');
}

/** Run a command body, turning CliFailure into its message on stderr and its exit code. */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CliFailure) {
      process.stderr.write(`cgw: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

/** Print `value` as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Make commander's own usage errors (missing required option, unknown option)
 * exit 2 like every other usage problem, for `command` and its subcommands.
 */
export function usageErrorsExit2(command: Command): Command {
  command.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  for (const sub of command.commands) usageErrorsExit2(sub);
  return command;
}
