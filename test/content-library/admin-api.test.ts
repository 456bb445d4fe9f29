/**
 * The content library through the admin API, on a real gateway with real SSO
 * tokens, on SQLite and PostgreSQL: the lifecycle (draft → submitted →
 * approved → retired, reject back to draft, revisions as versions), the
 * two-person rule, one approved item per content, racing approvals, role
 * denials, every transition archived (content.item / content.approval) and
 * audited without the item's text, and a problem+json for every bad input
 * on every endpoint with nothing archived.
 */
import { createHash, randomUUID } from 'node:crypto';
import { problemType, type ProblemCode } from '../../gateway/admin-api/problems';
import type { AuditEventType } from '../../gateway/audit/event-types';
import { ARCHIVE_RECORD_ENTITY, CONTENT_FINGERPRINT_ENTITY, CONTENT_ITEM_ENTITY, type ContentFingerprintRow } from '../../gateway/db/entities';
import { transitionItem } from '../../gateway/content-library/item-commands';
import { textFingerprint } from '../../gateway/content-library/fingerprint';
import type { Answer } from '../admin/admin-server';
import { startOidcProvider, type TestOidcProvider } from '../admin/oidc-provider';
import { DATABASE_KINDS } from '../db';
import { AUDIENCE, IDENTITIES, startContentHarness, type ContentHarness } from './content-harness';
import { GIF_1X1, md5, PNG_1X1, PROMO_TEXT } from './content-fixtures';

jest.setTimeout(120_000);

let provider: TestOidcProvider;
beforeAll(async () => {
  provider = await startOidcProvider(IDENTITIES, [AUDIENCE]);
});
afterAll(async () => provider?.stop());

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.each(DATABASE_KINDS)('the content library through the admin API [%s]', (kind) => {
  let h: ContentHarness;

  beforeAll(async () => {
    h = await startContentHarness(kind, provider, { maxImageBytes: 4096, maxTextBytes: 600 });
  });
  afterAll(async () => h?.close());

  const expectProblem = (answer: Answer, status: number, code: ProblemCode) => {
    expect({ status: answer.status, contentType: answer.contentType, type: answer.body?.type }).toEqual({ status, contentType: 'application/problem+json', type: problemType(code) });
    expect(answer.body.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  };
  const lastEvent = async (type: AuditEventType) => (await h.gateway.audit.list({ type, order: 'desc', limit: 1 })).items[0]!;
  const records = () => h.gateway.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).count();
  const createText = async (text: string, who = 'officer', label = 'Fund launch') => {
    const answer = await h.admin('/content-items', who, { json: { label, kind: 'text', text } });
    expect(answer.status).toBe(200);
    return answer.body.item as { id: string; version: number; status: string; fingerprint: string };
  };
  const transition = (id: string, action: string, who: string, body: Record<string, unknown>) => h.admin(`/content-items/${id}/${action}`, who, { json: body });
  const unique = (text: string) => `${text} #${randomUUID().slice(0, 8)}`;

  it('creates a text draft, archives its content as content.item and audits ids and the fingerprint, never the text', async () => {
    const text = unique(PROMO_TEXT);
    const answer = await h.admin('/content-items', 'officer', { json: { label: 'Q3 launch', kind: 'text', text } });
    expect(answer.status).toBe(200);
    const { item, recordId } = answer.body;
    expect(item).toMatchObject({ kind: 'text', label: 'Q3 launch', status: 'draft', version: 1, text, link: null, image: null, fingerprint: textFingerprint(text), contentRecordId: recordId, createdBy: 'officer', submittedBy: null, approvedAt: null });
    const record = await h.gateway.deps.reader.open(recordId);
    expect(record).toMatchObject({ recordType: 'content.item', accountId: 'content-library', subject: null, payload: { itemId: item.id, version: 1, change: 'create', kind: 'text', text, fingerprint: item.fingerprint, actor: { subject: 'officer', via: 'oidc' } } });
    const audit = await lastEvent('admin.content.create');
    expect(audit).toMatchObject({ outcome: 'success', target: item.id, actor: { subject: 'officer', via: 'oidc' }, details: { kind: 'text', version: 1, fingerprint: item.fingerprint, recordId } });
    expect(JSON.stringify(audit)).not.toContain(text.slice(0, 6));
    expect((await h.admin(`/content-items/${item.id}`, 'auditor')).body).toEqual(item);
  });

  it('runs draft → submitted → approved → retired, each transition a content.approval record, with the two-person rule', async () => {
    const item = await createText(unique(PROMO_TEXT));
    const submitted = await transition(item.id, 'submit', 'officer', { version: 1, note: 'Q3 campaign copy, legal reviewed' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.item).toMatchObject({ status: 'submitted', submittedBy: 'officer' });

    const before = await records();
    const self = await transition(item.id, 'approve', 'officer', { version: 1 });
    expectProblem(self, 403, 'content_self_approval');
    expect(await records()).toBe(before);
    expect(await lastEvent('admin.content.approve')).toMatchObject({ outcome: 'failure', target: item.id, details: { problem: 'content_self_approval', action: 'approve', version: 1 } });
    expect((await h.admin(`/content-items/${item.id}`, 'officer')).body.status).toBe('submitted');

    const approved = await transition(item.id, 'approve', 'officer2', { version: 1, note: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.body.item).toMatchObject({ status: 'approved', approvedBy: 'officer2', lastTransitionRecordId: approved.body.recordId });
    const approval = await h.gateway.deps.reader.open(approved.body.recordId);
    expect(approval).toMatchObject({ recordType: 'content.approval', payload: { itemId: item.id, version: 1, action: 'approve', from: 'submitted', to: 'approved', fingerprint: item.fingerprint, contentRecordId: expect.any(String), note: 'ok', actor: { subject: 'officer2' } } });
    const claim = await h.gateway.dataSource.getRepository<ContentFingerprintRow>(CONTENT_FINGERPRINT_ENTITY).findOneBy({ fingerprint: item.fingerprint });
    expect(claim).toMatchObject({ itemId: item.id });
    const listed = await h.admin('/content-items?status=approved&limit=200', 'auditor');
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(item.id);

    const retireNoNote = await transition(item.id, 'retire', 'supervisor', { version: 1 });
    expectProblem(retireNoNote, 400, 'validation_failed');
    const retired = await transition(item.id, 'retire', 'supervisor', { version: 1, note: 'rates changed' });
    expect(retired.body.item).toMatchObject({ status: 'retired', retiredBy: 'supervisor' });
    expect(await lastEvent('admin.content.retire')).toMatchObject({ outcome: 'success', details: { noteHash: sha('rates changed'), noteLength: 13, recordId: retired.body.recordId } });
    expect((await h.gateway.dataSource.getRepository<ContentFingerprintRow>(CONTENT_FINGERPRINT_ENTITY).findOneBy({ fingerprint: item.fingerprint }))!.itemId).toBeNull();
    // Terminal: nothing moves a retired item.
    for (const action of ['submit', 'approve', 'reject', 'retire']) expectProblem(await transition(item.id, action, 'supervisor', { version: 1, note: 'again' }), 409, 'content_state');
  });

  it('rejects back to draft with a note; a revision is a new version, and a decision on the old version is stale', async () => {
    const item = await createText(unique('您好，明天上午十点的理财讲座改到下午三点'));
    await transition(item.id, 'submit', 'officer', { version: 1 });
    const rejected = await transition(item.id, 'reject', 'officer2', { version: 1, note: 'say which branch' });
    expect(rejected.body.item).toMatchObject({ status: 'draft', rejectedBy: 'officer2', version: 1 });
    const text = unique('您好，明天上午十点在南山支行的理财讲座改到下午三点');
    const revised = await h.admin(`/content-items/${item.id}/revise`, 'officer', { json: { version: 1, text, label: 'Seminar moved' } });
    expect(revised.status).toBe(200);
    expect(revised.body.item).toMatchObject({ version: 2, status: 'draft', text, label: 'Seminar moved', fingerprint: textFingerprint(text), contentRecordId: revised.body.recordId });
    expect((await h.gateway.deps.reader.open(revised.body.recordId)).payload).toMatchObject({ version: 2, change: 'revise', text });
    expectProblem(await h.admin(`/content-items/${item.id}/revise`, 'officer', { json: { version: 1, text: 'x' } }), 409, 'content_state');
    expectProblem(await transition(item.id, 'submit', 'officer', { version: 1 }), 409, 'content_state');
    expect((await transition(item.id, 'submit', 'officer', { version: 2 })).status).toBe(200);
    expectProblem(await h.admin(`/content-items/${item.id}/revise`, 'officer', { json: { version: 2, text: 'late change' } }), 409, 'content_state');
    expect((await transition(item.id, 'approve', 'supervisor', { version: 2 })).body.item).toMatchObject({ status: 'approved', version: 2 });
  });

  it('keeps one approved item per content: a second is refused until the first is retired', async () => {
    const text = unique('每周五下午三点，客户经理在线答疑');
    const first = await createText(text);
    const second = await createText(`  ${text.replace(/，/g, '，')}\r\n`, 'officer', 'duplicate');
    expect(second.fingerprint).toBe(first.fingerprint);
    for (const item of [first, second]) await transition(item.id, 'submit', 'officer', { version: 1 });
    expect((await transition(first.id, 'approve', 'officer2', { version: 1 })).status).toBe(200);
    const refused = await transition(second.id, 'approve', 'officer2', { version: 1 });
    expectProblem(refused, 409, 'content_duplicate');
    expect(refused.body.detail).toContain(first.id);
    expect((await h.admin(`/content-items/${second.id}`, 'officer')).body.status).toBe('submitted');
    await transition(first.id, 'retire', 'officer2', { version: 1, note: 'replaced' });
    expect((await transition(second.id, 'approve', 'officer2', { version: 1 })).body.item.status).toBe('approved');
  });

  it('lets exactly one of two racing approvals through', async () => {
    const item = await createText(unique('理财讲座报名通道已开放'));
    await transition(item.id, 'submit', 'officer', { version: 1 });
    const answers = await Promise.all([transition(item.id, 'approve', 'officer2', { version: 1 }), transition(item.id, 'approve', 'supervisor', { version: 1 })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expectProblem(answers.find((a) => a.status === 409)!, 409, 'content_state');
    const approvals = await h.gateway.dataSource.getRepository(ARCHIVE_RECORD_ENTITY).find({ select: { id: true }, where: { recordType: 'content.approval' } });
    const mine = [];
    for (const { id } of approvals) {
      const record = await h.gateway.deps.reader.open(id);
      if (record.payload.itemId === item.id && record.payload.action === 'approve') mine.push(id);
    }
    expect(mine).toHaveLength(1);
  });

  it('keeps image bytes in the archive only (md5 as WeCom reports it), and a link card as given; a label-only revision keeps the image', async () => {
    const image = await h.admin('/content-items', 'officer', { json: { label: 'Poster', kind: 'image', image: { dataBase64: PNG_1X1.toString('base64'), filename: 'poster.png' } } });
    expect(image.status).toBe(200);
    expect(image.body.item).toMatchObject({ kind: 'image', text: null, link: null, image: { contentType: 'image/png', size: PNG_1X1.length, md5: md5(PNG_1X1), sha256: createHash('sha256').update(PNG_1X1).digest('hex') } });
    const stored = await h.gateway.dataSource.getRepository(CONTENT_ITEM_ENTITY).findOneBy({ id: image.body.item.id });
    expect(JSON.stringify(stored)).not.toContain(PNG_1X1.toString('base64'));
    expect(Buffer.from(String(((await h.gateway.deps.reader.open(image.body.recordId)).payload.image as { bytesBase64: string }).bytesBase64), 'base64')).toEqual(PNG_1X1);
    const relabelled = await h.admin(`/content-items/${image.body.item.id}/revise`, 'officer', { json: { version: 1, label: 'Poster (Q3)' } });
    expect(relabelled.body.item).toMatchObject({ version: 2, label: 'Poster (Q3)', image: { md5: md5(PNG_1X1) }, fingerprint: image.body.item.fingerprint });
    expect((await h.gateway.deps.reader.open(relabelled.body.recordId)).payload.image).toMatchObject({ md5: md5(PNG_1X1), bytesBase64: PNG_1X1.toString('base64') });
    const reimaged = await h.admin(`/content-items/${image.body.item.id}/revise`, 'officer', { json: { version: 2, image: { dataBase64: GIF_1X1.toString('base64') } } });
    expect(reimaged.body.item).toMatchObject({ version: 3, image: { contentType: 'image/gif', md5: md5(GIF_1X1) } });

    const link = await h.admin('/content-items', 'officer', { json: { label: 'Fund page', kind: 'link', link: { title: '稳健理财 A', description: '产品说明书', url: 'https://www.bank.example/funds/a?from=wecom', picUrl: 'https://www.bank.example/img/a.png' } } });
    expect(link.body.item).toMatchObject({ kind: 'link', text: null, image: null, link: { title: '稳健理财 A', description: '产品说明书', url: 'https://www.bank.example/funds/a?from=wecom', picUrl: 'https://www.bank.example/img/a.png' } });
  });

  it('refuses callers without the permission (audited as admin.access.denied); auditors read', async () => {
    const item = await createText(unique('本周理财早报'));
    const denied: [string, string, string, unknown?][] = [
      ['auditor', 'POST', '/content-items', { label: 'x', kind: 'text', text: 'x' }],
      ['crm', 'GET', '/content-items'],
      ['it-admin', 'GET', `/content-items/${item.id}`],
      ['auditor', 'POST', `/content-items/${item.id}/submit`, { version: 1 }],
      ['crm', 'POST', `/content-items/${item.id}/approve`, { version: 1 }],
      ['it-admin', 'POST', `/content-items/${item.id}/retire`, { version: 1, note: 'n' }],
      ['crm', 'GET', `/content-items/${item.id}/messages`],
    ];
    for (const [who, method, path, json] of denied) {
      const answer = await h.admin(path, who, { method, ...(json ? { json } : {}) });
      expectProblem(answer, 403, 'forbidden');
      expect(await lastEvent('admin.access.denied')).toMatchObject({ actor: { subject: who }, outcome: 'denied' });
    }
    expect((await h.admin(`/content-items/${item.id}`, 'officer')).body.status).toBe('draft');
    for (const path of ['/content-items', `/content-items/${item.id}`, `/content-items/${item.id}/messages`]) expect((await h.admin(path, 'auditor')).status).toBe(200);
    expect((await h.admin(`/content-items/${item.id}/messages`, 'auditor')).body).toEqual({ items: [], nextCursor: null });
  });

  it('pages through items newest first with a cursor, and refuses a foreign cursor', async () => {
    for (let i = 0; i < 3; i++) await createText(unique(`分页测试 ${i}`), 'officer', `page-${i}`);
    const first = await h.admin('/content-items?status=draft&kind=text&limit=2', 'officer');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await h.admin(`/content-items?status=draft&kind=text&limit=2&cursor=${first.body.nextCursor}`, 'officer');
    const ids = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...first.body.items, ...second.body.items].map((i: { updatedAt: string }) => Date.parse(i.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expectProblem(await h.admin(`/content-items?cursor=${Buffer.from('{"x":1}').toString('base64url')}`, 'officer'), 400, 'validation_failed');
  });

  it('lets a configuration without the two-person rule approve one’s own submission', async () => {
    const item = await createText(unique('二人规则关闭'));
    await transition(item.id, 'submit', 'officer', { version: 1 });
    const actor = { subject: 'officer', roles: ['compliance-officer' as const], groups: [], via: 'oidc' as const };
    const deps = { ...h.gateway.contentLibrary.commands, config: { ...h.gateway.contentLibrary.commands.config, twoPersonRule: false } };
    const { result } = await transitionItem(deps, 'approve', item.id, { version: 1 }, actor);
    expect(result.item).toMatchObject({ status: 'approved', submittedBy: 'officer', approvedBy: 'officer' });
  });

  describe('bad input: problem+json on every endpoint, nothing archived', () => {
    let draft: { id: string };
    beforeAll(async () => {
      draft = await createText(unique('bad input target'));
    });

    const absent = randomUUID();
    const cases: [string, () => [string, Parameters<ContentHarness['admin']>[2]], number, ProblemCode][] = [
      ['create without a body', () => ['/content-items', { method: 'POST' }], 400, 'validation_failed'],
      ['create as text/plain', () => ['/content-items', { method: 'POST', body: 'label=x', headers: { 'content-type': 'text/plain' } }], 415, 'unsupported_media_type'],
      ['create with broken JSON', () => ['/content-items', { method: 'POST', body: '{"label":', headers: { 'content-type': 'application/json' } }], 400, 'invalid_json'],
      ['create without a label', () => ['/content-items', { json: { kind: 'text', text: 'x' } }], 400, 'validation_failed'],
      ['create with a blank label', () => ['/content-items', { json: { label: '   ', kind: 'text', text: 'x' } }], 400, 'validation_failed'],
      ['create an unknown kind', () => ['/content-items', { json: { label: 'x', kind: 'video', text: 'x' } }], 400, 'validation_failed'],
      ['create with an unknown field', () => ['/content-items', { json: { label: 'x', kind: 'text', text: 'x', status: 'approved' } }], 400, 'validation_failed'],
      ['create a text item with a link', () => ['/content-items', { json: { label: 'x', kind: 'text', text: 'x', link: { title: 't', url: 'https://b.example/' } } }], 400, 'invalid'],
      ['create an image item without the image', () => ['/content-items', { json: { label: 'x', kind: 'image' } }], 400, 'invalid'],
      ['create a text over maxTextBytes', () => ['/content-items', { json: { label: 'x', kind: 'text', text: '长'.repeat(201) } }], 400, 'invalid'],
      ['create an image that is not one', () => ['/content-items', { json: { label: 'x', kind: 'image', image: { dataBase64: Buffer.from('%PDF-1.7 fake').toString('base64') } } }], 400, 'invalid'],
      ['create an image over maxImageBytes', () => ['/content-items', { json: { label: 'x', kind: 'image', image: { dataBase64: Buffer.concat([PNG_1X1, Buffer.alloc(5000)]).toString('base64') } } }], 400, 'invalid'],
      ['create an image with broken base64', () => ['/content-items', { json: { label: 'x', kind: 'image', image: { dataBase64: 'iVBORw0K$$$' } } }], 400, 'validation_failed'],
      ['create a link to ftp', () => ['/content-items', { json: { label: 'x', kind: 'link', link: { title: 't', url: 'ftp://b.example/x' } } }], 400, 'validation_failed'],
      ['create a link with credentials in the URL', () => ['/content-items', { json: { label: 'x', kind: 'link', link: { title: 't', url: 'https://u:p@b.example/x' } } }], 400, 'invalid'],
      ['list with limit 0', () => ['/content-items?limit=0', {}], 400, 'validation_failed'],
      ['list with an unknown status', () => ['/content-items?status=published', {}], 400, 'validation_failed'],
      ['list with a malformed cursor', () => ['/content-items?cursor=!!', {}], 400, 'validation_failed'],
      ['list with a repeated parameter', () => ['/content-items?kind=text&kind=link', {}], 400, 'validation_failed'],
      ['show a malformed id', () => ['/content-items/not-a-uuid', {}], 400, 'validation_failed'],
      ['show an unknown item', () => [`/content-items/${absent}`, {}], 404, 'not_found'],
      ['delete an item (no such method)', () => [`/content-items/${draft.id}`, { method: 'DELETE' }], 405, 'method_not_allowed'],
      ['revise without a version', () => [`/content-items/${draft.id}/revise`, { json: { text: 'x' } }], 400, 'validation_failed'],
      ['revise version 0', () => [`/content-items/${draft.id}/revise`, { json: { version: 0, text: 'x' } }], 400, 'validation_failed'],
      ['revise an unknown item', () => [`/content-items/${absent}/revise`, { json: { version: 1, text: 'x' } }], 404, 'not_found'],
      ['revise a text item into a link', () => [`/content-items/${draft.id}/revise`, { json: { version: 1, link: { title: 't', url: 'https://b.example/' } } }], 400, 'invalid'],
      ['submit without a body', () => [`/content-items/${draft.id}/submit`, { method: 'POST' }], 400, 'validation_failed'],
      ['submit with a string version', () => [`/content-items/${draft.id}/submit`, { json: { version: '1' } }], 400, 'validation_failed'],
      ['approve a draft', () => [`/content-items/${draft.id}/approve`, { json: { version: 1 } }], 409, 'content_state'],
      ['approve an unknown item', () => [`/content-items/${absent}/approve`, { json: { version: 1 } }], 404, 'not_found'],
      ['reject without a note', () => [`/content-items/${draft.id}/reject`, { json: { version: 1 } }], 400, 'validation_failed'],
      ['reject a draft', () => [`/content-items/${draft.id}/reject`, { json: { version: 1, note: 'no' } }], 409, 'content_state'],
      ['retire with a blank note', () => [`/content-items/${draft.id}/retire`, { json: { version: 1, note: ' ' } }], 400, 'validation_failed'],
      ['retire a draft', () => [`/content-items/${draft.id}/retire`, { json: { version: 1, note: 'old' } }], 409, 'content_state'],
      ['list messages of an unknown item', () => [`/content-items/${absent}/messages`, {}], 404, 'not_found'],
      ['list messages with limit 201', () => [`/content-items/${draft.id}/messages?limit=201`, {}], 400, 'validation_failed'],
      ['list messages with a foreign cursor', () => [`/content-items/${draft.id}/messages?cursor=abc`, {}], 400, 'validation_failed'],
      ['post to the list of messages', () => [`/content-items/${draft.id}/messages`, { json: {} }], 405, 'method_not_allowed'],
    ];

    it.each(cases)('%s', async (_name, request, status, code) => {
      const before = await records();
      const [path, init] = request();
      const answer = await h.admin(path, 'supervisor', init);
      expectProblem(answer, status, code);
      expect(await records()).toBe(before);
      if (code === 'invalid' || code === 'validation_failed') expect(answer.body.errors?.length ?? 0).toBeGreaterThan(0);
    });
  });

  it('never logs the text of an item', () => {
    expect(h.logs()).not.toContain('限时抢购');
    expect(h.logs()).not.toContain('理财讲座');
  });
});
