/**
 * FINRA Rule 2210: a communication sent to more than 25 retail investors
 * within 30 days is "retail communication" and needs a registered
 * principal's approval before use. The gateway counts distinct earlier
 * recipients of the same contentHash (window and threshold from the policy);
 * this message's audience is added on top (an upper bound: some may be the
 * same people). Tags, parties, chats and "all" are unbounded audiences.
 */
import { audienceSize } from '../scope';
import type { Rule } from './types';

/** Hold for principal approval when the same content would exceed the retail threshold. */
export const checkFinra2210: Rule = (ev) => {
  const finra = ev.prepared.finra;
  const { message, usage } = ev.ctx;
  if (!finra || !finra.kinds.has(message.kind)) return;
  const audience = audienceSize(message);
  if (usage.sameContentRetailRecipients + audience <= finra.threshold) return;
  const size = audience === Infinity ? 'an unbounded audience' : `${audience}`;
  ev.findings.push({
    code: 'finra2210.threshold',
    rule: finra.id,
    detail: `${usage.sameContentRetailRecipients} earlier + ${size} > ${finra.threshold} retail recipients within ${finra.windowDays} days`,
    effect: 'hold',
  });
  ev.approvals.push(finra.approval);
};
