/**
 * acceptCallback: a Tencent push for one Official Account, from raw request to
 * the answer Tencent gets. verify → parse → archive (record + outbox + nonce in
 * one transaction) → schedule forwarding → optionally get the replying app's
 * passive reply, validate it, archive it, and only then return it.
 * Nothing is acknowledged before it is committed: a database failure answers
 * 503 so Tencent retries.
 */
import { createHash } from 'node:crypto';
import { openPush } from '../../connectors/wechat/callback/envelope';
import { toChatEvent } from '../../connectors/wechat/callback/parse-event';
import { CallbackError } from '../../connectors/wechat/callback/errors';
import { ArchiveBusyError, NonceReplayError } from '../archive/writer';
import { GatewayError } from '../errors';
import type { InboundDeps } from './inbound-deps';
import { obtainPassiveReply } from './obtain-passive-reply';

export interface CallbackRequest {
  accountId: string;
  query: Record<string, string>;
  body: Buffer;
  /** When the request arrived (epoch ms), for the reply budget. */
  receivedAtMs: number;
}

export interface CallbackAnswer {
  status: number;
  body: string;
  /** Short outcome label for metrics and the log line. */
  outcome: 'archived' | 'duplicate' | 'replied';
}

/** Handle one POSTed push. @throws GatewayError (4xx for bad input, 503 when the archive is unavailable). */
export async function acceptCallback(deps: InboundDeps, req: CallbackRequest): Promise<CallbackAnswer> {
  const account = deps.accounts.get(req.accountId);
  if (!account) throw new GatewayError('unknown-account', 404, 'no such account');
  let opened;
  let event;
  try {
    opened = openPush({
      mode: account.config.mode,
      token: account.config.token,
      aesKey: account.aesKey,
      appId: account.config.appId,
      query: req.query,
      body: req.body,
      now: Math.floor(req.receivedAtMs / 1000),
      maxSkewSeconds: deps.maxSkewSeconds,
    });
    event = toChatEvent({ accountId: account.config.id, message: opened.message });
  } catch (err) {
    if (err instanceof CallbackError) throw GatewayError.fromCallback(err);
    throw err;
  }
  const { timestamp, nonce } = opened.replayKey;
  const effects = deps.inboundEffects?.(event);
  let appended;
  try {
    appended = await withDeadline(deps.archive.append({
      recordType: 'oa.inbound',
      accountId: account.config.id,
      subject: event.fromUserName,
      occurredAtMs: event.createTime * 1000,
      dedupeKey: event.dedupeKey,
      // The XML exactly as Tencent sent it is the evidence; `raw` would only repeat it.
      payload: { mode: account.config.mode, plaintextXml: opened.plaintext, event: { ...event, raw: undefined } },
      outbox: account.subscribers.map((app) => ({ kind: 'forward' as const, target: app.id })),
      ...(effects ? { effects } : {}),
      // Retries and replays are rare: looked up only when this replica saw the key lately, else a clash reruns the batch.
      fresh: 'unless-seen-here',
      nonce: {
        key: sha256(`${account.config.id}|${timestamp}|${nonce}`),
        bodyHash: sha256(req.body),
        expiresAtMs: req.receivedAtMs + deps.maxSkewSeconds * 2000,
      },
    }), deps.archiveTimeoutMs);
  } catch (err) {
    if (err instanceof NonceReplayError) throw new GatewayError('replayed-nonce', 403, 'nonce already used');
    if (err instanceof ArchiveTimeout) throw new GatewayError('archive-timeout', 503, 'system busy');
    if (err instanceof ArchiveBusyError) throw new GatewayError('archive-saturated', 503, 'system busy');
    throw new GatewayError('archive-unavailable', 503, 'system busy', err);
  }
  if (appended.duplicate) return { status: 200, body: 'success', outcome: 'duplicate' };
  deps.observeInbound?.(event);

  const replier = account.replier;
  const inline = replier ? appended.outboxIds.find((o) => o.target === replier.id) : undefined;
  for (const o of appended.outboxIds) if (o !== inline) deps.schedule(o.id);
  if (!replier || !inline) return { status: 200, body: 'success', outcome: 'archived' };

  const reply = await obtainPassiveReply(deps, {
    account,
    app: replier,
    outboxId: inline.id,
    inboundRecordId: appended.recordId,
    eventId: appended.eventId,
    plaintextXml: opened.plaintext,
    openid: event.fromUserName,
    deadlineMs: req.receivedAtMs + deps.replyBudgetMs,
    timestamp,
    nonce,
  });
  return reply ? { status: 200, body: reply, outcome: 'replied' } : { status: 200, body: 'success', outcome: 'archived' };
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

class ArchiveTimeout extends Error {}

/**
 * A hung database must still fail closed inside Tencent's 5 s: answer 503 so
 * Tencent retries. If the commit lands later, the retry is deduplicated and
 * the sweeper forwards it.
 */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ArchiveTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // a late failure after the deadline was already answered
  }
}
