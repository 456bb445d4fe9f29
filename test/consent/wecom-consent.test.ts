/**
 * WeCom archiving consent end to end, on SQLite and PostgreSQL: agree and
 * disagree messages pulled from the chat archive (Finance SDK stand-in) and
 * the msg_audit_approved callback (pushed by the simulator) land in the
 * consent ledger in the transaction that archives them; reconciliation with
 * check_single_agree / check_room_agree against the simulator records what
 * the ledger missed; a Disagree opens a compliance alert and the policy
 * blocks gateway-sent messages to that contact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import { loadConfig } from '../../gateway/config/load-config';
import { createSimulatedCorp, type SimulatedCorp } from '../../gateway/simulator/state/wecom-corps';
import { createSimulatedAccount } from '../../gateway/simulator/accounts';
import { createTencentSimulator, type TencentSimulator } from '../../gateway/simulator/simulator';
import type { ListeningSimulator } from '../../gateway/simulator/simulator';
import { CONSENT_ENTRY_ENTITY, type ConsentEntryRow } from '../../gateway/db/entities';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../db';
import { freePort } from '../free-port';
import { until } from '../until';
import { CORP, cursorAt, KEYS, sealed } from '../msgaudit/msgaudit-harness';

const standin = useFinanceStandin();

for (const kind of DATABASE_KINDS) {
  describe(`WeCom archiving consent [${kind}]`, () => {
    let db: TestDatabase;
    let dataDir: string;
    let sim: TencentSimulator;
    let corp: SimulatedCorp;
    let listening: ListeningSimulator[];
    let gateway: Gateway;
    let internalRoom: string;
    const [rmZhang, rmLi] = ['rm-zhang', 'rm-li'];

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      await db.dataSource.destroy();
      dataDir = mkdtempSync(join(tmpdir(), 'cgw-wecom-consent-'));
      const port = await freePort();
      corp = createSimulatedCorp({ members: [rmZhang, rmLi], externalContactCount: 5, callbackUrl: `http://127.0.0.1:${port}/callback/wecom/${CORP}` });
      sim = createTencentSimulator({ accounts: [createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:9/unused', mode: 'safe' })], corps: [corp] });
      listening = [await sim.listen(), await sim.listenWecom()];
      const [agreeing, disagreeing, chatting] = corp.externalContacts;
      // Before the gateway starts: WeCom collected these in the RMs' chats (the archive carries the agree / disagree messages).
      sim.setAgreeStatus(corp.corpId, rmZhang, agreeing!, 'Agree');
      sim.setAgreeStatus(corp.corpId, rmZhang, disagreeing!, 'Disagree');
      await sim.settled();
      const stream = sim.archiveMessages(corp.corpId);
      const chat = { msgid: 'chat-1', action: 'send', from: rmZhang, tolist: [chatting!], roomid: '', msgtime: Date.now(), msgtype: 'text', text: { content: '您好，我是您的客户经理' } };
      internalRoom = sim.defineRoom(corp.corpId, { name: '财富管理部晨会', creator: rmZhang, notice: '每日 8:30', members: [rmZhang, rmLi] });
      const group = { msgid: 'group-1', action: 'send', from: rmZhang, tolist: [rmLi], roomid: internalRoom, msgtime: Date.now(), msgtype: 'text', text: { content: '今日晨会纪要' } };
      standin.control.load({ corps: { [corp.corpId]: { secret: corp.msgauditSecret, chatdata: [...stream.map((c) => sealed(c.seq, c.message)), sealed(stream.length + 1, chat), sealed(stream.length + 2, group)] } } });
      const config = loadConfig({
        env: {},
        overlay: {
          dataDir,
          server: { host: '127.0.0.1', port, shutdownGraceMs: 2000 },
          database: db.config,
          keys: { type: 'file', path: join(dataDir, 'keys.json') },
          archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
          logging: { level: 'silent' },
          tencent: { oaBaseUrl: listening[0]!.url, wecomBaseUrl: listening[1]!.url, timeoutMs: 2000 },
          msgaudit: { sdkPath: standin.libraryPath, pullIntervalMs: 60_000, backoffBaseMs: 50, backoffMaxMs: 400, leaseTtlMs: 5000, statusIntervalMs: 3_600_000 },
          consent: { capture: false },
          corps: [{
            id: CORP, corpId: corp.corpId, agents: corp.agents.map((a) => ({ agentId: a.agentId, secret: a.secret })), contactSecret: corp.contactSecret,
            msgaudit: { secret: corp.msgauditSecret, privateKeys: { 1: KEYS[1].pkcs1Pem, 2: KEYS[2].pkcs8Pem } },
            callback: { token: corp.token, encodingAESKey: corp.encodingAESKey },
          }],
        },
      });
      gateway = await createGateway(config, { housekeeping: false });
      await gateway.listen(port);
      // The first pull opens the corp's SDK handle: let it finish before the stand-in's per-test leak baseline is taken.
      await cursorAt(gateway, corp.corpId, String(stream.length + 2));
    });
    afterAll(async () => {
      for (const l of listening ?? []) await l.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const person = (id: string) => ({ kind: 'external_userid' as const, id, accountId: CORP });
    const entries = async (id: string) => (gateway.dataSource.getRepository<ConsentEntryRow>(CONSENT_ENTRY_ENTITY).findBy({ personBidx: gateway.consent.index({ id }) }));

    function massTo(ids: string[]): OutboundMessage {
      return {
        id: String(Date.now()), kind: 'wecom.customer_mass', product: 'wecom', accountId: CORP, appId: 'crm', msgtype: 'text',
        recipients: ids.map((id) => ({ type: 'external_userid' as const, id })), texts: [{ path: '/text/content', text: '您好' }], body: { text: { content: '您好' } }, contentHash: 'h', submittedAt: Date.now(),
      } as unknown as OutboundMessage;
    }

    it('records agree and disagree messages from the chat archive in the ledger, with the archived message as evidence, and alerts on the disagree', async () => {
      const [agreeing, disagreeing] = corp.externalContacts;
      await until('agree/disagree in the ledger', async () => ((await entries(disagreeing!)).length > 0 && (await entries(agreeing!)).length > 0 ? true : undefined), 15_000);
      const agreed = await gateway.consent.ledger.current(person(agreeing!));
      const disagreed = await gateway.consent.ledger.current(person(disagreeing!));
      expect(agreed.purposes.archiving.state).toBe('granted');
      expect(disagreed.purposes.archiving.state).toBe('withdrawn');
      const [row] = await entries(disagreeing!);
      expect(row).toMatchObject({ channel: 'wecom_msgaudit', source: 'tencent', action: 'withdraw', purpose: 'archiving' });
      const evidence = await gateway.deps.reader.open(row!.evidenceRecordId);
      expect(evidence.recordType).toBe('wecom.msgaudit');
      await gateway.wecomConsent.settled();
      const alerts = await gateway.consent.alerts.list({ status: 'open', kind: 'wecom.archiving_disagreed' });
      expect(alerts.map((a) => a.subjectBidx)).toContain(gateway.consent.index({ id: disagreeing! }));
      expect(JSON.stringify(alerts)).not.toContain(disagreeing!);
    });

    it('blocks gateway-sent messages to a contact who disagreed, and not to one who agreed', async () => {
      const [agreeing, disagreeing] = corp.externalContacts;
      for (const id of [agreeing!, disagreeing!]) {
        await gateway.consent.ledger.record({ person: person(id), channel: 'admin_api', source: 'admin', occurredAt: Date.now(), actor: 'test', changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: null, language: null }], evidence: { payload: { basis: 'paper form' }, dedupeKey: `mk-${id}` } });
      }
      const blocked = await gateway.outbound.policy.decide(massTo([disagreeing!]));
      expect(blocked.outcome).toBe('deny');
      expect(blocked.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'consent.withdrawn', rule: 'wecom-archiving-consent' })]));
      const fine = await gateway.outbound.policy.decide(massTo([agreeing!]));
      expect(fine.reasons.map((r) => r.code)).not.toContain('consent.withdrawn');
      expect(fine.outcome).not.toBe('deny');
    });

    it('records the msg_audit_approved callback WeCom pushes, and learns the RM–customer pair', async () => {
      const newcomer = corp.externalContacts[3]!;
      const change = sim.setAgreeStatus(corp.corpId, rmLi, newcomer, 'Agree');
      expect(change.approvedEvent).toBeDefined();
      await sim.settled();
      await until('callback consent in the ledger', async () => ((await entries(newcomer)).length > 0 ? true : undefined), 10_000);
      const [row] = await entries(newcomer);
      expect(row).toMatchObject({ channel: 'wecom_callback', source: 'tencent', action: 'grant', purpose: 'archiving' });
      expect((await gateway.deps.reader.open(row!.evidenceRecordId)).recordType).toBe('wecom.callback');
      expect((await gateway.consent.ledger.current(person(newcomer))).purposes.archiving.state).toBe('granted');
    });

    it('reconciles with check_single_agree and check_room_agree: a change the ledger missed is recorded, with an alert for a disagree', async () => {
      const newcomer = corp.externalContacts[3]!;
      const roomMember = corp.externalContacts[4]!;
      await gateway.wecomConsent.settled();
      // WeCom's state moves on without telling the gateway (no archive message reaches it, no callback for a disagree).
      sim.setAgreeStatus(corp.corpId, rmLi, newcomer, 'Disagree', Date.now() + 1000);
      const roomid = sim.defineRoom(corp.corpId, { creator: rmLi, members: [rmLi, roomMember] });
      sim.setRoomAgreeStatus(corp.corpId, roomid, roomMember, 'Agree', Date.now() + 1000);
      await gateway.wecomConsent.noteRoom(CORP, roomid);
      // A contact who is no longer the corp's customer fails a whole check_single_agree call (301061): the others must still be checked.
      await gateway.wecomConsent.notePair(CORP, rmLi, 'wmNoLongerACustomerOfThisCorp001');

      const report = await gateway.wecomConsent.reconcile(CORP);
      expect(report.errors).toBe(0);
      expect(report.pairsChecked).toBeGreaterThanOrEqual(3); // the chatting pair from the archive, the callback's pair, the lost customer
      expect(report.roomsChecked).toBe(2); // the internal group seen in the archive, and the customer group
      expect(report.disagreements).toBe(1);
      expect((await gateway.consent.ledger.current(person(newcomer))).purposes.archiving.state).toBe('withdrawn');
      expect((await gateway.consent.ledger.current(person(roomMember))).purposes.archiving.state).toBe('granted');
      const reconciled = (await entries(newcomer)).find((r) => r.source === 'reconciliation');
      expect(reconciled).toMatchObject({ channel: 'wecom_check', action: 'withdraw' });
      const evidence = await gateway.deps.reader.open(reconciled!.evidenceRecordId);
      expect(evidence.payload).toMatchObject({ api: 'check_single_agree', agree_status: 'Disagree' });

      // Tencent accepted every check (the simulator refuses the request unless the field is misspelled as Tencent spells it).
      const calls = sim.calls({ path: '/cgi-bin/msgaudit/check_single_agree' });
      expect(calls.length).toBeGreaterThan(0);
      // Only the lost customer's 301061 (the split that isolated it); every other check was accepted.
      expect(calls.filter((c) => c.errcode !== 0).map((c) => c.errcode)).toEqual(expect.arrayContaining([301061]));
      expect(new Set(calls.map((c) => c.errcode))).toEqual(new Set([0, 301061]));

      // Nothing changed since: a second run records nothing.
      const again = await gateway.wecomConsent.reconcile(CORP);
      expect(again.changed).toBe(0);
    });

    it('archives a snapshot of a group chat seen in the archive (name, owner, members from groupchat/get), once while it does not change', async () => {
      await gateway.wecomDirectory.settled();
      const records = await gateway.dataSource.query('SELECT id FROM archive_record WHERE record_type = $1'.replace('$1', kind === 'postgres' ? '$1' : '?'), ['wecom.room']) as { id: string }[];
      expect(records).toHaveLength(1);
      const snapshot = await gateway.deps.reader.open(records[0]!.id);
      expect(snapshot.payload).toMatchObject({ roomid: internalRoom, source: 'msgaudit/groupchat/get', room: { roomname: '财富管理部晨会', creator: rmZhang, notice: '每日 8:30' } });
      expect((snapshot.payload.room as { members: { memberid: string }[] }).members.map((m) => m.memberid).sort()).toEqual([rmLi, rmZhang].sort());
      // Asked again with nothing changed: the same record.
      const again = await gateway.wecomDirectory.snapshotRoom(CORP, internalRoom);
      expect(again?.recordId).toBe(records[0]!.id);
    });

    it('measures permit-list coverage of the members seen with customers, naming those whose chats are not archived', async () => {
      await gateway.wecomConsent.settled();
      sim.setPermitUsers(corp.corpId, [rmZhang]);
      const coverage = await gateway.wecomDirectory.refreshPermitCoverage(CORP);
      expect(coverage.error).toBeNull();
      expect(coverage.permittedCount).toBe(1);
      expect(coverage.membersSeen).toBe(2); // rm-zhang (chats in the archive) and rm-li (the callback's pair)
      expect(coverage.uncovered).toEqual([rmLi]);
      sim.setPermitUsers(corp.corpId, [rmZhang, rmLi]);
      expect((await gateway.wecomDirectory.refreshPermitCoverage(CORP)).uncovered).toEqual([]);
    });

    afterAll(async () => {
      await gateway?.close();
    });
  });
}
