/**
 * `cgw handover start|status|list|records`, run as the real CLI process
 * against a real gateway (local admin token) and the simulator, on SQLite
 * and PostgreSQL: what they print and their exit codes (0 ok; 1 a failed
 * hand-over or a refusal such as 409; 2 bad usage or a 400).
 */
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { DATABASE_KINDS } from '../db';
import { CORP_ID, DAY, HOUR, startHandoverHarness, type HandoverHarness } from './handover-harness';

jest.setTimeout(180_000);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe.each(DATABASE_KINDS)('cgw handover (%s)', (kind) => {
  let h: HandoverHarness;
  let env: Record<string, string>;
  let corpId: string;
  beforeAll(async () => {
    h = await startHandoverHarness({ kind });
    env = { CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: h.adminToken };
    corpId = h.corp.corpId;
  });
  afterAll(async () => h?.close());

  let id: string;
  let customers: string[];

  it('starts a hand-over, shows its progress customer by customer, and lists it', async () => {
    customers = [0, 1, 2].map(() => h.sim.followCustomer(corpId, 'rm-zhang'));
    const chat = h.sim.defineCustomerGroup(corpId, { owner: 'rm-zhang', name: '张经理的群' });
    const started = await runCli(['handover', 'start', '--corp', CORP_ID, '--mode', 'in-service', '--from', 'rm-zhang', '--to', 'rm-li', '--message', '您好，李经理将继续为您服务'], env);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(started.stdout).toMatch(new RegExp(`^hand-over (${UUID.source}) started \\(in-service\\): rm-zhang -> rm-li, 3 customer\\(s\\), 1 group\\(s\\)\nfollow it: cgw handover status \\1\n$`));
    id = UUID.exec(started.stdout)![0];

    await h.gateway.handover.runDue();
    const waiting = await runCli(['handover', 'status', id], env);
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toContain(`hand-over ${id}  waiting\n  in-service on ${CORP_ID}: rm-zhang -> rm-li, started `);
    expect(waiting.stdout).toContain('  customers 3 (3 waiting)\n  groups 1 (1 succeeded)\n');
    expect(waiting.stdout).toMatch(/^ {2}next step at \S+Z$/m);
    for (const c of customers) expect(waiting.stdout).toContain(`  customer ${c}  waiting\n`);
    expect(waiting.stdout).toContain(`  group ${chat}  succeeded  new_owner\n`);

    h.clock.advance(DAY + HOUR);
    await h.gateway.handover.runDue();
    const done = await runCli(['handover', 'status', id, '--json'], env);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ id, status: 'completed', customers: { total: 3, succeeded: 3 }, customerItems: customers.map((c) => ({ externalUserId: c, status: 'succeeded', reason: 'taken_over' })) });

    const listed = await runCli(['handover', 'list', '--corp', CORP_ID], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id} {2}completed {5}in-service {2}${CORP_ID} {2}rm-zhang -> rm-li {2}customers 3/3 taken over {2}\\S+Z$`, 'm'));
    expect((await runCli(['handover', 'list', '--status', 'failed'], env)).stdout).toBe('no hand-overs match\n');
  });

  it('lists everything involving an RM, page by page', async () => {
    const first = await runCli(['handover', 'records', '--corp', CORP_ID, '--rm', 'rm-li', '--limit', '2'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^RM rm-li on ${CORP_ID}: takeover in ${id} \\(in-service, completed\\)\n`));
    expect(first.stdout).toMatch(/^ {2}\S+Z {2}wecom\.handover +[0-9a-f-]{36} {2}\[(handover|customer, handover)\]$/m);
    const cursor = /^more: --cursor (\S+)$/m.exec(first.stdout)![1]!;
    const next = await runCli(['handover', 'records', '--corp', CORP_ID, '--rm', 'rm-li', '--limit', '2', '--cursor', cursor, '--json'], env);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ corp: CORP_ID, decrypted: false, items: [expect.objectContaining({ recordType: expect.any(String) }), expect.anything()] });
    const nobody = await runCli(['handover', 'records', '--corp', CORP_ID, '--rm', 'rm-zhao'], env);
    expect(nobody.stdout).toBe(`RM rm-zhao on ${CORP_ID}: no hand-overs\n(0 record(s) on this page, the last page)\n`);
  });

  it('exits 1 for a failed hand-over (WeCom 40097) and for a refusal (409), 2 for bad usage and a 400', async () => {
    h.sim.followCustomer(corpId, 'rm-wang');
    const started = await runCli(['handover', 'start', '--corp', CORP_ID, '--mode', 'resigned', '--from', 'rm-wang', '--to', 'rm-zhao', '--no-groups'], env);
    expect(started.code).toBe(0);
    const failedId = UUID.exec(started.stdout)![0];
    const busy = await runCli(['handover', 'start', '--corp', CORP_ID, '--mode', 'in-service', '--from', 'rm-wang', '--to', 'rm-li'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('409 handover-in-progress: A hand-over of this RM is still running');
    await h.gateway.handover.runDue();
    const failed = await runCli(['handover', 'status', failedId], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`hand-over ${failedId}  failed\n`);
    expect(failed.stdout).toContain('  FAILED wecom.40097: WeCom says the handover RM has not left (40097)');

    const noTo = await runCli(['handover', 'start', '--corp', CORP_ID, '--mode', 'in-service', '--from', 'rm-wang'], env);
    expect(noTo).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--to <userid>' not specified") });
    const mode = await runCli(['handover', 'start', '--corp', CORP_ID, '--mode', 'fired', '--from', 'rm-wang', '--to', 'rm-li'], env);
    expect(mode).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown mode fired: use in-service or resigned') });
    const same = await runCli(['handover', 'start', '--corp', CORP_ID, '--mode', 'in-service', '--from', 'rm-wang', '--to', 'rm-wang'], env);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('400 invalid-request: The request cannot be carried out as given\n  the takeover RM must be another member than the handover RM\n  /body/takeoverUserid:');
    const unknown = await runCli(['handover', 'status', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('404 not-found') });
  });
});
