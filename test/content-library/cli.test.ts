/**
 * `cgw content …` run as the real CLI process against a real gateway with
 * SSO tokens (two officers, for the two-person rule): what it prints, its
 * exit codes (0 done, 1 refused by state, 2 bad usage or not allowed).
 * SQLite only: the CLI speaks HTTP, and the API's behaviour on both back
 * ends is covered by admin-api.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { startOidcProvider, type TestOidcProvider } from '../admin/oidc-provider';
import { AUDIENCE, IDENTITIES, startContentHarness, type ContentHarness } from './content-harness';
import { md5, PNG_1X1 } from './content-fixtures';

jest.setTimeout(180_000);

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const dir = mkdtempSync(path.join(tmpdir(), 'cgw-content-cli-'));
let provider: TestOidcProvider;
let h: ContentHarness;
const env: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, [AUDIENCE]);
  h = await startContentHarness('sqlite', provider);
  for (const who of ['officer', 'officer2', 'auditor']) env[who] = { CGW_ADMIN_URL: h.url, CGW_ADMIN_TOKEN: await provider.token(who) };
});
afterAll(async () => {
  await h?.close();
  await provider?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cgw = (who: string, ...args: string[]) => runCli(['content', ...args], env[who]);
const idOf = (stdout: string) => new RegExp(`^(${UUID}): `).exec(stdout)?.[1] ?? '';

describe('cgw content', () => {
  it('creates, submits, refuses self-approval, approves as another officer, shows, lists and retires a text item', async () => {
    const created = await cgw('officer', 'create', '--label', 'Q3 launch', '--text', '稳健理财新品上线，详询您的客户经理');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(new RegExp(`^${UUID}: created \\(now draft, version 1\\), record ${UUID}\\n$`));
    const id = idOf(created.stdout);

    expect((await cgw('officer', 'submit', id, '--version', '1')).stdout).toMatch(/: submitted \(now submitted, version 1\)/);
    const self = await cgw('officer', 'approve', id, '--version', '1');
    expect(self).toMatchObject({ code: 2, stdout: '' });
    expect(self.stderr).toMatch(/^cgw: 403 content-self-approval: The submitter of a content item cannot approve it \(two-person rule\)\n {2}you submitted this item/);
    const approved = await cgw('officer2', 'approve', id, '--version', '1', '--note', 'checked against the prospectus');
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringContaining(`${id}: approved (now approved, version 1)`) });

    const shown = await cgw('auditor', 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^${id} {2}approved {3}v1 {2}text {3}Q3 launch`));
    expect(shown.stdout).toContain('text: 稳健理财新品上线，详询您的客户经理\n');
    expect(shown.stdout).toMatch(/^submitted \S+ by officer$/m);
    expect(shown.stdout).toMatch(/^approved \S+ by officer2$/m);
    const listed = await cgw('auditor', 'list', '--status', 'approved');
    expect(listed.stdout).toContain(`${id}  approved   v1  text   Q3 launch`);
    expect(JSON.parse((await cgw('auditor', 'list', '--json')).stdout).items.map((i: { id: string }) => i.id)).toContain(id);

    const stale = await cgw('officer2', 'retire', id, '--version', '2', '--note', 'old');
    expect(stale).toMatchObject({ code: 1, stderr: expect.stringContaining('409 content-item-state') });
    expect(await cgw('officer2', 'retire', id, '--version', '1')).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--note <text>' not specified") });
    expect((await cgw('officer2', 'retire', id, '--version', '1', '--note', 'campaign over')).stdout).toContain(': retired (now retired, version 1)');
    expect((await cgw('auditor', 'messages', id)).stdout).toBe('no captured message matched this item\n');
  });

  it('creates image and link items from files and flags, revises a draft, and rejects one back to draft', async () => {
    const file = path.join(dir, 'poster.png');
    writeFileSync(file, PNG_1X1);
    const image = await cgw('officer', 'create', '--label', 'Poster', '--image', file, '--json');
    expect(image.code).toBe(0);
    expect(JSON.parse(image.stdout).item).toMatchObject({ kind: 'image', image: { contentType: 'image/png', md5: md5(PNG_1X1) } });

    const link = await cgw('officer', 'create', '--label', 'Fund A', '--link-url', 'https://www.bank.example/a', '--link-title', '稳健理财 A', '--link-description', '产品说明书');
    const linkId = idOf(link.stdout);
    expect((await cgw('officer', 'show', linkId)).stdout).toContain('link: 稳健理财 A <https://www.bank.example/a> — 产品说明书\n');
    const textFile = path.join(dir, 'copy.txt');
    writeFileSync(textFile, '周五理财讲座，欢迎报名\n');
    const draft = idOf((await cgw('officer', 'create', '--label', 'Seminar', '--text-file', textFile)).stdout);
    const revised = await cgw('officer', 'revise', draft, '--version', '1', '--text', '周五下午理财讲座，欢迎报名', '--label', 'Seminar (pm)');
    expect(revised.stdout).toContain(`${draft}: revised (now draft, version 2)`);
    await cgw('officer', 'submit', draft, '--version', '2');
    expect((await cgw('officer2', 'reject', draft, '--version', '2', '--note', 'add the branch')).stdout).toContain(': rejected (now draft, version 2)');
  });

  it('says what is wrong with the invocation (exit 2) and passes on the refusals of the gateway', async () => {
    expect(await cgw('officer', 'create', '--label', 'x')).toMatchObject({ code: 2, stderr: expect.stringContaining('give the content') });
    expect(await cgw('officer', 'create', '--label', 'x', '--text', 'a', '--link-url', 'https://b.example/', '--link-title', 't')).toMatchObject({ code: 2, stderr: expect.stringContaining('an item is one kind') });
    expect(await cgw('officer', 'create', '--label', 'x', '--link-url', 'https://b.example/')).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --link-url and --link-title') });
    expect(await cgw('officer', 'create', '--label', 'x', '--image', path.join(dir, 'missing.png'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read the image file') });
    expect(await cgw('officer', 'submit', '00000000-0000-4000-8000-000000000000', '--version', 'one')).toMatchObject({ code: 2, stderr: expect.stringContaining('--version must be a positive integer') });
    const notImage = path.join(dir, 'notes.png');
    writeFileSync(notImage, 'not really a png');
    const refused = await cgw('officer', 'create', '--label', 'x', '--image', notImage);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/400 invalid-request: .*\n {2}\/body\/image\/dataBase64 is not a JPEG, PNG or GIF image\n {2}\/body\/image\/dataBase64: is not a JPEG, PNG or GIF image\n {2}error id: urn:uuid:/);
    expect(await cgw('auditor', 'create', '--label', 'x', '--text', 'y')).toMatchObject({ code: 2, stderr: expect.stringContaining('403 forbidden') });
    expect(await cgw('officer', 'show', '00000000-0000-4000-8000-000000000000')).toMatchObject({ code: 2, stderr: expect.stringContaining('404 not-found') });
  });
});
