/**
 * Inside Tencent's 5 s budget: forward the push to the account's replying app,
 * accept its passive reply only if it is valid, archive it, and return it
 * sealed for Tencent. Any failure degrades to "success" (no reply) with the
 * outbox row left for the worker to retry; a reply that cannot be archived is
 * never returned.
 */
import { randomInt } from 'node:crypto';
import type { AppConfig } from '../config/schema';
import { forwardToApp } from '../forwarding/forward-to-app';
import { readAppReply, sealReply } from '../../connectors/wechat/callback/reply';
import { CallbackError } from '../../connectors/wechat/callback/errors';
import type { AccountRuntime, InboundDeps } from './inbound-deps';
import { recordFailedAttempt } from './record-failed-attempt';

export interface PassiveReplyInput {
  account: AccountRuntime;
  app: AppConfig;
  outboxId: string;
  inboundRecordId: string;
  eventId: string;
  plaintextXml: string;
  openid: string;
  deadlineMs: number;
  timestamp: string;
  nonce: string;
}

/** The sealed reply body for Tencent, or null for "answer success". */
export async function obtainPassiveReply(deps: InboundDeps, input: PassiveReplyInput): Promise<string | null> {
  const remaining = input.deadlineMs - deps.now();
  if (remaining < 100) {
    deps.schedule(input.outboxId);
    return null;
  }
  const result = await forwardToApp({
    app: input.app,
    plaintextXml: input.plaintextXml,
    openid: input.openid,
    originalId: input.account.config.originalId,
    eventId: input.eventId,
    nowSeconds: Math.floor(deps.now() / 1000),
    timeoutMs: remaining,
  });
  deps.metrics.forwards.inc({ app: input.app.id, outcome: result.ok ? 'delivered' : 'failed' });
  if (!result.ok) {
    await recordFailedAttempt(deps, { id: input.outboxId, attempts: 0 }, result.error ?? 'delivery failed');
    return null;
  }
  if (result.replyBody === undefined) {
    await deps.outbox.markDone(input.outboxId, deps.now());
    return null;
  }
  let reply;
  try {
    reply = readAppReply({
      body: result.replyBody,
      appToken: input.app.credentials.token,
      appEncodingAESKey: input.app.credentials.encodingAESKey,
      appId: input.app.credentials.appId,
      expectedToUserName: input.openid,
      expectedFromUserName: input.account.config.originalId,
    });
  } catch (err) {
    await deps.outbox.markDone(input.outboxId, deps.now());
    deps.logger.warn({ app: input.app.id, eventId: input.eventId, code: err instanceof CallbackError ? err.code : 'invalid-reply' }, 'passive reply rejected');
    deps.metrics.forwards.inc({ app: input.app.id, outcome: 'reply-rejected' });
    return null;
  }
  if (reply === null) {
    await deps.outbox.markDone(input.outboxId, deps.now());
    return null;
  }
  let replyXml = reply.xml;
  let decision: unknown = null;
  if (deps.screenReply) {
    let screened;
    try {
      screened = await deps.screenReply({ app: input.app, accountId: input.account.config.id, reply });
    } catch (err) {
      // Policy or archive unavailable: a reply that was not judged is not returned.
      deps.logger.error({ err, eventId: input.eventId }, 'passive reply could not be screened; not returned to Tencent');
      await deps.outbox.markDone(input.outboxId, deps.now());
      return null;
    }
    if (screened.action === 'withheld') {
      await deps.outbox.markDone(input.outboxId, deps.now());
      deps.metrics.forwards.inc({ app: input.app.id, outcome: screened.outcome === 'hold' ? 'reply-held' : 'reply-denied' });
      return null;
    }
    replyXml = screened.xml;
    decision = screened.decision;
  }
  try {
    await deps.archive.append({
      recordType: 'oa.reply',
      accountId: input.account.config.id,
      subject: input.openid,
      occurredAtMs: deps.now(),
      dedupeKey: `oa.reply|${input.eventId}`,
      payload: { inboundRecordId: input.inboundRecordId, app: input.app.id, replyXml, decision },
      outbox: [],
    });
  } catch (err) {
    deps.logger.error({ err, eventId: input.eventId }, 'passive reply not archived; not returned to Tencent');
    await deps.outbox.markDone(input.outboxId, deps.now());
    return null;
  }
  await deps.outbox.markDone(input.outboxId, deps.now());
  const cfg = input.account.config;
  return sealReply({
    mode: cfg.mode,
    token: cfg.token,
    aesKey: input.account.aesKey,
    appId: cfg.appId,
    replyXml,
    timestamp: String(Math.floor(deps.now() / 1000)),
    nonce: String(randomInt(100000000, 2147483647)),
  });
}
