/**
 * Captured messages matched to approved content items end to end, on SQLite
 * and PostgreSQL: a gateway pulls RM messages from the Finance SDK stand-in
 * and archives them; a message matching an item approved when it was sent
 * (text after normalisation, image by md5sum, link card by URL and title) is
 * linked to the item and version in the transaction that archives it, and a
 * message that does not (another text, a customer, an item not approved, an
 * item retired before the message or approved after it) is not. A matching
 * message opens no lexicon alert for the item's own text, but PII still
 * alerts; a re-pull links nothing twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { In } from 'typeorm';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { Gateway } from '../../gateway/create-gateway';
import type { Actor } from '../../gateway/auth/actor';
import { COMPLIANCE_ALERT_ENTITY, CONTENT_ITEM_USE_ENTITY, MSGAUDIT_CURSOR_ENTITY, type ComplianceAlertRow, type ContentItemUseRow } from '../../gateway/db/entities';
import type { ContentItem, CreateContentItemRequest } from '../../gateway/admin-api/ports';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { archived, CORP, cursorAt, msgauditConfig, newCorpId, nextPull, sealed, SECRET, startGateway } from '../msgaudit/msgaudit-harness';
import { HOTLINE_TEXT, md5, PNG_1X1, PROMO_TEXT } from './content-fixtures';

jest.setTimeout(120_000);

const standin = useFinanceStandin();

const RM = 'rm.zhang';
const CUSTOMER = 'wmContentCustomer0000000000000042';
const AUTHOR: Actor = { subject: 'author', roles: ['compliance-officer'], groups: [], via: 'oidc' };
const APPROVER: Actor = { subject: 'approver', roles: ['compliance-supervisor'], groups: [], via: 'oidc' };
const FUND_URL = 'https://www.bank.example/funds/steady-a?from=wecom';
const FUND_TITLE = '限时抢购：稳健理财 A';

type Message = { msgid: string } & Record<string, unknown>;
const base = (seq: number, msgtime: number, from = RM, to = CUSTOMER) => ({ msgid: `cl-${seq}`, action: 'send', from, tolist: [to], roomid: '', msgtime });
const text = (seq: number, msgtime: number, content: string, from?: string): Message => ({ ...base(seq, msgtime, from), msgtype: 'text', text: { content } });
const image = (seq: number, msgtime: number, bytes: Buffer): Message => ({ ...base(seq, msgtime), msgtype: 'image', image: { md5sum: md5(bytes), filesize: bytes.length, sdkfileid: `sdk-${seq}` } });
const link = (seq: number, msgtime: number, description: string): Message => ({ ...base(seq, msgtime), msgtype: 'link', link: { title: FUND_TITLE, description, link_url: FUND_URL, image_url: 'https://www.bank.example/img/a.png' } });

function closeOnce(gateway: Gateway): Gateway {
  const close = gateway.close.bind(gateway);
  let closing: Promise<void> | undefined;
  gateway.close = () => (closing ??= close());
  return gateway;
}

for (const kind of DATABASE_KINDS) {
  describe(`captured messages matched to approved content items [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-content-match-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function start(corpId: string): Promise<Gateway> {
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: [] } } });
      const config = msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId });
      return standin.track(closeOnce(await startGateway(config)));
    }

    async function approved(gateway: Gateway, request: CreateContentItemRequest): Promise<ContentItem> {
      const port = gateway.contentLibrary.ports.content;
      const { result } = await port.create(request, AUTHOR);
      await port.transition('submit', result.item.id, { version: 1 }, AUTHOR);
      return (await port.transition('approve', result.item.id, { version: 1 }, APPROVER)).result.item;
    }

    async function pull(gateway: Gateway, corpId: string, messages: Message[], media: Record<string, Buffer> = {}): Promise<Map<string, string>> {
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: messages.map((m, i) => sealed(i + 1, m)), media } } });
      gateway.msgaudit.wakeUp(CORP);
      await cursorAt(gateway, corpId, String(messages.length));
      return new Map((await archived(gateway, corpId)).map((r) => [r.event!.msgid, r.recordId]));
    }

    const usesOf = (gateway: Gateway, recordIds: string[]) => gateway.dataSource.getRepository<ContentItemUseRow>(CONTENT_ITEM_USE_ENTITY).find({ where: { recordId: In(recordIds) } });
    const alertsOf = (gateway: Gateway, recordIds: string[]) => gateway.dataSource.getRepository<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY).find({ where: { recordId: In(recordIds) } });

    it('links exactly the RM messages matching an item approved at send time, in the archive transaction, and exempts only its lexicon findings', async () => {
      const corpId = newCorpId();
      const gateway = await start(corpId);
      const promo = await approved(gateway, { label: 'Q3 promo', kind: 'text', text: PROMO_TEXT });
      const hotline = await approved(gateway, { label: 'Hotline', kind: 'text', text: HOTLINE_TEXT });
      const poster = await approved(gateway, { label: 'Poster', kind: 'image', image: { dataBase64: PNG_1X1.toString('base64') } });
      const fund = await approved(gateway, { label: 'Fund A', kind: 'link', link: { title: FUND_TITLE, description: '产品说明书请见链接', url: FUND_URL } });
      const port = gateway.contentLibrary.ports.content;
      const pending = (await port.create({ label: 'Pending', kind: 'text', text: '下周起营业时间调整为九点至五点' }, AUTHOR)).result.item;
      await port.transition('submit', pending.id, { version: 1 }, AUTHOR);
      const old = await approved(gateway, { label: 'Old rate', kind: 'text', text: '三个月定期存款利率上调' });
      await new Promise((r) => setTimeout(r, 30));
      const retired = (await port.transition('retire', old.id, { version: 1, note: 'rate changed again' }, APPROVER)).result.item;
      const approvedAt = Date.parse(promo.approvedAt!);
      const oldApproved = Date.parse(old.approvedAt!);
      const oldRetired = Date.parse(retired.retiredAt!);
      expect(oldRetired - oldApproved).toBeGreaterThan(10);
      const now = Date.now();

      const messages: Message[] = [
        text(1, now, `\u3000${PROMO_TEXT.replaceAll('，', ',')}\r\n`), // full-width space, ASCII commas, CRLF: the same after normalisation (NFKC)
        text(2, now, `${PROMO_TEXT}！`), // one character more: another text
        text(3, now, PROMO_TEXT, CUSTOMER), // the customer, not the RM
        text(4, now, HOTLINE_TEXT),
        image(5, now, PNG_1X1),
        link(6, now, '产品说明书请见链接'),
        link(7, now, '保本保息，稳赚不赔'),
        text(8, now, '下周起营业时间调整为九点至五点'), // submitted, never approved
        text(9, oldApproved + 5, '三个月定期存款利率上调'), // sent while approved, archived after retirement
        text(10, oldRetired + 5, '三个月定期存款利率上调'), // sent after retirement
        text(11, approvedAt - 60_000, PROMO_TEXT), // sent before approval
      ];
      const records = await pull(gateway, corpId, messages, { 'sdk-5': PNG_1X1 });
      const id = (n: number) => records.get(`cl-${n}`)!;
      expect(records.size).toBe(11);

      const uses = await usesOf(gateway, [...records.values()]);
      const linked = new Map(uses.map((u) => [[...records].find(([, r]) => r === u.recordId)![0], u]));
      expect([...linked.keys()].sort()).toEqual(['cl-1', 'cl-4', 'cl-5', 'cl-6', 'cl-7', 'cl-9']);
      expect(linked.get('cl-1')).toMatchObject({ itemId: promo.id, itemVersion: 1, accountId: CORP, msgtype: 'text', senderBidx: gateway.consent.index({ id: RM }), sentAt: now });
      expect(linked.get('cl-4')!.itemId).toBe(hotline.id);
      expect(linked.get('cl-5')).toMatchObject({ itemId: poster.id, msgtype: 'image' });
      expect(linked.get('cl-6')).toMatchObject({ itemId: fund.id, msgtype: 'link' });
      expect(linked.get('cl-7')!.itemId).toBe(fund.id);
      expect(linked.get('cl-9')!.itemId).toBe(old.id);

      // Supervision: the item's own text is pre-approved (no lexicon alert), personal data still alerts, other texts alert as ever.
      const alerts = new Map((await alertsOf(gateway, [...records.values()])).map((a) => [[...records].find(([, r]) => r === a.recordId)![0], a]));
      for (const n of [1, 5, 6, 9]) expect(alerts.has(`cl-${n}`)).toBe(false);
      expect(alerts.get('cl-2')).toMatchObject({ kind: 'supervision.lexicon' });
      expect(alerts.get('cl-4')).toMatchObject({ kind: 'supervision.pii' });
      expect(alerts.get('cl-4')!.summary).not.toContain('supervision.lexicon');
      expect(alerts.get('cl-4')!.summary).toContain(`Pre-approved content item ${hotline.id}`);
      expect(alerts.get('cl-7')!.summary).toContain(`Pre-approved content item ${fund.id}`);
      expect(alerts.get('cl-2')!.summary).not.toContain('Pre-approved');
      expect(alerts.get('cl-7')).toMatchObject({ kind: 'supervision.lexicon', severity: 'critical' });
      expect(alerts.get('cl-7')!.summary).toMatch(/guarantee-principal/);
      expect(alerts.get('cl-7')!.summary).not.toMatch(/limited-rush/);
      expect(alerts.get('cl-10')).toBeUndefined(); // clean text, not linked either
      expect(alerts.get('cl-11')).toMatchObject({ kind: 'supervision.lexicon' });
      const supervised = await gateway.metrics.registry.getSingleMetricAsString('cgw_supervision_messages_total');
      expect(supervised).toMatch(/outcome="pre_approved"} 2/); // cl-1 and cl-6: lexicon hits only in the item's own text
      expect(await gateway.metrics.registry.getSingleMetricAsString('cgw_content_matches_total')).toMatch(/kind="text"} 3/);

      // The archived image is the approved one: the media fetcher stored the same bytes.
      expect((await port.messages(poster.id, { limit: 10 })).items).toEqual([expect.objectContaining({ recordId: id(5), itemVersion: 1, msgtype: 'image' })]);
      const page = await port.messages(promo.id, { limit: 10 });
      expect(page.items.map((m) => m.recordId)).toEqual([id(1)]);
      expect(page.items[0]).toMatchObject({ accountId: CORP, senderIndex: gateway.consent.index({ id: RM }), sentAt: new Date(now).toISOString() });

      // Two links to the fund page, one page at a time.
      const firstPage = await port.messages(fund.id, { limit: 1 });
      expect(firstPage.nextCursor).not.toBeNull();
      const secondPage = await port.messages(fund.id, { limit: 1, cursor: firstPage.nextCursor! });
      expect([...firstPage.items, ...secondPage.items].map((m) => m.recordId).sort()).toEqual([id(6), id(7)].sort());
      expect(secondPage.nextCursor).toBeNull();

      // A re-pull from the start is answered with duplicates: nothing is linked twice.
      const rerun = nextPull(gateway, (r) => r.records > 0);
      await gateway.dataSource.getRepository(MSGAUDIT_CURSOR_ENTITY).update({ corpId }, { lastSeq: '0' });
      gateway.msgaudit.wakeUp(CORP);
      expect(await rerun).toMatchObject({ records: 11, archived: 0, duplicates: 11 });
      expect((await usesOf(gateway, [...records.values()])).length).toBe(6);
    });

    it('sees an item approved on another replica once its filter reloads, and never links a message to it before', async () => {
      const corpId = newCorpId();
      const gateway = await start(corpId);
      // A second replica on the same database (no puller of its own).
      const other = closeOnce(await startGateway(msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId: newCorpId(), overlay: { corps: [] } })));
      const item = await approved(other, { label: 'Elsewhere', kind: 'text', text: '本行手机银行全新升级' });
      expect(gateway.contentLibrary.filter.has(item.fingerprint)).toBe(false);
      const first = await pull(gateway, corpId, [text(1, Date.now(), '本行手机银行全新升级')]);
      expect(await usesOf(gateway, [...first.values()])).toEqual([]);
      await gateway.contentLibrary.filter.reload();
      expect(gateway.contentLibrary.filter.has(item.fingerprint)).toBe(true);
      const both = await pull(gateway, corpId, [text(1, Date.now(), '本行手机银行全新升级'), text(2, Date.now(), '本行手机银行全新升级')]);
      expect((await usesOf(gateway, [...both.values()])).map((u) => [u.recordId, u.itemId])).toEqual([[both.get('cl-2'), item.id]]);
      await other.close();
    });
  });
}
