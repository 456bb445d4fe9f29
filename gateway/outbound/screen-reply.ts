/**
 * Automatic policy on passive replies (DESIGN: inside Tencent's 5 s budget,
 * automatic policy only). An allowed reply is returned to Tencent (with any
 * transform applied); a denied one is not returned; one that would need
 * approval is not returned either but becomes a held customer-service
 * message, delivered through message/custom/send if a compliance officer
 * approves it while the follower's window is open.
 */
import type { AppConfig } from '../config/schema';
import type { Decision } from '../../connectors/canonical/decision';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import type { AppReply } from '../../connectors/wechat/callback/reply';
import { replyToCustomBody, replyXmlFromCustomBody } from '../../connectors/wechat/callback/reply-as-custom';
import { collectTexts, contentHash } from '../../connectors/canonical/outbound-shape';
import { classifyOaSend } from '../../connectors/wechat/outbound/classify-oa';
import type { ClassifiedOutbound } from '../../connectors/canonical/classified-outbound';
import type { OutboundDeps } from './outbound-deps';
import { submitOutbound } from './submit-outbound';

/** What to do with a validated passive reply. */
export type ReplyScreen =
  | { action: 'return'; xml: string; decision: Decision | null }
  | { action: 'withheld'; outcome: 'hold' | 'deny'; messageId: string };

/** Judge a passive reply by the live policy; a withheld one is archived with its decision (and held for approval when the policy says hold). */
export async function screenPassiveReply(deps: OutboundDeps, input: { app: AppConfig; accountId: string; reply: AppReply }): Promise<ReplyScreen> {
  const { reply } = input;
  const body = replyToCustomBody(reply);
  if (!body) return { action: 'return', xml: reply.xml, decision: null };
  const now = deps.now();
  const message: OutboundMessage = {
    id: String(deps.nextMsgId(now)), kind: 'oa.reply', product: 'oa', accountId: input.accountId, appId: input.app.id, msgtype: reply.msgType,
    recipients: [{ type: 'openid', id: reply.toUserName }], texts: collectTexts(body, ''), body, contentHash: contentHash(body, ['touser']), submittedAt: now,
  };
  const decision = await deps.policy.decide(message);
  if (decision.outcome === 'allow') return { action: 'return', xml: reply.xml, decision };
  if (decision.outcome === 'transform') return { action: 'return', xml: replyXmlFromCustomBody(reply, decision.body), decision };
  // Withheld: recorded like any outbound message. A held reply waits as a customer-service message;
  // one that cannot be sent as such (e.g. music without a URL) is recorded as denied.
  let classified: ClassifiedOutbound;
  let effective = decision;
  try {
    classified = { ...classifyOaSend('message/custom/send', body), kind: decision.outcome === 'hold' ? 'oa.custom' : 'oa.reply' };
  } catch {
    classified = { kind: 'oa.reply', product: 'oa', msgtype: reply.msgType, recipients: message.recipients, texts: message.texts, contentHash: message.contentHash, tencentPath: '/cgi-bin/message/custom/send' };
    if (decision.outcome === 'hold') effective = { ...decision, outcome: 'deny', deny: { errcode: 40008, errmsg: 'policy held a passive reply that cannot be sent as a customer-service message' } };
  }
  const answer = await submitOutbound(deps, { app: input.app, accountId: input.accountId, classified, body, decision: effective });
  return { action: 'withheld', outcome: effective.outcome === 'hold' ? 'hold' : 'deny', messageId: String(answer.cgw_msgid) };
}
