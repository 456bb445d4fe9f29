/**
 * Supervision of captured RM chats end to end, on SQLite and PostgreSQL: a
 * gateway pulls messages from the Finance SDK stand-in, archives them, and
 * the default policy's supervision rules open compliance alerts in the same
 * transaction (codes only, the archived record's id, the sender's blind
 * index); a re-pull opens nothing twice; a recall is linked to the message it
 * recalled, which stays in the archive as it was; and nothing of the
 * messages reaches the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { In } from 'typeorm';
import type { Logger } from 'pino';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { Gateway } from '../../gateway/create-gateway';
import { COMPLIANCE_ALERT_ENTITY, MSGAUDIT_CURSOR_ENTITY, MSGAUDIT_RECALL_ENTITY, type ComplianceAlertRow, type MsgauditRecallRow } from '../../gateway/db/entities';
import { createLogger } from '../../gateway/observability/logger';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { captureStream, findLeaks } from '../log-capture';
import { until } from '../until';
import { archived, CORP, cursorAt, msgauditConfig, newCorpId, nextPull, sealed, SECRET, startGateway } from '../msgaudit/msgaudit-harness';

const standin = useFinanceStandin();

const RM = 'rm.zhang';
const CUSTOMER = 'wmSupervisedCustomer00000000042';
const GUARANTEE = '这款理财产品保本保息，稳赚不赔，请放心购买';
const RESIDENT_ID = '440301199003071230';
const WITH_ID = `麻烦把身份证号${RESIDENT_ID}发给柜台同事办理`;
const CLEAN = '您好，明天上午十点的会议改到下午三点，谢谢';
const CUSTOMER_ASKS = '你们的产品保本吗？我的身份证440301199003071230';

type Message = { msgid: string } & Record<string, unknown>;

function text(seq: number, content: string, from = RM, to = CUSTOMER): Message {
  return { msgid: `sv-${seq}`, action: 'send', from, tolist: [to], roomid: '', msgtime: 1_748_000_000_000 + seq * 1000, msgtype: 'text', text: { content } };
}

function mixed(seq: number, parts: string[]): Message {
  return {
    msgid: `sv-${seq}`, action: 'send', from: RM, tolist: [CUSTOMER], roomid: '', msgtime: 1_748_000_000_000 + seq * 1000, msgtype: 'mixed',
    mixed: { item: parts.map((part) => ({ type: 'text', content: JSON.stringify({ content: part }) })) },
  };
}

function recall(seq: number, recalledMsgid: string, from = RM): Message {
  return { msgid: `sv-${seq}`, action: 'recall', from, tolist: [CUSTOMER], roomid: '', msgtime: 1_748_000_000_000 + seq * 1000, msgtype: 'revoke', revoke: { pre_msgid: recalledMsgid } };
}

/** The gateway, its close() made idempotent. */
function closeOnce(gateway: Gateway): Gateway {
  const close = gateway.close.bind(gateway);
  let closing: Promise<void> | undefined;
  gateway.close = () => (closing ??= close());
  return gateway;
}

for (const kind of DATABASE_KINDS) {
  describe(`supervision of captured RM messages [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy(); // the gateways open their own
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-supervision-'));
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function start(corpId: string, messages: Message[], logger?: Logger): Promise<Gateway> {
      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: messages.map((m, i) => sealed(i + 1, m)) } } });
      const config = msgauditConfig({ database: db.config, dataDir, sdkPath: standin.libraryPath, corpId, ...(logger ? { overlay: { logging: { level: 'trace' } } } : {}) });
      return standin.track(closeOnce(await startGateway(config, logger)));
    }

    /** Record ids of `corpId`'s archived messages by msgid. */
    async function recordsByMsgid(gateway: Gateway, corpId: string): Promise<Map<string, string>> {
      return new Map((await archived(gateway, corpId)).map((r) => [r.event!.msgid, r.recordId]));
    }

    /** The alerts of the given records (the file's database is shared by its tests: each has its own CorpID and records). */
    function alertsOf(gateway: Gateway, recordIds: string[]): Promise<ComplianceAlertRow[]> {
      return gateway.dataSource.getRepository<ComplianceAlertRow>(COMPLIANCE_ALERT_ENTITY).find({ where: { recordId: In(recordIds) }, order: { createdAt: 'ASC', kind: 'ASC' } });
    }

    it('opens one alert per RM message with findings, codes only, on the archived record; none for a clean or a customer message; none again on a re-pull', async () => {
      const corpId = newCorpId();
      const messages = [text(1, GUARANTEE), text(2, WITH_ID), text(3, CLEAN), text(4, CUSTOMER_ASKS, CUSTOMER, RM), mixed(5, ['您好', '这个基金稳赚，电话13800138000'])];
      const gateway = await start(corpId, messages);
      await cursorAt(gateway, corpId, '5');
      const records = await recordsByMsgid(gateway, corpId);
      const alerts = await alertsOf(gateway, [...records.values()]);

      const byMsgid = new Map(alerts.map((a) => [[...records].find(([, id]) => id === a.recordId)![0], a]));
      expect([...byMsgid.keys()].sort()).toEqual(['sv-1', 'sv-2', 'sv-5']);
      expect(byMsgid.get('sv-1')).toMatchObject({
        kind: 'supervision.lexicon', severity: 'critical', status: 'open', accountId: CORP, recordId: records.get('sv-1'),
        subjectBidx: gateway.consent.index({ id: RM }), dedupeKey: `supervision|${records.get('sv-1')}`,
      });
      expect(byMsgid.get('sv-1')!.summary).toMatch(/^supervision\.lexicon rm-prohibited-terms \(critical\): guarantee-principal ×1, guarantee-interest ×1, sure-profit ×1, sure-profit-no-loss ×1\. text message from an RM; policy [0-9a-f]{12}\.$/);
      expect(byMsgid.get('sv-2')).toMatchObject({ kind: 'supervision.pii', severity: 'critical' });
      expect(byMsgid.get('sv-2')!.summary).toContain('supervision.pii rm-identity-numbers (critical): prcResidentId ×1');
      // Lexicon (critical) and PII (warning) in one message: one alert, of the more severe kind.
      expect(byMsgid.get('sv-5')).toMatchObject({ kind: 'supervision.lexicon', severity: 'critical' });
      expect(byMsgid.get('sv-5')!.summary).toContain('supervision.pii rm-phone-numbers (warning): mobile ×1');
      expect(byMsgid.get('sv-5')!.summary).toContain('mixed message from an RM');

      // Codes and counts only: no text, number, user id or msgid in the queue.
      const queue = JSON.stringify(await gateway.consent.alerts.list({ status: 'open', limit: 1000 }));
      for (const secret of ['保本', '稳赚', RESIDENT_ID, '13800138000', RM, CUSTOMER, 'sv-1', corpId]) expect(queue).not.toContain(secret);
      // The reviewer opens the message from the archive.
      const opened = await gateway.deps.reader.open(byMsgid.get('sv-1')!.recordId!);
      expect(opened).toMatchObject({ recordType: 'wecom.msgaudit', payload: { event: { msgid: 'sv-1', fields: { content: GUARANTEE } } } });

      await until('the supervision metrics', async () => {
        const metrics = await gateway.metrics.registry.getSingleMetricAsString('cgw_supervision_alerts_total');
        return metrics.includes(`cgw_supervision_alerts_total{corp="${CORP}",kind="supervision.lexicon",severity="critical"} 2`) ? metrics : undefined;
      });
      const outcomes = await gateway.metrics.registry.getSingleMetricAsString('cgw_supervision_messages_total');
      expect(outcomes).toContain(`cgw_supervision_messages_total{corp="${CORP}",outcome="findings"} 3`);
      // The customer's message is supervised too (the default policy watches customers for complaints), and clean.
      expect(outcomes).toContain(`cgw_supervision_messages_total{corp="${CORP}",outcome="clean"} 2`);
      expect(outcomes).not.toContain('outcome="not_supervised"');
      expect(await gateway.metrics.registry.getSingleMetricAsString('cgw_supervision_alerts_total')).toContain(`cgw_supervision_alerts_total{corp="${CORP}",kind="supervision.pii",severity="critical"} 1`);

      // A re-pull from the start is answered with duplicates: no alert opens twice.
      const rerun = nextPull(gateway, (r) => r.records > 0);
      await gateway.dataSource.getRepository(MSGAUDIT_CURSOR_ENTITY).update({ corpId }, { lastSeq: '0' });
      gateway.msgaudit.wakeUp(CORP);
      expect(await rerun).toMatchObject({ records: 5, archived: 0, duplicates: 5 });
      expect((await alertsOf(gateway, [...records.values()])).map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    });

    it('links a recall to the message it recalled, which still opens with its content, and alerts when that message had findings', async () => {
      const corpId = newCorpId();
      // sv-5 recalls sv-6, which the gateway archives only in a later pull (as after a missing key was supplied).
      const messages = [text(1, GUARANTEE), text(2, CLEAN), recall(3, 'sv-1'), recall(4, 'sv-2'), recall(5, 'sv-6')];
      const gateway = await start(corpId, messages);
      await cursorAt(gateway, corpId, '5');
      const early = await recordsByMsgid(gateway, corpId);
      const pendingLink = await gateway.dataSource.getRepository<MsgauditRecallRow>(MSGAUDIT_RECALL_ENTITY).findOneByOrFail({ recallRecordId: early.get('sv-5')! });
      expect(pendingLink.originalRecordId).toBeNull();
      expect(await gateway.supervision.recalls.originalOf(early.get('sv-5')!)).toBeNull();

      standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: [...messages, text(6, CLEAN)].map((m, i) => sealed(i + 1, m)) } } });
      gateway.msgaudit.wakeUp(CORP);
      await cursorAt(gateway, corpId, '6');
      const records = await recordsByMsgid(gateway, corpId);
      const [guarantee, clean, recallOfGuarantee, recallOfClean, earlyRecall, late] = ['sv-1', 'sv-2', 'sv-3', 'sv-4', 'sv-5', 'sv-6'].map((m) => records.get(m)!);

      const links = await gateway.dataSource.getRepository<MsgauditRecallRow>(MSGAUDIT_RECALL_ENTITY).find({ where: { recallRecordId: In([recallOfGuarantee, recallOfClean, earlyRecall]) } });
      expect(new Map(links.map((l) => [l.recallRecordId, l.originalRecordId]))).toEqual(new Map([[recallOfGuarantee, guarantee], [recallOfClean, clean], [earlyRecall, null]]));
      expect(await gateway.supervision.recalls.originalOf(recallOfGuarantee!)).toBe(guarantee);
      expect(await gateway.supervision.recalls.recallsOf(guarantee!)).toEqual([recallOfGuarantee]);
      expect(await gateway.supervision.recalls.originalOf(earlyRecall!)).toBe(late);
      expect(await gateway.supervision.recalls.recallsOf(late!)).toEqual([earlyRecall]);
      expect(await gateway.supervision.recalls.originalOf(guarantee!)).toBeNull();

      // The original is kept exactly as archived; the recall is a record of its own.
      const original = await gateway.deps.reader.open(guarantee!);
      expect(original.payload).toMatchObject({ event: { msgid: 'sv-1', type: 'text', fields: { content: GUARANTEE } } });
      const recallRecord = await gateway.deps.reader.open(recallOfGuarantee!);
      expect(recallRecord.payload).toMatchObject({ event: { msgid: 'sv-3', type: 'revoke', recalledMsgid: 'sv-1' } });

      const alerts = await alertsOf(gateway, [guarantee!, clean!, late!]);
      expect(alerts.map((a) => [a.kind, a.recordId, a.severity])).toEqual([
        ['supervision.lexicon', guarantee, 'critical'],
        ['supervision.recall', guarantee, 'critical'],
      ]);
      const recallAlert = alerts[1]!;
      expect(recallAlert).toMatchObject({ dedupeKey: `supervision.recall|${recallOfGuarantee}`, subjectBidx: gateway.consent.index({ id: RM }) });
      expect(recallAlert.summary).toContain('supervision.recall: the sender recalled a message that had findings (supervision.lexicon, critical)');
      expect(recallAlert.summary).toContain('guarantee-principal ×1');
      for (const secret of ['保本', 'sv-1', RM]) expect(recallAlert.summary).not.toContain(secret);
      await until('the recall metrics', async () => {
        const metrics = await gateway.metrics.registry.getSingleMetricAsString('cgw_supervision_recalls_total');
        return metrics.includes(`{corp="${CORP}",original="linked"} 2`) && metrics.includes(`{corp="${CORP}",original="pending"} 1`) ? true : undefined;
      });
    });

    it('logs alerts by kind and record without any message text, number or user id', async () => {
      const capture = captureStream();
      const corpId = newCorpId();
      const gateway = await start(corpId, [text(1, GUARANTEE), text(2, WITH_ID), text(3, CUSTOMER_ASKS, CUSTOMER, RM), recall(4, 'sv-1')], createLogger('trace', capture));
      await cursorAt(gateway, corpId, '4');
      await until('the alert log lines', () => (capture.lines.filter((l) => l.includes('supervision alert opened')).length === 3 ? true : undefined));
      await gateway.close();

      expect(findLeaks(capture.lines, [
        { name: 'guarantee text', value: GUARANTEE, window: 4 },
        { name: 'resident id text', value: WITH_ID, window: 6 },
        { name: 'customer text', value: CUSTOMER_ASKS, window: 6 },
        { name: 'resident id', value: RESIDENT_ID, window: 8 },
        { name: 'customer id', value: CUSTOMER, window: 12 },
        { name: 'rm userid', value: RM },
      ])).toEqual([]);
    });
  });
}
