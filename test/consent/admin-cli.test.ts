/**
 * `cgw consent`, `cgw bindings`, `cgw customers`, `cgw rights` and `cgw alerts`,
 * run as the real CLI process against a real gateway (local admin token), on
 * SQLite and PostgreSQL: what they print, the files they write, their exit codes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { createSimulatedAccount } from '../../gateway/simulator/accounts';
import { DATABASE_KINDS } from '../db';
import { ACCOUNT_ID, CORP_ID, startOutboundHarness, type OutboundHarness } from '../outbound/outbound-harness';

jest.setTimeout(180_000);

const dir = mkdtempSync(path.join(tmpdir(), 'cgw-consent-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe.each(DATABASE_KINDS)('cgw consent, bindings, customers, rights and alerts (%s)', (kind) => {
  let h: OutboundHarness;
  let env: Record<string, string>;
  beforeAll(async () => {
    const wealth = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:9/unused', mode: 'safe' });
    h = await startOutboundHarness({ kind, extraAccounts: [{ id: 'wealth-oa', appId: wealth.appId, appSecret: wealth.appSecret, originalId: wealth.originalId, token: wealth.token, encodingAESKey: wealth.encodingAESKey, mode: 'safe' }] });
    env = { CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: h.adminToken };
  });
  afterAll(async () => h?.close({ drop: true }));

  const evidenceFile = (name: string, value: unknown) => {
    const file = path.join(dir, `${kind}-${name}.json`);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('records an officer\'s consent changes and shows the derived state and history', async () => {
    const openid = await h.strangerWhoWrote('你好');
    const who = `openid:${openid}@${ACCOUNT_ID}`;
    const recorded = await runCli(['consent', 'record', who, '--grant', 'marketing', '--withdraw', 'cross_border', '--language', 'zh-CN', '--basis', 'signed paper form, branch 12', '--evidence', evidenceFile('form', { scan: 'DMS-1' })], env);
    expect(recorded).toMatchObject({ code: 0, stderr: '' });
    expect(recorded.stdout).toMatch(new RegExp(`^recorded 2 entries, evidence record ${UUID.source}\nretained for legal obligation only: no\n`));
    expect(recorded.stdout).toMatch(/^marketing {5}granted {4}granted {4}\S+Z -$/m);

    const shown = await runCli(['consent', 'show', who], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`person openid ${openid} on ${ACCOUNT_ID}\n`);
    expect(shown.stdout).toMatch(/^cross_border +withdrawn +withdrawn /m);
    expect(shown.stdout).toMatch(/^history \(2 entries, oldest first\):\n {2}\S+ {2}marketing grant {2}admin\/admin_api by local-admin {2}evidence /m);
    const json = JSON.parse((await runCli(['consent', 'show', who, '--json'], env)).stdout);
    expect(json).toMatchObject({ person: { kind: 'openid', id: openid, account: ACCOUNT_ID }, history: [{ purpose: 'marketing' }, { purpose: 'cross_border' }] });
  });

  it('says what is wrong with a person, a purpose or a missing basis (exit 2), and passes on the gateway\'s validation problem', async () => {
    const bad = await runCli(['consent', 'show', 'oNoKindGiven'], env);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('a person is KIND:ID@ACCOUNT') });
    const noBasis = await runCli(['consent', 'record', `openid:oAbCdEfGhIjKlMnOpQrStUvWx1@${ACCOUNT_ID}`, '--grant', 'marketing'], env);
    expect(noBasis).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--basis <text>' not specified") });
    const purpose = await runCli(['consent', 'record', `openid:oAbCdEfGhIjKlMnOpQrStUvWx1@${ACCOUNT_ID}`, '--grant', 'lottery', '--basis', 'x'], env);
    expect(purpose).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown purpose lottery') });
    const malformed = await runCli(['consent', 'show', `openid:bad id@${ACCOUNT_ID}`], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('400 validation-failed');
    expect(malformed.stderr).toContain('/path/personId: must match pattern');
    const account = await runCli(['consent', 'show', 'openid:oAbCdEfGhIjKlMnOpQrStUvWx1@nope-oa'], env);
    expect(account).toMatchObject({ code: 2, stderr: expect.stringContaining('400 invalid-request') });
  });

  it('binds, shows and unbinds with evidence, and reports a conflict as exit 1', async () => {
    const openid = await h.strangerWhoWrote('bind me');
    const who = `openid:${openid}@${ACCOUNT_ID}`;
    const customer = `CIF-CLI-${kind}`;
    const bound = await runCli(['bindings', 'bind', '--person', who, '--customer', customer, '--evidence', evidenceFile('kyc', { kyc: 'branch 12' })], env);
    expect(bound).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^bound 1 id\\(s\\), evidence record ${UUID.source}\n$`)) });
    const shown = await runCli(['bindings', 'show', who], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`person openid ${openid} on ${ACCOUNT_ID}: bound to ${customer}\n`);
    expect(shown.stdout).toMatch(new RegExp(`^ {2}\\S+ {2}bind {3}openid on ${ACCOUNT_ID} -> ${customer} {2}cli by local-admin {2}evidence `, 'm'));

    const noEvidence = await runCli(['bindings', 'bind', '--person', who, '--customer', customer], env);
    expect(noEvidence).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--evidence <file>' not specified") });
    // The openid wrote to test-oa: it cannot be bound on wealth-oa (409, exit 1); an unconfigured account is a usage error (400, exit 2).
    const conflict = await runCli(['bindings', 'bind', '--person', `openid:${openid}@wealth-oa`, '--customer', customer, '--evidence', evidenceFile('kyc', { kyc: 'x' })], env);
    expect(conflict).toMatchObject({ code: 1, stderr: expect.stringContaining('409 binding-conflict: The id belongs to another account and cannot be bound here') });
    const unknown = await runCli(['bindings', 'bind', '--person', `openid:${openid}@nope-oa`, '--customer', customer, '--evidence', evidenceFile('kyc', { kyc: 'x' })], env);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('400 invalid-request') });

    const unbound = await runCli(['bindings', 'unbind', '--person', who, '--evidence', evidenceFile('closed', { reason: 'account closed' }), '--json'], env);
    expect(JSON.parse(unbound.stdout)).toMatchObject({ action: 'unbind', persons: 1 });
    expect((await runCli(['bindings', 'show', who], env)).stdout).toContain(': not bound\n');
  });

  it('lists everything with a customer, and decrypted with --decrypt --all', async () => {
    const openid = await h.strangerWhoWrote('customer-records-marker');
    const customer = `CIF-REC-${kind}`;
    expect((await runCli(['bindings', 'bind', '--person', `openid:${openid}@${ACCOUNT_ID}`, '--customer', customer, '--evidence', evidenceFile('kyc2', { kyc: 'b' })], env)).code).toBe(0);
    const listed = await runCli(['customers', 'records', customer], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^\\S+Z {2}oa\\.inbound +${ACCOUNT_ID} {2}${UUID.source}$`, 'm'));
    expect(listed.stdout).not.toContain('customer-records-marker');
    const all = JSON.parse((await runCli(['customers', 'records', customer, '--decrypt', '--all', '--limit', '1', '--json'], env)).stdout);
    expect(all.items.length).toBe((await h.gateway.consent.bindings.recordIdsOf(customer)).length);
    expect(JSON.stringify(all.items)).toContain('customer-records-marker');
  });

  it('writes the access file owner-only, prints its sha256 as archived, and will not overwrite it without --force', async () => {
    const openid = await h.strangerWhoWrote('access-file-marker');
    const out = path.join(dir, `access-${kind}.json`);
    const result = await runCli(['rights', 'access', `openid:${openid}@${ACCOUNT_ID}`, '--out', out], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const bytes = readFileSync(out);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const recordId = new RegExp(`rights\\.access record (${UUID.source})`).exec(result.stdout)![1]!;
    expect(result.stdout).toBe(`wrote ${out}: ${bytes.length} bytes, sha256 ${sha256}\nrights.access record ${recordId} (holds the same sha256 and size)\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ format: 'cgw-pipl-access/v1', person: { id: openid } });
    expect(bytes.toString('utf8')).toContain('access-file-marker');
    expect((await h.gateway.outbound.reader.open(recordId)).payload).toMatchObject({ file: { sha256, size: bytes.length } });

    const again = await runCli(['rights', 'access', `openid:${openid}@${ACCOUNT_ID}`, '--out', out], env);
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('exists: choose another --out, or pass --force') });
    expect(readFileSync(out)).toEqual(bytes);
    expect((await runCli(['rights', 'access', `openid:${openid}@${ACCOUNT_ID}`, '--out', out, '--force', '--json'], env)).code).toBe(0);
  });

  it('restricts processing and lifts the restriction', async () => {
    const openid = await h.strangerWhoWrote('restrict me');
    const who = `openid:${openid}@${ACCOUNT_ID}`;
    const restricted = await runCli(['rights', 'restrict', who, '--basis', 'written request, ticket PIPL-118'], env);
    expect(restricted.code).toBe(0);
    expect(restricted.stdout).toMatch(new RegExp(`^processing restricted, evidence record ${UUID.source}\nretained for legal obligation only: YES \\(processing withdrawn\\)\n`));
    expect(restricted.stdout).toMatch(/^marketing +missing +withdrawn /m);
    const lifted = await runCli(['rights', 'lift', who, '--basis', 'customer withdrew the request'], env);
    expect(lifted.stdout).toMatch(/^restriction lifted, evidence record .*\nretained for legal obligation only: no\n/);
    expect((await runCli(['rights', 'restrict', who], env)).code).toBe(2);
  });

  it('lists alerts and closes one; closing it again is exit 1 with the 409 problem', async () => {
    const { id } = await h.gateway.consent.alerts.open({ kind: 'wecom.archiving_disagreed', severity: 'warning', accountId: CORP_ID, subjectBidx: null, recordId: null, summary: 'archiving withdrawn 1', dedupeKey: `cli-alert-${kind}-${randomUUID()}` });
    const listed = await runCli(['alerts', 'list', '--status', 'open'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id} {2}open {4}warning {3}wecom\\.archiving_disagreed {2}${CORP_ID} {2}\\S+Z {2}archiving withdrawn 1$`, 'm'));
    const closed = await runCli(['alerts', 'close', id, '--action', 'resolved', '--note', 'customer agreed again'], env);
    expect(closed).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^${id}: closed \\(resolved\\), review record ${UUID.source}\n$`)) });
    const again = await runCli(['alerts', 'close', id, '--action', 'no_action', '--note', 'again'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^cgw: 409 alert-not-open: The alert is not open\n/);
    expect((await runCli(['alerts', 'list', '--status', 'closed', '--json'], env)).stdout).toContain(id);
    expect((await runCli(['alerts', 'close', id, '--action', 'shrug', '--note', 'x'], env)).stderr).toContain('400 validation-failed');
  });
});
