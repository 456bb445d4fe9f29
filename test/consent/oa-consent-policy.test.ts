/**
 * Consent and binding on the Official Account path end to end (real gateway,
 * simulator, SQLite and PostgreSQL): the notice sent on follow and on first
 * contact, the withdrawal keyword recorded with the archived message as
 * evidence, and the policy's decisions before and after consent, withdrawal,
 * binding and a processing restriction — through the Tencent-compatible API
 * an unmodified app calls.
 */
import * as pushes from '../../gateway/simulator/pushes';
import { CONSENT_ENTRY_ENTITY, type ConsentEntryRow } from '../../gateway/db/entities';
import { DATABASE_KINDS } from '../db';
import { until } from '../until';
import { ACCOUNT_ID, startOutboundHarness, TEMPLATE_ID, type OutboundHarness } from '../outbound/outbound-harness';

for (const kind of DATABASE_KINDS) {
  describe(`OA consent and binding under the live policy (${kind})`, () => {
    let h: OutboundHarness;
    beforeAll(async () => {
      h = await startOutboundHarness({ kind, overlay: { consent: { capture: true, publicBaseUrl: 'https://wx.bank.example' } } });
    });
    afterAll(async () => {
      await h?.close({ drop: true });
    });

    const person = (openid: string) => ({ kind: 'openid' as const, id: openid, accountId: ACCOUNT_ID });
    const notices = (openid: string) => h.sim.received({ path: '/cgi-bin/message/custom/send' }).filter((m) => m.body.touser === openid);
    const appToken = async () => {
      const res = await fetch(`${h.oaBase}/cgi-bin/token?grant_type=client_credential&appid=${h.app.appId}&secret=${h.app.appSecret}`);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${h.oaBase}/cgi-bin/${path}?access_token=${await appToken()}`, { method: 'POST', body: JSON.stringify(body) });
      return (await res.json()) as Record<string, unknown>;
    };
    const template = (openid: string, marker: string) => post('message/template/send', { touser: openid, template_id: TEMPLATE_ID, data: { first: { value: `账户变动提醒 ${marker}` }, remark: { value: '如有疑问请联系客服' } } });
    const mass = (openids: string[], marker: string) => post('message/mass/send', { touser: openids, msgtype: 'text', text: { content: `本周理财讲座 ${marker}` } });

    it('sends the consent notice with the page link once on follow, not again on the next message', async () => {
      const openid = await h.strangerWhoWrote('你好');
      await h.gateway.consentCapture.settled();
      await until('consent notice delivered', () => (notices(openid).length > 0 ? true : undefined), 10_000);
      const [notice] = notices(openid);
      const content = String((notice!.body.text as { content: string }).content);
      expect(content).toContain(`https://wx.bank.example/p/${ACCOUNT_ID}/consent?lang=zh-CN`);
      expect(content).toContain('个人信息保护法');
      await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content: '请问理财产品' }));
      await h.gateway.consentCapture.settled();
      expect(notices(openid)).toHaveLength(1);
      // The notice itself went through the pipeline: archived and decided like any message.
      const sent = await h.gateway.outbound.messages.list({ appId: 'cgw-consent', limit: 100 });
      expect(sent.filter((m) => m.kind === 'oa.custom').length).toBeGreaterThan(0);
    });

    it('delivers the same notice to more followers than FINRA 2210 counts (it is a disclosure, not retail communication)', async () => {
      const openids: string[] = [];
      for (let i = 0; i < 27; i++) openids.push(await h.strangerWhoWrote(`你好 ${i}`));
      await h.gateway.consentCapture.settled();
      const mine = async () => {
        const bidx = new Set(openids.map((o) => h.gateway.outbound.subjectIndex(o)));
        return (await h.gateway.outbound.messages.list({ appId: 'cgw-consent', limit: 500 })).filter((m) => m.windowSubjectBidx !== null && bidx.has(m.windowSubjectBidx));
      };
      // Every notice reaches a final state (a loaded machine may queue some behind the inline deadline) …
      await until('every notice settled', async () => ((await mine()).filter((m) => m.finishedAt !== null || m.status === 'held').length >= openids.length ? true : undefined), 45_000)
        .catch(async (err: Error) => {
          const states = (await mine()).map((m) => `${m.status}:${m.reasonCodes}`);
          throw new Error(`${err.message}; notices by state: ${JSON.stringify(states)}`);
        });
      // … and every one was delivered, none held for a principal, each reached Tencent once.
      expect((await mine()).map((m) => m.status)).toEqual(openids.map(() => 'delivered'));
      expect(openids.map((o) => notices(o).length)).toEqual(openids.map(() => 1));
    });

    it('denies a template to a follower not bound to a customer (binding.absent, 43101), and sends it once bound', async () => {
      const openid = await h.strangerWhoWrote();
      const denied = await template(openid, 'unbound');
      expect(denied).toMatchObject({ errcode: 43101, cgw_status: 'denied' });
      expect(String(denied.errmsg)).toContain('binding.absent');
      await h.gateway.consent.bindings.bind({ persons: [person(openid)], customerId: 'CIF-7700001', source: 'crm_api', occurredAt: Date.now(), evidence: { payload: { kyc: 'counter' }, dedupeKey: `bind-${openid}` } });
      const sent = await template(openid, 'bound');
      expect(sent).toMatchObject({ errcode: 0 });
      expect(sent.cgw_status).toBe('delivered');
      // And the records about this follower are now findable under the customer.
      expect((await h.gateway.consent.bindings.recordIdsOf('CIF-7700001')).length).toBeGreaterThan(2);
    });

    it('denies marketing without consent, lets it through to approval once granted, and denies it on the next decision after a withdrawal keyword', async () => {
      const openid = await h.strangerWhoWrote();
      const other = await h.followerWhoWrote(); // a mass send names at least two followers; this one consented
      const before = await mass([openid, other], 'no-consent');
      expect(before).toMatchObject({ errcode: 43101, cgw_status: 'denied' });
      expect(String(before.errmsg)).toContain('consent.missing');

      const notice = h.gateway.consent.notices.get('marketing', 'zh-CN')!;
      await h.gateway.consent.ledger.record({ person: person(openid), channel: 'oa_page', source: 'user', occurredAt: Date.now(), changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: notice.version, language: 'zh-CN' }], evidence: { payload: { form: 'test' }, dedupeKey: `grant-${openid}` } });
      const granted = await mass([openid, other], 'consented');
      expect(granted.errcode).toBe(0);
      expect(JSON.stringify(granted)).not.toContain('consent.missing');

      // The follower sends the withdrawal keyword: recorded with the archived message as evidence.
      await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content: ' 退订 ' }));
      const rows = await h.gateway.dataSource.getRepository<ConsentEntryRow>(CONSENT_ENTRY_ENTITY).findBy({ personBidx: h.gateway.consent.index({ id: openid }), channel: 'oa_keyword' });
      expect(rows.map((r) => r.purpose).sort()).toEqual(['cross_border', 'marketing', 'sensitive']);
      expect(rows.every((r) => r.action === 'withdraw' && r.source === 'user')).toBe(true);
      expect((await h.gateway.deps.reader.open(rows[0]!.evidenceRecordId)).recordType).toBe('oa.inbound');
      const after = await mass([openid, other], 'withdrawn');
      expect(after).toMatchObject({ errcode: 43101, cgw_status: 'denied' });
      expect(String(after.errmsg)).toContain('consent.withdrawn');
    });

    it('asks again when the marketing notice text changed since the grant (consent.stale, denied by the default policy)', async () => {
      const openid = await h.strangerWhoWrote();
      const other = await h.followerWhoWrote();
      await h.gateway.consent.ledger.record({ person: person(openid), channel: 'oa_page', source: 'user', occurredAt: Date.now(), changes: [{ purpose: 'marketing', action: 'grant', noticeVersion: 'a'.repeat(64), language: 'zh-CN' }], evidence: { payload: { form: 'old notice' }, dedupeKey: `stale-${openid}` } });
      const answer = await mass([openid, other], 'stale');
      expect(answer).toMatchObject({ errcode: 43101, cgw_status: 'denied' });
      expect(String(answer.errmsg)).toContain('consent.stale');
    });

    it('sends nothing to a person retained for legal obligation only, and resumes when processing consent is given again', async () => {
      const openid = await h.followerWhoWrote();
      const ok = await post('message/custom/send', { touser: openid, msgtype: 'text', text: { content: '您好，您的预约已确认' } });
      expect(ok.errcode).toBe(0);
      await h.gateway.consent.ledger.record({ person: person(openid), channel: 'admin_api', source: 'admin', actor: 'privacy-office', occurredAt: Date.now(), changes: [{ purpose: 'processing', action: 'withdraw', noticeVersion: null, language: null }], evidence: { payload: { basis: 'PIPL Art. 47 request' }, dedupeKey: `restrict-${openid}` } });
      const blocked = await post('message/custom/send', { touser: openid, msgtype: 'text', text: { content: '您好，您的预约已确认' } });
      expect(blocked).toMatchObject({ errcode: 43101, cgw_status: 'denied' });
      expect(String(blocked.errmsg)).toContain('consent.withdrawn');
      await h.gateway.consent.ledger.record({ person: person(openid), channel: 'admin_api', source: 'admin', actor: 'privacy-office', occurredAt: Date.now() + 1, changes: [{ purpose: 'processing', action: 'grant', noticeVersion: null, language: null }], evidence: { payload: { basis: 'restriction lifted' }, dedupeKey: `lift-${openid}` } });
      const resumed = await post('message/custom/send', { touser: openid, msgtype: 'text', text: { content: '您好，您的预约已确认' } });
      expect(resumed.errcode).toBe(0);
    });
  });
}
