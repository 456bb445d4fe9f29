/**
 * acceptWecomCallback: a WeCom callback push for one corp, from raw request
 * to the answer WeCom gets. verify → decrypt (receive id = the CorpID) →
 * parse → archive as `wecom.callback` (record + nonce + the hooks' effects in
 * one transaction) → hooks → `success`. Nothing is acknowledged before it is
 * committed: a database failure answers 503 so WeCom retries, and the retry
 * of a committed push is a duplicate, answered `success` again.
 *
 * verifyWecomCallbackUrl: the GET handshake (decrypted echostr as the answer).
 */
import { createHash } from 'node:crypto';
import { openWecomPush, verifyWecomUrl } from '../../connectors/wecom/callback/open-push';
import { toWecomCallbackEvent } from '../../connectors/wecom/callback/parse-event';
import type { WecomCallbackEvent } from '../../connectors/wecom/callback/event-types';
import { CallbackError } from '../../connectors/wechat/callback/errors';
import { ArchiveBusyError, NonceReplayError } from '../archive/writer';
import type { ArchiveEntry } from '../archive/types';
import { GatewayError } from '../errors';
import type { WecomCallbackDeps, WecomCorpRuntime } from './wecom-callback-deps';

export interface WecomCallbackRequest {
  /** The corp's configuration id (the `:corp` of the path). */
  corpConfigId: string;
  query: Record<string, string>;
  body: Buffer;
  /** When the request arrived (epoch ms). */
  receivedAtMs: number;
}

export interface WecomCallbackAnswer {
  status: 200;
  body: 'success';
  /** Short outcome label for metrics. */
  outcome: 'archived' | 'duplicate';
  /** The event type (a known type or 'unknown'), for metrics. */
  type: WecomCallbackEvent['type'];
}

/**
 * Verify the URL handshake of corp `corpConfigId`; returns the decrypted echostr.
 * @throws GatewayError (404 unknown corp, 4xx bad handshake)
 */
export function verifyWecomCallbackUrl(deps: WecomCallbackDeps, corpConfigId: string, query: Record<string, string>): string {
  const corp = corpOf(deps, corpConfigId);
  try {
    return verifyWecomUrl({ token: corp.token, aesKey: corp.aesKey, corpId: corp.config.corpId, query, now: Math.floor(deps.now() / 1000), maxSkewSeconds: deps.maxSkewSeconds });
  } catch (err) {
    if (err instanceof CallbackError) throw fromWecomCallback(err);
    throw err;
  }
}

/** Handle one POSTed push. @throws GatewayError (4xx for bad input, 503 when the archive is unavailable). */
export async function acceptWecomCallback(deps: WecomCallbackDeps, req: WecomCallbackRequest): Promise<WecomCallbackAnswer> {
  const corp = corpOf(deps, req.corpConfigId);
  const corpConfigId = corp.config.id;
  let opened;
  let event: WecomCallbackEvent;
  try {
    opened = openWecomPush({
      token: corp.token,
      aesKey: corp.aesKey,
      corpId: corp.config.corpId,
      query: req.query,
      body: req.body,
      now: Math.floor(req.receivedAtMs / 1000),
      maxSkewSeconds: deps.maxSkewSeconds,
    });
    event = toWecomCallbackEvent({ corpConfigId, corpId: corp.config.corpId, message: opened.message });
  } catch (err) {
    if (err instanceof CallbackError) throw fromWecomCallback(err);
    throw err;
  }
  const { timestamp, nonce } = opened.replayKey;
  let effects: ArchiveEntry['effects'];
  try {
    effects = deps.hooks.consentEffects?.(corpConfigId, event);
  } catch (err) {
    throw new GatewayError('consent-unavailable', 503, 'system busy', err);
  }
  let appended;
  try {
    const entry: ArchiveEntry = {
      recordType: 'wecom.callback',
      accountId: corpConfigId,
      subject: event.externalUserId ?? null,
      occurredAtMs: event.createTime * 1000,
      dedupeKey: event.dedupeKey,
      // The XML exactly as WeCom sent it is the evidence; `raw` would only repeat it.
      payload: { corpId: corp.config.corpId, plaintextXml: opened.plaintext, event: { ...event, raw: undefined } },
      outbox: [],
      // The same table as OA pushes (callback_nonce); the prefix keeps WeCom keys apart from OA accounts'.
      // Retries and replays are rare: looked up only when this replica saw the key lately, else a clash reruns the batch.
      fresh: 'unless-seen-here',
      nonce: {
        key: sha256(`wecom|${corpConfigId}|${timestamp}|${nonce}`),
        bodyHash: sha256(req.body),
        expiresAtMs: req.receivedAtMs + deps.maxSkewSeconds * 2000,
      },
      // A consent row that cannot be written must fail this push alone, never a batch of others.
      ...(effects ? { effects, exclusive: true } : {}),
    };
    appended = await withDeadline(deps.archive.append(entry), deps.archiveTimeoutMs);
  } catch (err) {
    if (err instanceof NonceReplayError) throw new GatewayError('replayed-nonce', 403, 'nonce already used');
    if (err instanceof ArchiveTimeout) throw new GatewayError('archive-timeout', 503, 'system busy');
    if (err instanceof ArchiveBusyError) throw new GatewayError('archive-saturated', 503, 'system busy');
    throw new GatewayError('archive-unavailable', 503, 'system busy', err);
  }
  if (event.type === 'msgaudit_notify') runHook(deps, corpConfigId, 'msgauditNotify', () => deps.hooks.msgauditNotify?.(corpConfigId));
  if (appended.duplicate) return { status: 200, body: 'success', outcome: 'duplicate', type: event.type };
  runHook(deps, corpConfigId, 'afterArchive', () => deps.hooks.afterArchive?.(corpConfigId, event, appended.recordId));
  return { status: 200, body: 'success', outcome: 'archived', type: event.type };
}

/**
 * The WeCom face of a callback error: the receive id of a WeCom ciphertext is the
 * CorpID, so the OA code `wrong-appid` is answered as `wrong-corpid`; every other
 * code and status is the OA callback's own.
 */
export function fromWecomCallback(err: CallbackError): GatewayError {
  if (err.code === 'wrong-appid') return new GatewayError('wrong-corpid', err.status, 'encrypted message: receive id in the ciphertext is not the corp\'s CorpID', err);
  return GatewayError.fromCallback(err);
}

function corpOf(deps: WecomCallbackDeps, corpConfigId: string): WecomCorpRuntime {
  const corp = deps.corps.get(corpConfigId);
  if (!corp) throw new GatewayError('unknown-corp', 404, 'no such corp with a callback configured');
  return corp;
}

/** Hooks run after the commit: their failure must not turn an archived push into a retry. Logged by hook name and error type. */
function runHook(deps: WecomCallbackDeps, corp: string, hook: string, call: () => void): void {
  try {
    call();
  } catch (err) {
    deps.logger.warn({ corp, hook, err }, 'wecom callback hook failed; the push is archived'); // the serializer keeps the type and stack frames, never the message
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

class ArchiveTimeout extends Error {}

/** As in accept-callback.ts: a hung database must still fail closed inside WeCom's 5 s; a late commit makes the retry a duplicate. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ArchiveTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
