/**
 * acceptWecomCallback with the archive as a stand-in collaborator, for what a
 * real database cannot easily be made to do on cue: saturation, a commit that
 * hangs past the deadline, a replay detected in the transaction; and how the
 * hooks are called (and that a failing hook never turns an archived push into
 * a retry). The endpoint tests run the same command on real databases.
 */
import * as wecom from '@wecom/crypto';
import type { XmlObject } from '../../connectors/canonical/chat-event';
import { buildXml } from '../../connectors/wechat/callback/xml';
import { CallbackError } from '../../connectors/wechat/callback/errors';
import { ArchiveBusyError, NonceReplayError } from '../../gateway/archive/writer';
import type { AppendResult, ArchiveEntry } from '../../gateway/archive/types';
import { acceptWecomCallback, fromWecomCallback, verifyWecomCallbackUrl } from '../../gateway/commands/accept-wecom-callback';
import { wecomCorpRuntimes, type WecomCallbackDeps, type WecomCallbackHooks } from '../../gateway/commands/wecom-callback-deps';
import { GatewayError } from '../../gateway/errors';
import { createMetrics } from '../../gateway/observability/metrics';
import { captureStream, findLeaks } from '../log-capture';
import { createLogger } from '../../gateway/observability/logger';
import { testCorp } from './harness';

const NOW_MS = 1_714_037_059_000;
const corp = testCorp('bank-corp');
const log = captureStream();

function depsWith(append: (entry: ArchiveEntry) => Promise<AppendResult>, hooks: WecomCallbackHooks = {}, archiveTimeoutMs = 200): WecomCallbackDeps {
  return {
    corps: wecomCorpRuntimes([{ id: corp.id, corpId: corp.corpId, agents: [], callback: { token: corp.token, encodingAESKey: corp.encodingAESKey } }]),
    archive: { append },
    hooks,
    maxSkewSeconds: 300,
    archiveTimeoutMs,
    now: () => NOW_MS,
    logger: createLogger('info', log),
    metrics: createMetrics(),
  };
}

function request(message: XmlObject) {
  const encrypt = wecom.encrypt(corp.encodingAESKey, buildXml(message), corp.corpId);
  const timestamp = String(NOW_MS / 1000);
  const nonce = String(Math.floor(Math.random() * 1e9));
  return {
    corpConfigId: corp.id,
    query: { msg_signature: wecom.getSignature(corp.token, timestamp, nonce, encrypt), timestamp, nonce },
    body: Buffer.from(`<xml><ToUserName><![CDATA[${corp.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`),
    receivedAtMs: NOW_MS,
  };
}

const base = { ToUserName: corp.corpId, FromUserName: 'sys', CreateTime: String(NOW_MS / 1000 - 1), MsgType: 'event' };
const APPROVED: XmlObject = { ...base, Event: 'change_external_contact', ChangeType: 'msg_audit_approved', UserID: 'rm1', ExternalUserID: 'wmSecretExternalId0001', WelcomeCode: 'WC1' };
const NOTIFY: XmlObject = { ...base, Event: 'msgaudit_notify', AgentID: '2000003' };
const created = (recordId: string) => (): Promise<AppendResult> => Promise.resolve({ recordId, eventId: 'e', duplicate: false, outboxIds: [] });
const fresh = created('rec-1');
const duplicate = (): Promise<AppendResult> => Promise.resolve({ recordId: 'rec-0', eventId: 'e', duplicate: true, outboxIds: [] });

async function refusal(work: Promise<unknown>): Promise<{ status: number; code: string; expose: boolean } | 'accepted'> {
  try {
    await work;
    return 'accepted';
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    return { status: err.status, code: err.code, expose: err.expose };
  }
}

describe('acceptWecomCallback', () => {
  it('hands the archive one wecom.callback entry: subject, time, complete dedupe key, nonce, payload without raw', async () => {
    const entries: ArchiveEntry[] = [];
    const answer = await acceptWecomCallback(depsWith((e) => (entries.push(e), fresh())), request(APPROVED));
    expect(answer).toEqual({ status: 200, body: 'success', outcome: 'archived', type: 'change_external_contact.msg_audit_approved' });
    const entry = entries[0]!;
    expect(entry).toMatchObject({
      recordType: 'wecom.callback', accountId: 'bank-corp', subject: 'wmSecretExternalId0001', occurredAtMs: (NOW_MS / 1000 - 1) * 1000, outbox: [],
      nonce: { expiresAtMs: NOW_MS + 600_000 },
    });
    expect(JSON.parse(entry.dedupeKey)).toEqual(['v1', 'wecom-event', 'bank-corp', 'change_external_contact', 'msg_audit_approved', 'sys', APPROVED.CreateTime, null, 'rm1', 'wmSecretExternalId0001', 'WC1', null]);
    expect(entry.payload.plaintextXml).toBe(buildXml(APPROVED));
    expect((entry.payload.event as Record<string, unknown>).raw).toBeUndefined();
    expect(entry.effects).toBeUndefined();
    expect(entry.exclusive).toBeUndefined();
  });

  it.each<[string, () => Promise<AppendResult>, number, string]>([
    ['the writer is saturated', () => Promise.reject(new ArchiveBusyError()), 503, 'archive-saturated'],
    ['the database fails', () => Promise.reject(new Error('connection terminated')), 503, 'archive-unavailable'],
    ['the commit hangs past the deadline', () => new Promise(() => undefined), 503, 'archive-timeout'],
    ['the nonce was used with another body', () => Promise.reject(new NonceReplayError()), 403, 'replayed-nonce'],
  ])('answers %s with %i %s', async (_name, append, status, code) => {
    const afterArchive = jest.fn();
    expect(await refusal(acceptWecomCallback(depsWith(append, { afterArchive }), request(APPROVED)))).toEqual({ status, code, expose: status < 500 });
    expect(afterArchive).not.toHaveBeenCalled();
  });

  it('passes the consent effects into the entry and commits it alone', async () => {
    const effects = jest.fn(async () => undefined);
    const consentEffects = jest.fn(() => effects);
    const entries: ArchiveEntry[] = [];
    await acceptWecomCallback(depsWith((e) => (entries.push(e), fresh()), { consentEffects }), request(APPROVED));
    expect(consentEffects).toHaveBeenCalledWith('bank-corp', expect.objectContaining({ type: 'change_external_contact.msg_audit_approved', consent: expect.objectContaining({ externalUserId: 'wmSecretExternalId0001' }) }));
    expect(entries[0]).toMatchObject({ effects, exclusive: true });
  });

  it('answers 503 when the consent hook throws, before anything is archived', async () => {
    const append = jest.fn(fresh);
    const consentEffects = () => {
      throw new Error('ledger not ready');
    };
    expect(await refusal(acceptWecomCallback(depsWith(append, { consentEffects }), request(APPROVED)))).toEqual({ status: 503, code: 'consent-unavailable', expose: false });
    expect(append).not.toHaveBeenCalled();
  });

  it('calls afterArchive for a new record only, and msgauditNotify for msgaudit_notify also when it is a duplicate', async () => {
    const hooks = { afterArchive: jest.fn(), msgauditNotify: jest.fn() };
    await acceptWecomCallback(depsWith(created('rec-9'), hooks), request(NOTIFY));
    expect(hooks.afterArchive).toHaveBeenCalledWith('bank-corp', expect.objectContaining({ type: 'msgaudit_notify' }), 'rec-9');
    expect(hooks.msgauditNotify).toHaveBeenCalledWith('bank-corp');
    const answer = await acceptWecomCallback(depsWith(duplicate, hooks), request(NOTIFY));
    expect(answer.outcome).toBe('duplicate');
    expect(hooks.afterArchive).toHaveBeenCalledTimes(1);
    expect(hooks.msgauditNotify).toHaveBeenCalledTimes(2);
    await acceptWecomCallback(depsWith(fresh, hooks), request(APPROVED));
    expect(hooks.msgauditNotify).toHaveBeenCalledTimes(2);
  });

  it('answers success when a hook throws after the commit, and logs only the hook and the error type', async () => {
    const hooks = {
      afterArchive: () => { throw new Error('observer broke on wmSecretExternalId0001'); },
      msgauditNotify: () => { throw new TypeError('puller gone'); },
    };
    log.lines.length = 0;
    expect((await acceptWecomCallback(depsWith(fresh, hooks), request(NOTIFY))).body).toBe('success');
    expect((await acceptWecomCallback(depsWith(fresh, hooks), request(APPROVED))).body).toBe('success');
    expect(log.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ corp: 'bank-corp', hook: 'msgauditNotify', err: expect.objectContaining({ type: 'TypeError' }) }),
      expect.objectContaining({ corp: 'bank-corp', hook: 'afterArchive', err: expect.objectContaining({ type: 'Error' }) }),
      expect.objectContaining({ corp: 'bank-corp', hook: 'afterArchive', err: expect.objectContaining({ type: 'Error' }) }),
    ]);
    expect(findLeaks(log.lines, [{ name: 'external_userid', value: 'wmSecretExternalId0001' }, { name: 'token', value: corp.token }, { name: 'hook error message', value: 'puller gone' }])).toEqual([]);
  });

  it('refuses an unknown corp with 404 before reading anything', async () => {
    expect(await refusal(acceptWecomCallback(depsWith(fresh), { ...request(NOTIFY), corpConfigId: 'nope' }))).toEqual({ status: 404, code: 'unknown-corp', expose: true });
    expect(await refusal(Promise.resolve().then(() => verifyWecomCallbackUrl(depsWith(fresh), 'nope', {})))).toEqual({ status: 404, code: 'unknown-corp', expose: true });
  });
});

describe('fromWecomCallback', () => {
  it('answers a receive-id mismatch as wrong-corpid, every other code as the OA callback does', () => {
    expect(fromWecomCallback(new CallbackError('wrong-appid', 'x'))).toMatchObject({ code: 'wrong-corpid', status: 403 });
    expect(fromWecomCallback(new CallbackError('stale-timestamp', 'y'))).toMatchObject({ code: 'stale-timestamp', status: 403, safeMessage: 'y' });
  });
});
